import {
  credentials,
  InterceptingCall,
  Metadata,
  type CallOptions,
  type ChannelCredentials,
  type ChannelOptions,
  type Client,
  type ClientOptions,
  type ClientUnaryCall,
  type Interceptor,
  type ServiceDefinition,
  type ServiceError,
} from '@grpc/grpc-js';

/** A ts-proto `XxxServiceClient` constructor (it carries its service definition). */
export interface ClientConstructor<C extends Client, S extends ServiceDefinition> {
  new (address: string, credentials: ChannelCredentials, options?: Partial<ClientOptions>): C;
  service: S;
}

export interface GrpcClientOptions<S extends ServiceDefinition> {
  /** Bearer token sent with every call (see `devToken` for the local stack). */
  token: string;
  /**
   * Deadline of a unary call that sets none, in ms; default 5000. Streaming calls get none: a feed
   * lasts as long as it lasts, so their callers set a deadline when they want one.
   */
  deadlineMs?: number;
  /**
   * Methods safe to repeat (reads, writes keyed by an idempotency key): retried on UNAVAILABLE up to
   * 4 attempts with exponential backoff and jitter, capped at 2 s. Default none: a write is sent once.
   */
  idempotentMethods?: readonly (keyof S & string)[];
  /** Extra grpc-js channel options; default none. */
  channelOptions?: ChannelOptions;
}

const retryPolicy = {
  maxAttempts: 4,
  initialBackoff: '0.1s',
  maxBackoff: '2s',
  backoffMultiplier: 2,
  retryableStatusCodes: ['UNAVAILABLE'],
};

/**
 * A client of a mesh service over loopback (insecure credentials) that authenticates every call,
 * gives unary calls a default deadline and retries only the idempotent methods.
 */
export function createGrpcClient<C extends Client, S extends ServiceDefinition>(
  ClientCtor: ClientConstructor<C, S>,
  address: string,
  options: GrpcClientOptions<S>,
): C {
  const idempotent = (options.idempotentMethods ?? []).map((name) => {
    const [, service, method] = ClientCtor.service[name]!.path.split('/');
    return { service, method };
  });
  const serviceConfig = { loadBalancingConfig: [], methodConfig: idempotent.length > 0 ? [{ name: idempotent, retryPolicy }] : [] };
  return new ClientCtor(address, credentials.createInsecure(), {
    ...options.channelOptions,
    'grpc.service_config': JSON.stringify(serviceConfig),
    interceptors: [bearerAndDeadline(options.token, options.deadlineMs ?? 5000)],
  });
}

function bearerAndDeadline(token: string, deadlineMs: number): Interceptor {
  return (callOptions, nextCall) => {
    const { requestStream, responseStream } = callOptions.method_definition;
    const defaulted = callOptions.deadline === undefined && !requestStream && !responseStream;
    const next = nextCall(defaulted ? { ...callOptions, deadline: Date.now() + deadlineMs } : callOptions);
    return new InterceptingCall(next, {
      start(metadata, listener, start) {
        metadata.set('authorization', `Bearer ${token}`);
        start(metadata, listener);
      },
    });
  };
}

type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => ClientUnaryCall;

/** Names of the unary methods of a ts-proto client. */
export type UnaryMethodName<C> = { [K in keyof C]: C[K] extends UnaryMethod<any, any> ? K : never }[keyof C] & string;
type RequestOf<F> = F extends UnaryMethod<infer Req, any> ? Req : never;
type ResponseOf<F> = F extends UnaryMethod<any, infer Res> ? Res : never;

/** Calls a unary method and resolves with its response (rejects with the grpc-js `ServiceError`). */
export function call<C extends Client, K extends UnaryMethodName<C>>(
  client: C,
  method: K,
  request: RequestOf<C[K]>,
  options: Partial<CallOptions> = {},
  metadata: Metadata = new Metadata(),
): Promise<ResponseOf<C[K]>> {
  const unaryMethod = client[method] as UnaryMethod<RequestOf<C[K]>, ResponseOf<C[K]>>;
  return new Promise((resolve, reject) => {
    unaryMethod.call(client, request, metadata, options, (error, response) => (error ? reject(error) : resolve(response)));
  });
}
