import type { Admin, Kafka, KafkaMessage } from 'kafkajs';

/** A position in a topic: the next offset to read in one partition. */
export interface PartitionOffset {
  partition: number;
  offset: number;
}

export interface TopicRangeOptions {
  topic: string;
  /** A consumer group the principal may use (`<principal>.`…); nothing is committed under it. */
  groupId: string;
  /** Where to start per partition; default the beginning of each partition. */
  from?: readonly PartitionOffset[];
  /** Where to stop per partition (exclusive), usually end offsets captured first. */
  to: readonly PartitionOffset[];
  /** Receives the records of one partition in offset order, each below its `to` offset; 'done' ends that partition early. */
  onRecords: (partition: number, messages: KafkaMessage[]) => void | 'done' | Promise<void | 'done'>;
  /** Max bytes per partition per fetch, default 4 MiB (a bulk read). */
  maxBytesPerPartition?: number;
  /** Stops the read (the promise rejects with the abort reason). */
  signal?: AbortSignal;
  /** Gives up when the range is not read by then; default 10 minutes. */
  timeoutMs?: number;
}

/** End offsets (high watermarks) of every partition of `topic`, in partition order. */
export async function endOffsets(admin: Admin, topic: string): Promise<PartitionOffset[]> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.map((p) => ({ partition: p.partition, offset: Number(p.high) })).sort((a, b) => a.partition - b.partition);
}

/**
 * Reads `[from, to)` of every partition of a topic with a throw-away consumer group (kafkajs cannot
 * assign partitions without one): offsets are never committed. On a compacted topic some offsets are
 * gone; a partition is done once a fetched batch reaches its `to` offset.
 */
export async function readTopicRange(kafka: Kafka, options: TopicRangeOptions): Promise<void> {
  const from = new Map((options.from ?? []).map((p) => [p.partition, p.offset]));
  const pending = new Map<number, number>();
  for (const { partition, offset } of options.to) if (offset > (from.get(partition) ?? 0)) pending.set(partition, offset);
  if (pending.size === 0) return;
  const consumer = kafka.consumer({
    groupId: options.groupId,
    maxBytesPerPartition: options.maxBytesPerPartition ?? 4 * 1024 * 1024,
    maxBytes: 16 * 1024 * 1024,
    allowAutoTopicCreation: false,
  });
  let settle!: (error?: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => (settle = (error) => (error === undefined ? resolve() : reject(error))));
  const onAbort = (): void => settle(options.signal!.reason ?? new Error('read aborted'));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => settle(new Error(`reading ${options.topic} timed out; ${pending.size} partition(s) unfinished`)), options.timeoutMs ?? 600_000);
  consumer.on(consumer.events.CRASH, (event) => settle(event.payload.error));
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: options.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        const end = pending.get(batch.partition);
        if (end === undefined) return;
        const start = from.get(batch.partition) ?? 0;
        const messages = batch.messages.filter((m) => {
          const offset = Number(m.offset);
          return offset >= start && offset < end;
        });
        let early = false;
        try {
          if (messages.length > 0) early = (await options.onRecords(batch.partition, messages)) === 'done';
        } catch (error) {
          settle(error);
          return;
        }
        // The next fetch starts after the resolved offset (nothing is committed): without it, a range
        // longer than one fetch would read its first batch again and again.
        if (batch.messages.length > 0) resolveOffset(batch.lastOffset());
        await heartbeat();
        if (early || (batch.messages.length > 0 && Number(batch.lastOffset()) >= end - 1)) {
          pending.delete(batch.partition);
          consumer.pause([{ topic: options.topic, partitions: [batch.partition] }]);
          if (pending.size === 0) settle();
        }
      },
    });
    for (const [partition, offset] of from) if (pending.has(partition)) consumer.seek({ topic: options.topic, partition, offset: String(offset) });
    await finished;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    await consumer.disconnect().catch(() => undefined);
  }
}
