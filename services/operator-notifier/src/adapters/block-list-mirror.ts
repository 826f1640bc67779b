import { BlockListEntry } from '@imei/contracts';
import type { Kafka } from 'kafkajs';
import type { MirrorTable } from './mirror-table';
import { endOffsets, type PartitionOffset } from './topic-range-reader';

export interface MirrorOptions {
  kafka: Kafka;
  topic: string;
  /** The operator's consumer group (`op-<id>.`…): its committed offsets show the operator's progress. */
  groupId: string;
  table: MirrorTable;
  /** Keep following live changes after catching up; default false (stop once caught up). */
  follow?: boolean;
  signal?: AbortSignal;
}

/**
 * Reference operator integration: consumes the block list into a local file-backed table. The file
 * is the source of truth for where to resume (its offsets are written with the rows they cover);
 * the group's offsets are committed after each batch is durable, so the registry sees the progress.
 * Resolves with the offsets it reached when caught up (or when stopped while following).
 */
export async function mirrorBlockList(options: MirrorOptions): Promise<PartitionOffset[]> {
  const { kafka, topic, table } = options;
  const admin = kafka.admin();
  await admin.connect();
  const target = await endOffsets(admin, topic).finally(() => admin.disconnect());
  const position = new Map(target.map((t) => [t.partition, table.offsets.find((o) => o.partition === t.partition)?.offset ?? 0]));
  const caughtUp = (): boolean => target.every((t) => (position.get(t.partition) ?? 0) >= t.offset);
  const current = (): PartitionOffset[] => [...position].map(([partition, offset]) => ({ partition, offset }));
  if (caughtUp() && !options.follow) return current();

  const consumer = kafka.consumer({ groupId: options.groupId, maxBytesPerPartition: 4 * 1024 * 1024, allowAutoTopicCreation: false });
  let done!: (error?: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => (done = (e) => (e === undefined ? resolve() : reject(e))));
  options.signal?.addEventListener('abort', () => done(), { once: true });
  consumer.on(consumer.events.CRASH, (e) => done(e.payload.error));
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch }) => {
        const from = position.get(batch.partition) ?? 0;
        const fresh = batch.messages.filter((m) => Number(m.offset) >= from);
        if (fresh.length === 0) return;
        const next = Number(fresh[fresh.length - 1]!.offset) + 1;
        position.set(batch.partition, next);
        table.apply(fresh.filter((m) => m.key).map((m) => ({ key: m.key!.toString(), entry: m.value ? BlockListEntry.decode(m.value) : null })), current());
        await consumer.commitOffsets([{ topic, partition: batch.partition, offset: String(next) }]);
        if (!options.follow && caughtUp()) done();
      },
    });
    // The file, not the group, says where to resume (a file restored from backup re-reads what it lacks).
    for (const [partition, offset] of position) consumer.seek({ topic, partition, offset: String(offset) });
    await finished;
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return current();
}
