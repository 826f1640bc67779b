import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { groupPrefix, operatorPrincipal } from '@imei/kafka';
import { assessProgress, mostAdvanced, type PartitionLag, type PartitionPosition } from '../domain/operator-progress';
import { readTopicRange } from './topic-range-reader';

/** An operator's progress on a topic, as its consumer groups committed it. */
export interface OperatorProgressReport {
  operatorId: string;
  groupId: string;
  groups: string[];
  active: boolean;
  partitions: PartitionLag[];
  lastActivityMs: number | undefined;
  nearTombstoneRetention: boolean;
}

export interface ProgressReaderOptions {
  kafka: Kafka;
  topic: string;
  /** Prefix of throw-away groups the notifier may use to read records at offsets. */
  readerGroupPrefix: string;
  tombstoneRetentionMs: number;
}

/**
 * Reads an operator's committed offsets with the admin API (every group `op-<id>.`* that committed on
 * the topic; the most advanced one is reported) against the end offsets, plus the broker times of the
 * last record it consumed and the first it has not.
 */
export async function readOperatorProgress(options: ProgressReaderOptions, operatorId: string, nowMs: number): Promise<OperatorProgressReport> {
  const { kafka, topic } = options;
  const prefix = groupPrefix(operatorPrincipal(operatorId));
  const admin = kafka.admin();
  await admin.connect();
  let positions: PartitionPosition[];
  let chosen: { groupId: string; committed: number[] } | undefined;
  let groups: string[];
  let active = false;
  try {
    const listed = (await admin.listGroups()).groups.map((g) => g.groupId).filter((id) => id.startsWith(prefix)).sort();
    const committed = await Promise.all(listed.map(async (groupId) => {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const byPartition = (offsets?.partitions ?? []).sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));
      return { groupId, committed: byPartition };
    }));
    const onTopic = committed.filter((g) => g.committed.some((c) => c >= 0));
    groups = onTopic.map((g) => g.groupId);
    chosen = mostAdvanced(onTopic);
    const ends = (await admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition);
    positions = ends.map((e) => ({ partition: e.partition, committed: chosen?.committed[e.partition] ?? -1, start: Number(e.low), end: Number(e.high) }));
    if (chosen) {
      const [described] = (await admin.describeGroups([chosen.groupId])).groups;
      active = (described?.members.length ?? 0) > 0;
    }
  } finally {
    await admin.disconnect();
  }

  // The record before each committed offset (last consumed) and at it (first unread): two records per partition.
  const lastConsumed = new Map<number, number>();
  const from = positions.filter((p) => p.committed >= 0 && p.end > Math.max(p.committed - 1, p.start)).map((p) => ({ partition: p.partition, offset: Math.max(p.committed - 1, p.start) }));
  const neverCommitted = positions.filter((p) => p.committed < 0 && p.end > p.start).map((p) => ({ partition: p.partition, offset: p.start }));
  const reads = [...from, ...neverCommitted];
  if (reads.length > 0) {
    await readTopicRange(kafka, {
      topic,
      groupId: `${options.readerGroupPrefix}progress-${randomUUID()}`,
      from: reads,
      to: positions.map((p) => ({ partition: p.partition, offset: p.end })),
      maxBytesPerPartition: 64 * 1024,
      timeoutMs: 30_000,
      onRecords: (partition, messages) => {
        const position = positions[partition]!;
        const from = Math.max(position.committed, position.start);
        for (const m of messages) {
          const offset = Number(m.offset);
          if (offset < from) lastConsumed.set(partition, Number(m.timestamp));
          else {
            position.oldestUnreadAtMs = Number(m.timestamp);
            return 'done';
          }
        }
        return undefined;
      },
    });
  }
  const assessment = assessProgress(positions, nowMs, options.tombstoneRetentionMs);
  const consumedTimes = [...lastConsumed.values()];
  return {
    operatorId,
    groupId: chosen?.groupId ?? '',
    groups,
    active,
    partitions: assessment.partitions,
    lastActivityMs: active ? nowMs : consumedTimes.length > 0 ? Math.max(...consumedTimes) : undefined,
    nearTombstoneRetention: assessment.nearTombstoneRetention,
  };
}
