import { once } from 'node:events';
import {
  Metadata,
  status,
  type handleClientStreamingCall,
  type handleServerStreamingCall,
  type handleUnaryCall,
  type StatusObject,
} from '@grpc/grpc-js';
import type { Logger } from '@imei/log';
import { createCallContext, type CallContext, type EdgeCallContext, type ServerCall } from './call-context';
import { grpcMetrics } from './grpc-metrics';
import type { Authenticator } from './identity';
import { toGrpcStatus } from './status-mapping';

/** What every handler wrapper needs: who may call, and where failures are logged. */
export interface EdgeOptions {
  authenticator: Authenticator;
  logger: Logger;
}

export type UnaryHandler<Req, Res> = (request: Req, ctx: CallContext) => Promise<Res>;
/** Receives the request messages as they arrive; resolves once with the response. */
export type ClientStreamingHandler<Req, Res> = (requests: AsyncIterable<Req>, ctx: CallContext) => Promise<Res>;
/** Yields the response messages; the next one is pulled only once grpc-js has room for it (drain). */
export type ServerStreamingHandler<Req, Res> = (request: Req, ctx: CallContext) => AsyncIterable<Res>;

/** Wraps `async (request, ctx) => response` as a grpc-js unary handler (authentication + error mapping). */
export function unary<Req, Res>(handler: UnaryHandler<Req, Res>, edge: EdgeOptions): handleUnaryCall<Req, Res> {
  // The hot path of every service (a single check is one of these): no closure or promise beyond the
  // handler's own; the same outcome, metrics and logging as `serve`.
  return (call, callback) => {
    const started = performance.now();
    let ctx: EdgeCallContext | undefined;
    let pending: Promise<Res>;
    try {
      ctx = createCallContext(call, edge.authenticator.authenticate(call.metadata));
      pending = Promise.resolve(handler(call.request, ctx));
    } catch (error) {
      const failure = failed(call, edge, ctx, error);
      grpcMetrics().handled(call.getPath(), failure.code, (performance.now() - started) / 1000);
      callback(failure);
      return;
    }
    pending.then(
      (response) => {
        grpcMetrics().handled(call.getPath(), status.OK, (performance.now() - started) / 1000);
        callback(null, response);
      },
      (error: unknown) => {
        const failure = failed(call, edge, ctx, error);
        grpcMetrics().handled(call.getPath(), failure.code, (performance.now() - started) / 1000);
        callback(failure);
      },
    );
  };
}

/**
 * grpc-js decodes each request message as it arrives and its request stream (an object-mode Readable)
 * reads ahead up to 16 decoded messages, the Node default. A client stream of large chunks (2,000
 * observations each) then holds ~16 decoded chunks that outlive young-generation collections and
 * are promoted: old-space garbage that drove intake's peak RSS. Two messages read ahead keep the
 * handler fed (the HTTP/2 window still buffers the raw bytes behind them).
 */
const REQUESTS_READ_AHEAD = 2;
function limitBufferedRequests(call: object): void {
  const state = (call as { _readableState?: { highWaterMark?: number } })._readableState;
  if (state !== undefined && typeof state.highWaterMark === 'number') state.highWaterMark = REQUESTS_READ_AHEAD;
}

/** Wraps `async (requests, ctx) => response` as a grpc-js client-streaming handler. */
export function clientStreaming<Req, Res>(handler: ClientStreamingHandler<Req, Res>, edge: EdgeOptions): handleClientStreamingCall<Req, Res> {
  return (call, callback) => {
    limitBufferedRequests(call);
    void serve(call, edge, (ctx) => handler(call, ctx)).then(([error, response]) => callback(error, response));
  };
}

/** Wraps `async function* (request, ctx)` as a grpc-js server-streaming handler that waits for drain. */
export function serverStreaming<Req, Res>(handler: ServerStreamingHandler<Req, Res>, edge: EdgeOptions): handleServerStreamingCall<Req, Res> {
  return (call) => {
    void serve(call, edge, async (ctx) => {
      for await (const message of handler(call.request, ctx)) {
        if (!call.write(message)) await once(call, 'drain', { signal: ctx.signal });
      }
    }).then(([error]) => (error ? call.emit('error', error) : call.end()));
  };
}

/**
 * Authenticates the call, runs the handler, and turns a failure into the status to answer with.
 * A failure after the caller cancelled or passed its deadline is the abort the handler was asked
 * for, not a bug: nobody is listening, so it is neither logged nor mapped.
 */
async function serve<T>(call: ServerCall, edge: EdgeOptions, work: (ctx: CallContext) => Promise<T>): Promise<[StatusObject | null, T?]> {
  const started = performance.now();
  const outcome = await answer(call, edge, work);
  grpcMetrics().handled(call.getPath(), outcome[0]?.code ?? status.OK, (performance.now() - started) / 1000);
  return outcome;
}

async function answer<T>(call: ServerCall, edge: EdgeOptions, work: (ctx: CallContext) => Promise<T>): Promise<[StatusObject | null, T?]> {
  let ctx: EdgeCallContext | undefined;
  try {
    ctx = createCallContext(call, edge.authenticator.authenticate(call.metadata));
    return [null, await work(ctx)];
  } catch (error) {
    return [failed(call, edge, ctx, error)];
  }
}

/** The status a failure is answered with (see `serve`). */
function failed(call: ServerCall, edge: EdgeOptions, ctx: EdgeCallContext | undefined, error: unknown): StatusObject {
  if (ctx?.aborted) return { code: status.CANCELLED, details: 'caller gone', metadata: new Metadata() };
  return toGrpcStatus(error, edge.logger, call.getPath());
}
