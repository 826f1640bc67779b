/**
 * A lean gRPC unary client for the list-state benchmark's load processes: plain `node:http2` requests
 * in the gRPC wire format (length-prefixed protobuf, `grpc-status` trailer) on one keep-alive HTTP/2
 * connection. grpc-js's client spends about three times the server's CPU per call (it saturated a core
 * at ~3,000 calls/s here), so a load process built on it measures the client, not list-state.
 * Every answer is still checked: HTTP 200, `grpc-status: 0`, and a decodable response message.
 */
import { connect, constants, type ClientHttp2Session } from 'node:http2';

export interface UnaryMethod<Req, Res> {
  path: string;
  requestSerialize: (request: Req) => Buffer;
  responseDeserialize: (bytes: Buffer) => Res;
}

export class H2GrpcClient {
  private readonly session: ClientHttp2Session;

  constructor(address: string, private readonly authorization: string) {
    this.session = connect(`http://${address}`, { settings: { initialWindowSize: 1 << 20 } });
    this.session.on('error', () => undefined);
  }

  unary<Req, Res>(method: UnaryMethod<Req, Res>, request: Req, timeoutMs = 5000): Promise<Res> {
    const message = method.requestSerialize(request);
    const frame = Buffer.allocUnsafe(5 + message.length);
    frame[0] = 0;
    frame.writeUInt32BE(message.length, 1);
    message.copy(frame, 5);
    return new Promise<Res>((resolve, reject) => {
      const stream = this.session.request({
        [constants.HTTP2_HEADER_METHOD]: 'POST',
        [constants.HTTP2_HEADER_PATH]: method.path,
        [constants.HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
        te: 'trailers',
        authorization: this.authorization,
        'grpc-timeout': `${timeoutMs}m`,
      });
      const chunks: Buffer[] = [];
      let httpStatus = 0;
      let grpcStatus: string | undefined;
      let grpcMessage = '';
      stream.on('response', (headers) => {
        httpStatus = Number(headers[constants.HTTP2_HEADER_STATUS]);
        // A trailers-only answer (an error) carries grpc-status in the headers.
        if (headers['grpc-status'] !== undefined) grpcStatus = String(headers['grpc-status']);
      });
      stream.on('trailers', (trailers) => {
        grpcStatus = String(trailers['grpc-status']);
        grpcMessage = String(trailers['grpc-message'] ?? '');
      });
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', reject);
      stream.on('end', () => {
        if (httpStatus !== 200 || grpcStatus !== '0') {
          reject(new Error(`${method.path}: HTTP ${httpStatus}, grpc-status ${grpcStatus ?? '?'} ${grpcMessage}`));
          return;
        }
        const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        const length = body.readUInt32BE(1);
        try {
          resolve(method.responseDeserialize(body.subarray(5, 5 + length)));
        } catch (error) {
          reject(error as Error);
        }
      });
      stream.end(frame);
    });
  }

  close(): void {
    this.session.close();
  }
}
