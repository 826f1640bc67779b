import type {
  handleClientStreamingCall,
  handleServerStreamingCall,
  handleUnaryCall,
  MethodDefinition,
  ServiceDefinition,
  UntypedHandleCall,
} from '@grpc/grpc-js';
import {
  clientStreaming,
  serverStreaming,
  unary,
  type ClientStreamingHandler,
  type EdgeOptions,
  type ServerStreamingHandler,
  type UnaryHandler,
} from './handlers';

type RequestOf<M> = M extends MethodDefinition<infer Req, any> ? Req : never;
type ResponseOf<M> = M extends MethodDefinition<any, infer Res> ? Res : never;
type Shape<M> = M extends { requestStream: infer In; responseStream: infer Out } ? [In, Out] : never;

/** The handler a method takes, by its streaming shape (bidirectional streaming is not used). */
export type HandlerOf<M> =
  Shape<M> extends [false, false] ? UnaryHandler<RequestOf<M>, ResponseOf<M>>
  : Shape<M> extends [true, false] ? ClientStreamingHandler<RequestOf<M>, ResponseOf<M>>
  : Shape<M> extends [false, true] ? ServerStreamingHandler<RequestOf<M>, ResponseOf<M>>
  : never;

/** The grpc-js handler of a method, i.e. what ts-proto's `XxxServiceServer` declares for it. */
export type GrpcHandlerOf<M> =
  Shape<M> extends [false, false] ? handleUnaryCall<RequestOf<M>, ResponseOf<M>>
  : Shape<M> extends [true, false] ? handleClientStreamingCall<RequestOf<M>, ResponseOf<M>>
  : Shape<M> extends [false, true] ? handleServerStreamingCall<RequestOf<M>, ResponseOf<M>>
  : never;

export type ServiceHandlers<S extends ServiceDefinition> = { [K in keyof S]: HandlerOf<S[K]> };

/** A service ready for `startGrpcServer`; `implementation` is assignable to ts-proto's `XxxServiceServer`. */
export interface ServiceRegistration<S extends ServiceDefinition> {
  definition: S;
  implementation: { [K in keyof S]: GrpcHandlerOf<S[K]> };
}

/**
 * Implements every method of a ts-proto service definition with `async` handlers whose request and
 * response types come from the definition; each call is authenticated before its handler runs.
 */
export function implement<S extends ServiceDefinition>(definition: S, handlers: ServiceHandlers<S>, edge: EdgeOptions): ServiceRegistration<S> {
  const implementation: Record<string, UntypedHandleCall> = {};
  for (const [name, method] of Object.entries(definition)) {
    const handler = handlers[name] as never;
    if (method.requestStream && method.responseStream) throw new Error(`${method.path}: bidirectional streaming is not supported`);
    implementation[name] = method.requestStream
      ? clientStreaming(handler, edge)
      : method.responseStream
        ? serverStreaming(handler, edge)
        : unary(handler, edge);
  }
  return { definition, implementation: implementation as ServiceRegistration<S>['implementation'] };
}

/** The full service name of a definition, e.g. `imei.v1.IntakeService` (from its method paths). */
export function serviceNameOf(definition: ServiceDefinition): string {
  const [method] = Object.values(definition);
  if (!method) throw new Error('service definition has no methods');
  return method.path.split('/')[1]!;
}
