import type { Observation, TopicSpec } from '@imei/contracts';
import type { PreEncodedRecord, TopicProducer } from '@imei/kafka';
import type { AdmittedObservation } from '../domain/observation-admission';
import type { ObservationDeduplicator } from '../domain/observation-deduplicator';
import { observationId } from '../domain/observation-id';
import { ObservationEncoder } from './observation-encoding';

export interface ObservationPublisherOptions {
  /** Records per producer request; default 2000 (see IntakeConfig.publishBatch). */
  batchSize?: number;
  /** Requests in flight per call before `offer` waits (pipelining with backpressure); default 2. */
  maxInFlight?: number;
}

/**
 * Publishes one call's admitted observations to `imei.observations.v1`, keyed by imei14, in batches
 * with a few requests pipelined (acks from all in-sync replicas: the producer's default). A batch
 * that fails has its de-duplication keys forgotten, so the sender's retry is published, not dropped.
 */
export class ObservationPublication {
  private pending: PreEncodedRecord[] = [];
  private pendingKeys: string[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown;

  constructor(
    private readonly producer: TopicProducer,
    private readonly spec: TopicSpec<Observation>,
    private readonly deduplicator: ObservationDeduplicator,
    private readonly batchSize: number,
    private readonly maxInFlight: number,
    private readonly encoder: ObservationEncoder,
  ) {}

  /** Queues admitted observations; resolves once there is room for more (backpressure). */
  async offer(admitted: readonly AdmittedObservation[]): Promise<void> {
    for (const { observation, deduplicationKey } of admitted) {
      this.pending.push({ key: observation.imei14, value: this.encoder.encode(observation, observationId(deduplicationKey)) });
      this.pendingKeys.push(deduplicationKey);
      if (this.pending.length >= this.batchSize) this.sendPending();
    }
    while (this.inFlight.size >= this.maxInFlight) await Promise.race(this.inFlight);
    this.throwIfFailed();
  }

  /** Sends what is queued and resolves once the broker acknowledged every record of the call. */
  async finish(): Promise<void> {
    this.sendPending();
    while (this.inFlight.size > 0) await Promise.race(this.inFlight);
    this.throwIfFailed();
  }

  /**
   * The call ends without publishing what is still queued (bad stream, failed batch, cancelled
   * caller): forget those keys so a retry is not taken for a duplicate.
   */
  abandon(): void {
    for (const key of this.pendingKeys) this.deduplicator.forget(key);
    this.pending = [];
    this.pendingKeys = [];
  }

  private sendPending(): void {
    if (this.pending.length === 0) return;
    const records = this.pending;
    const keys = this.pendingKeys;
    this.pending = [];
    this.pendingKeys = [];
    const sent: Promise<void> = this.producer.sendPreEncoded(this.spec, records).then(
      () => undefined,
      (error: unknown) => {
        for (const key of keys) this.deduplicator.forget(key);
        this.failure ??= error;
      },
    );
    const tracked = sent.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}

/** Starts publications that share one producer and one de-duplicator. */
export class ObservationPublisher {
  private readonly batchSize: number;
  private readonly maxInFlight: number;
  private readonly encoder = new ObservationEncoder();

  constructor(
    private readonly producer: TopicProducer,
    private readonly spec: TopicSpec<Observation>,
    private readonly deduplicator: ObservationDeduplicator,
    options: ObservationPublisherOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 2000;
    this.maxInFlight = options.maxInFlight ?? 2;
  }

  begin(): ObservationPublication {
    return new ObservationPublication(this.producer, this.spec, this.deduplicator, this.batchSize, this.maxInFlight, this.encoder);
  }
}
