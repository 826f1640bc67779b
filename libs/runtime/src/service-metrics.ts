import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { observeGrpc } from '@imei/grpc';
import { observeKafka } from '@imei/kafka';
import type { Logger } from '@imei/log';

/** One sample of a gauge read at scrape time. */
export interface GaugeSample {
  labels: Record<string, string>;
  value: number;
}

/** List states as list-state counts them (`imei_list_entries{state}`). */
export type ListState = 'white' | 'grey' | 'black';

/**
 * A service's Prometheus metrics (text format on `GET /metrics`), every series labelled
 * `service="<name>"`:
 * - `grpc_server_handled_total{grpc_service,grpc_method,grpc_code}`, `grpc_server_handling_seconds{grpc_service,grpc_method}`
 * - `imei_kafka_records_produced_total{topic}`, `imei_kafka_records_consumed_total{topic,group}`
 * - `imei_kafka_consumer_lag{topic,partition,group}` (records after the last one processed, as of its last batch)
 * - `imei_kafka_dead_letters_total{topic,group,kind}`
 * - `imei_list_entries{state}` once list-state registers its counts (`listEntries`)
 * - Node process metrics (`process_*`, `nodejs_*`).
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private server?: Server;

  constructor(readonly service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    const handled = new Counter({ name: 'grpc_server_handled_total', help: 'gRPC calls completed, by method and status code.', labelNames: ['grpc_service', 'grpc_method', 'grpc_code'], registers: [this.registry] });
    const latency = new Histogram({
      name: 'grpc_server_handling_seconds',
      help: 'gRPC call duration until the answer (streams: until the last message).',
      labelNames: ['grpc_service', 'grpc_method'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    });
    const produced = new Counter({ name: 'imei_kafka_records_produced_total', help: 'Records acknowledged by the broker, by topic.', labelNames: ['topic'], registers: [this.registry] });
    const consumed = new Counter({ name: 'imei_kafka_records_consumed_total', help: 'Records processed by a consumer group, by topic.', labelNames: ['topic', 'group'], registers: [this.registry] });
    const lag = new Gauge({ name: 'imei_kafka_consumer_lag', help: 'Records of a partition after the last one processed, as of its last batch.', labelNames: ['topic', 'partition', 'group'], registers: [this.registry] });
    const deadLetters = new Counter({ name: 'imei_kafka_dead_letters_total', help: 'Records sent to imei.dlq.v1, by source topic and kind.', labelNames: ['topic', 'group', 'kind'], registers: [this.registry] });
    const codeNames = ['OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED'];
    observeGrpc({
      handled(path, code, seconds) {
        const [, grpcService = '', grpcMethod = ''] = path.split('/');
        handled.inc({ grpc_service: grpcService, grpc_method: grpcMethod, grpc_code: codeNames[code] ?? String(code) });
        latency.observe({ grpc_service: grpcService, grpc_method: grpcMethod }, seconds);
      },
    });
    observeKafka({
      produced: (topic, count) => produced.inc({ topic }, count),
      consumed: (topic, group, count) => consumed.inc({ topic, group }, count),
      deadLettered: (topic, group, kind, count) => deadLetters.inc({ topic, group, kind }, count),
      lag: (topic, partition, group, value) => lag.set({ topic, partition: String(partition), group }, value),
    });
  }

  /** A gauge whose samples are read when Prometheus scrapes (a failing read leaves the series out). */
  gauge(name: string, help: string, labelNames: readonly string[], read: () => Promise<readonly GaugeSample[]>): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const sample of await read()) this.set(sample.labels, sample.value);
      },
    });
  }

  /** `imei_list_entries{state}`: IMEIs per list state, read at scrape time (list-state registers it). */
  listEntries(read: () => Promise<Record<ListState, number>>): void {
    this.gauge('imei_list_entries', 'IMEIs per list state (white, grey, black).', ['state'], async () =>
      Object.entries(await read()).map(([state, value]) => ({ labels: { state }, value })));
  }

  /**
   * Serves `GET /metrics` on `address` (host:port, port 0 = a free one); resolves with the bound port.
   * A port already taken is logged as an error and the service runs on without metrics: metrics
   * never keep the registry from serving.
   */
  async serve(address: string, logger: Logger): Promise<number | undefined> {
    const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
        return;
      }
      this.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
        (error: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${error.message}\n`),
      );
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host.replace(/^\[|\]$/g, ''), () => resolve());
      });
    } catch (error) {
      logger.error({ err: error, address }, 'metrics endpoint not started');
      return undefined;
    }
    this.server = server;
    const bound = (server.address() as { port: number }).port;
    logger.info({ address, port: bound }, 'metrics on /metrics');
    return bound;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
