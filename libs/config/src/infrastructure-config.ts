import { EnvReader } from './env-reader';

/** Connection settings every service shares: the broker, the store and its own credentials. */
export interface InfrastructureConfig {
  /** KAFKA_BROKERS, default 127.0.0.1:9092. */
  kafkaBrokers: string[];
  /** KAFKA_USERNAME (default: the service name) and KAFKA_PASSWORD (default `<user>-dev-secret`). */
  kafkaUsername: string;
  kafkaPassword: string;
  /** KAFKA_CLIENT_ID, default the service name plus the process id. */
  kafkaClientId: string;
  /** MONGODB_URI, default mongodb://127.0.0.1:27017/ (the local FerretDB). */
  mongoUri: string;
  /** MONGODB_DATABASE, default `imei_<service with underscores>`. */
  mongoDatabase: string;
  /**
   * Prefix of the service's consumer groups: `<service>.<KAFKA_GROUP_NAMESPACE>.` (namespace default
   * `mesh`). Broker ACLs allow a service only groups starting with `<service>.`; tests running their
   * own instances use their own namespace so they never join the mesh's groups.
   */
  consumerGroupPrefix: string;
  /**
   * KAFKA_FROM_BEGINNING: where a new consumer group starts when the service does not say itself;
   * default true (earliest). Tests joining shared topics with millions of records set it to false.
   */
  kafkaFromBeginning: boolean;
  /**
   * `<SERVICE>_METRICS_ADDRESS` (e.g. INTAKE_METRICS_ADDRESS): where Prometheus scrapes `/metrics`;
   * default 127.0.0.1:9464 intake, 9465 device-grouping, 9466 list-state, 9467 operator-notifier
   * (9464 for any other). Port 0 picks a free port.
   */
  metricsAddress: string;
  /** LOG_LEVEL, default info. */
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
}

const metricsPorts: Readonly<Record<string, number>> = { intake: 9464, 'device-grouping': 9465, 'list-state': 9466, 'operator-notifier': 9467 };

/** Reads the shared infrastructure settings for `service` (see field docs for variables and defaults). */
export function readInfrastructureConfig(service: string, env = new EnvReader()): InfrastructureConfig {
  const kafkaUsername = env.string('KAFKA_USERNAME', service);
  return {
    kafkaBrokers: env.list('KAFKA_BROKERS', ['127.0.0.1:9092']),
    kafkaUsername,
    kafkaPassword: env.string('KAFKA_PASSWORD', `${kafkaUsername}-dev-secret`),
    kafkaClientId: env.string('KAFKA_CLIENT_ID', `${service}-${process.pid}`),
    mongoUri: env.string('MONGODB_URI', 'mongodb://127.0.0.1:27017/'),
    mongoDatabase: env.string('MONGODB_DATABASE', `imei_${service.replace(/-/g, '_')}`),
    consumerGroupPrefix: `${service}.${env.string('KAFKA_GROUP_NAMESPACE', 'mesh')}.`,
    kafkaFromBeginning: env.bool('KAFKA_FROM_BEGINNING', true),
    metricsAddress: env.address(`${service.toUpperCase().replace(/-/g, '_')}_METRICS_ADDRESS`, `127.0.0.1:${metricsPorts[service] ?? 9464}`).address,
    logLevel: env.oneOf('LOG_LEVEL', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const, 'info'),
  };
}
