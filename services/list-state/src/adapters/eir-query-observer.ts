import type { ListCommand, TopicSpec } from '@imei/contracts';
import type { TopicProducer } from '@imei/kafka';
import type { Logger } from '@imei/log';

/**
 * N5g-eir queries carrying a SUPI count as live sightings (when configured): each becomes a keyed
 * EirQuery command for the consumer that owns the IMEI's partition — never a write around it. Queued
 * and sent in the background every `flushMs` (default 200), one per IMEI per flush, so the check's
 * latency does not include a broker round trip. The SUPI is neither sent nor kept.
 */
export class EirQueryObserver {
  private pending = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly producer: TopicProducer,
    private readonly listCommands: TopicSpec<ListCommand>,
    private readonly clock: () => number,
    private readonly logger: Logger,
    flushMs = 200,
  ) {
    this.timer = setInterval(() => void this.flush(), flushMs);
    this.timer.unref();
  }

  seen(imei14: string): void {
    if (!this.pending.has(imei14)) this.pending.set(imei14, this.clock());
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const records = [...batch].map(([imei14, at]) => ({
      key: imei14,
      value: { commandId: `eir-${imei14}-${at}`, imei14, actor: 'n5g-eir', issuedAt: new Date(at), command: { $case: 'eirQuery' as const, eirQuery: { seenAt: new Date(at) } } },
    }));
    try {
      await this.producer.send(this.listCommands, records);
    } catch (error) {
      // A sighting is not worth holding checks for: the next query of the IMEI brings it again.
      this.logger.warn({ err: error, sightings: records.length }, 'N5g-eir sightings not sent');
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
