import { subscribe } from 'node:diagnostics_channel';
import type { Http2Session, ServerHttp2Stream } from 'node:http2';

export interface Http2Windows {
  /** Receive window of each stream (HTTP/2 SETTINGS_INITIAL_WINDOW_SIZE), bytes. */
  streamBytes: number;
  /** Receive window of each connection, bytes. */
  sessionBytes: number;
}

/**
 * Widens the HTTP/2 receive windows of the process's gRPC server connections (grpc-js has no server
 * option for it). With HTTP/2's default 64 KiB, a client stream of observations can only have ~900
 * rows on the wire before intake's event loop acknowledges them, so the sender and intake took turns
 * waiting (measured: the file import ran at ~70 % of its rate with a 1 MiB window). The windows also
 * bound what a stream can buffer in intake before the handler consumes it. Applied to each server
 * session when its first stream opens (Node's `http2.server.stream.created` diagnostics channel).
 */
export function widenHttp2Windows(windows: Http2Windows): void {
  const widened = new WeakSet<Http2Session>();
  subscribe('http2.server.stream.created', (message) => {
    const session = (message as { stream?: ServerHttp2Stream }).stream?.session;
    if (session === undefined || widened.has(session) || session.destroyed) return;
    widened.add(session);
    try {
      session.setLocalWindowSize(windows.sessionBytes);
      session.settings({ initialWindowSize: windows.streamBytes });
    } catch {
      // a session closing under us keeps its defaults
    }
  });
}
