import type { Kafka } from 'kafkajs';
import { onShutdown, readInfrastructureConfig, type InfrastructureConfig, type ShutdownStep } from '@imei/config';
import type { ServiceName, TopicSpec } from '@imei/contracts';
import { startGrpcServer, TokenTable, type Authenticator, type GrpcServer, type GrpcService } from '@imei/grpc';
import { createKafka, ensureTopics, retryingStartup, runConsumer, TopicProducer, type ConsumerRunnerOptions, type RunningConsumer } from '@imei/kafka';
import { createLogger, type Logger } from '@imei/log';
import { connectMongo, retryTransient, type MongoStore } from '@imei/mongo';
import { shutdownTracing } from '@imei/tracing';
import { HealthBoard } from './health-board';
import { ServiceMetrics } from './service-metrics';

export interface ServiceRuntimeOptions {
  service: ServiceName;
  /** Topics the service produces or consumes: ensured at start-up. */
  topics: readonly TopicSpec[];
  /** Idempotent producer with one request in flight (per-key order under retries). Default true. */
  orderedProducer?: boolean;
  /** Token file for caller authentication (GRPC_TOKENS_FILE); default the dev token table. */
  tokensFile?: string;
  infrastructure?: InfrastructureConfig;
}

/**
 * What every service shares: configuration, structured logger, store, Kafka client and producer,
 * caller authentication, health aggregation and an orderly stop on SIGTERM/SIGINT. A service's
 * `main.ts` creates one, wires its domain and adapters to it, and calls `serve`.
 */
export class ServiceRuntime {
  readonly health = new HealthBoard();
  private readonly stopSteps: ShutdownStep[] = [];
  private grpcServer?: GrpcServer;

  private constructor(
    readonly service: ServiceName,
    readonly infrastructure: InfrastructureConfig,
    readonly logger: Logger,
    readonly store: MongoStore,
    readonly kafka: Kafka,
    readonly producer: TopicProducer,
    readonly authenticator: Authenticator,
    /** Prometheus metrics served on `infrastructure.metricsAddress`; add service gauges here. */
    readonly metrics: ServiceMetrics,
  ) {}

  /** Connects to the store and the broker (waiting out outages with backoff) and ensures the topics. */
  static async start(options: ServiceRuntimeOptions): Promise<ServiceRuntime> {
    const infra = options.infrastructure ?? readInfrastructureConfig(options.service);
    const logger = createLogger(options.service, infra.logLevel);
    const metrics = new ServiceMetrics(options.service);
    await metrics.serve(infra.metricsAddress, logger);
    const authenticator = TokenTable.load(options.tokensFile);
    const retry = { logger, maxMs: 5000 };
    const store = await retryTransient('connect store', () => connectMongo({ uri: infra.mongoUri, database: infra.mongoDatabase, logger }), retry);
    const kafka = createKafka({ brokers: infra.kafkaBrokers, clientId: infra.kafkaClientId, username: infra.kafkaUsername, password: infra.kafkaPassword }, logger);
    await retryingStartup('ensure topics', () => ensureTopics(kafka, options.topics), logger);
    const producer = new TopicProducer(kafka, { ordered: options.orderedProducer ?? true });
    await retryingStartup('connect producer', () => producer.connect(), logger);
    const runtime = new ServiceRuntime(options.service, infra, logger, store, kafka, producer, authenticator, metrics);
    runtime.stopSteps.push(
      { name: 'producer', run: () => producer.disconnect() },
      { name: 'store', run: () => store.close() },
      { name: 'metrics', run: () => metrics.close() },
      // Last: exports the spans of everything above (a no-op when tracing is off).
      { name: 'traces', run: () => shutdownTracing(), timeoutMs: 5000 },
    );
    return runtime;
  }

  /** Edge options for `implement(...)`: authentication and error logging. */
  get edge(): { authenticator: Authenticator; logger: Logger } {
    return { authenticator: this.authenticator, logger: this.logger };
  }

  /**
   * Runs a consumer group named `<service>.<namespace>.<name>` whose health feeds the service's health; it is
   * stopped (and its offsets committed) first on shutdown.
   */
  async consume(name: string, handlers: ConsumerRunnerOptions['handlers'], options: Partial<ConsumerRunnerOptions> = {}): Promise<RunningConsumer> {
    const consumer = await runConsumer({
      kafka: this.kafka,
      service: this.service,
      groupId: `${this.infrastructure.consumerGroupPrefix}${name}`,
      producer: this.producer,
      logger: this.logger.child({ consumer: name }),
      onHealthChange: this.health.component(`consumer:${name}`),
      fromBeginning: this.infrastructure.kafkaFromBeginning,
      handlers,
      ...options,
    });
    this.stopSteps.unshift({ name: `consumer ${name}`, run: () => consumer.stop() });
    return consumer;
  }

  /** Adds a step to the orderly stop (run after consumers stop, before connections close). */
  onStop(step: ShutdownStep): void {
    const firstConnection = this.stopSteps.findIndex((s) => s.name === 'producer');
    this.stopSteps.splice(firstConnection, 0, step);
  }

  /**
   * Starts the gRPC server (health + reflection included) on `address`, reports the aggregated
   * health there, and installs the SIGTERM/SIGINT handler: stop serving, stop consumers, drain, close.
   */
  async serve(address: string, services: readonly GrpcService[]): Promise<GrpcServer> {
    const server = await startGrpcServer({ address, services, serving: this.health.serving });
    this.grpcServer = server;
    this.health.attach((serving) => server.health.setServing(serving));
    this.stopSteps.unshift({ name: 'grpc', run: () => server.stop(5000) });
    onShutdown(this.stopSteps, this.logger);
    this.logger.info({ address, port: server.port }, 'serving');
    return server;
  }

  /** The running gRPC server, once `serve` was called. */
  get server(): GrpcServer | undefined {
    return this.grpcServer;
  }
}
