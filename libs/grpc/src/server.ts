import { Server, ServerCredentials, type ServerOptions, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { addHealth, type HealthStatus } from './health';
import { serviceNameOf } from './implement';
import { addReflection } from './reflection';

/** A service to serve: what `implement` returns, or any grpc-js definition with its implementation. */
export interface GrpcService {
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
}

export interface GrpcServerOptions {
  /** `host:port` to bind: services bind `127.0.0.1`; port 0 picks a free port (tests). */
  address: string;
  services: readonly GrpcService[];
  /** Health status at start; default true (SERVING). */
  serving?: boolean;
  /** grpc-js server options (message size limits, keepalive), over `defaultServerOptions`. */
  serverOptions?: ServerOptions;
}

/**
 * What every server runs with unless `serverOptions` says otherwise: channelz off (nothing here serves
 * or reads channelz, and its bookkeeping — call counters and timestamps per call, per socket — is paid
 * on every call).
 */
export const defaultServerOptions: ServerOptions = { 'grpc.enable_channelz': 0 };

export interface GrpcServer {
  /** The bound port (the real one when the address asked for port 0). */
  port: number;
  health: HealthStatus;
  /**
   * Reports NOT_SERVING, lets calls in flight finish for up to `graceMs` (default 5000), then
   * cancels what is left.
   */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts a gRPC server with the given services, the standard health service (callable without a
 * token) and server reflection. Credentials are insecure: the mesh talks over loopback only.
 */
export async function startGrpcServer(options: GrpcServerOptions): Promise<GrpcServer> {
  const server = new Server({ ...defaultServerOptions, ...options.serverOptions });
  const names = options.services.map((service) => serviceNameOf(service.definition));
  for (const { definition, implementation } of options.services) server.addService(definition, implementation);
  const health = addHealth(server, names, options.serving);
  addReflection(server, names);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(options.address, ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
  });
  return {
    port,
    health,
    stop: (graceMs = 5000) => {
      health.setServing(false);
      return new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}
