export type { CallContext } from './call-context';
export { call, createGrpcClient, type ClientConstructor, type GrpcClientOptions, type UnaryMethodName } from './client';
export { devIdentities, devToken } from './dev-tokens';
export {
  clientStreaming,
  serverStreaming,
  unary,
  type ClientStreamingHandler,
  type EdgeOptions,
  type ServerStreamingHandler,
  type UnaryHandler,
} from './handlers';
export { grpcMetrics, observeGrpc, type GrpcMetricsSink } from './grpc-metrics';
export type { HealthStatus } from './health';
export { roles, trustedSources, type Authenticator, type Identity, type Role, type TrustedSource } from './identity';
export { implement, type ServiceHandlers, type ServiceRegistration } from './implement';
export { startGrpcServer, type GrpcServer, type GrpcServerOptions, type GrpcService } from './server';
export { readBadRequest, type BadRequestViolation } from './status-details';
export { violationPath } from './status-mapping';
export { TokenTable, type TokenEntry } from './token-table';
