/** Where the Kafka lib reports what it did; the service runtime installs one that feeds Prometheus. */
export interface KafkaMetricsSink {
  /** Records acknowledged by the broker on `topic`. */
  produced(topic: string, count: number): void;
  /** Records handed to a handler (tombstones and undecodable records excluded). */
  consumed(topic: string, group: string, count: number): void;
  /** Records sent to the dead-letter topic from `topic`, by kind (decode | invalid | unknown). */
  deadLettered(topic: string, group: string, kind: string, count: number): void;
  /** Records of the partition after the last one processed, as of the batch just committed. */
  lag(topic: string, partition: number, group: string, lag: number): void;
}

const none: KafkaMetricsSink = { produced() {}, consumed() {}, deadLettered() {}, lag() {} };
let sink: KafkaMetricsSink = none;

/** Installs the process-wide sink (one per process, like the metrics registry it feeds). */
export function observeKafka(next: KafkaMetricsSink): void {
  sink = next;
}

/** The installed sink (a no-op until `observeKafka`). */
export function kafkaMetrics(): KafkaMetricsSink {
  return sink;
}
