import './kafkajs-patches'; // before kafkajs is first loaded
import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import type { Logger } from '@imei/log';

/** How to reach the broker as one principal. */
export interface KafkaConnection {
  brokers: string[];
  clientId: string;
  /** SCRAM-SHA-512 credentials of the principal (a service, an operator or the admin). */
  username: string;
  password: string;
  /** Connection timeout per broker, default 5000 ms. */
  connectionTimeoutMs?: number;
  /** Request timeout, default 30000 ms. */
  requestTimeoutMs?: number;
}

const levelNames: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * A kafkajs client authenticated with SASL/SCRAM-SHA-512 over the loopback listener, logging through
 * the service's structured logger (kafkajs' own info chatter is kept at debug).
 */
export function createKafka(connection: KafkaConnection, logger?: Logger): Kafka {
  const config: KafkaConfig = {
    clientId: connection.clientId,
    brokers: connection.brokers,
    ssl: false,
    sasl: { mechanism: 'scram-sha-512', username: connection.username, password: connection.password },
    connectionTimeout: connection.connectionTimeoutMs ?? 5000,
    requestTimeout: connection.requestTimeoutMs ?? 30000,
    // Broker outages are handled by the callers' backoff loops; keep kafkajs' own retries short.
    retry: { initialRetryTime: 200, maxRetryTime: 5000, retries: 8 },
    logLevel: logger ? logLevel.WARN : logLevel.NOTHING,
  };
  if (logger) {
    const kafkaLogger = logger.child({ component: 'kafkajs' });
    config.logCreator = () => ({ namespace, level, log }: LogEntry) => {
      const { message, ...extra } = log;
      const name = levelNames[level] ?? 'info';
      kafkaLogger[name === 'info' ? 'debug' : name]({ namespace, ...extra }, message);
    };
  }
  return new Kafka(config);
}
