/**
 * An operator's progress on the national block list, from its consumer group's committed offsets.
 * Pure: offsets, record times and the clock are passed in.
 */

export interface PartitionPosition {
  partition: number;
  /** Next offset the operator will read (committed); -1 when the group never committed this partition. */
  committed: number;
  /** First offset still on the broker (earlier ones were compacted or deleted). */
  start: number;
  /** End offset (high watermark). */
  end: number;
  /** Broker time of the first record at or after `committed`, when there is one. */
  oldestUnreadAtMs?: number;
}

export interface PartitionLag {
  partition: number;
  committed: number;
  end: number;
  lagRecords: number;
  lagSeconds: number;
  oldestUnreadAtMs?: number;
}

export interface ProgressAssessment {
  partitions: PartitionLag[];
  /** The oldest unread record is at least this share of the tombstone retention old: the operator may miss unblocks. */
  nearTombstoneRetention: boolean;
}

/** Share of the tombstone retention at which an operator's lag is flagged. */
export const NEAR_RETENTION_SHARE = 0.8;

/**
 * Lag per partition in records (end − committed; a partition never committed counts from its first
 * offset) and in seconds (now − time of the first unread record). An operator is flagged when its
 * oldest unread record is older than {@link NEAR_RETENTION_SHARE} of the tombstone retention: past
 * it, tombstones it has not read may be gone and only a rebuild from the beginning is exact.
 */
export function assessProgress(positions: readonly PartitionPosition[], nowMs: number, tombstoneRetentionMs: number): ProgressAssessment {
  const partitions = positions.map((p): PartitionLag => {
    const from = p.committed < 0 ? p.start : Math.max(p.committed, p.start);
    const lagRecords = Math.max(0, p.end - from);
    const lagSeconds = lagRecords > 0 && p.oldestUnreadAtMs !== undefined ? Math.max(0, (nowMs - p.oldestUnreadAtMs) / 1000) : 0;
    return { partition: p.partition, committed: p.committed, end: p.end, lagRecords, lagSeconds, oldestUnreadAtMs: lagRecords > 0 ? p.oldestUnreadAtMs : undefined };
  });
  const worstSeconds = Math.max(0, ...partitions.map((p) => p.lagSeconds));
  const committedBelowStart = positions.some((p) => p.committed >= 0 && p.committed < p.start);
  return { partitions, nearTombstoneRetention: committedBelowStart || worstSeconds * 1000 >= NEAR_RETENTION_SHARE * tombstoneRetentionMs };
}

/** Of several groups of one operator, the most advanced one (most records committed in total). */
export function mostAdvanced<T extends { committed: readonly number[] }>(groups: readonly T[]): T | undefined {
  let best: T | undefined;
  let bestSum = -Infinity;
  for (const g of groups) {
    const sum = g.committed.reduce((s, c) => s + Math.max(0, c), 0);
    if (sum > bestSum) [best, bestSum] = [g, sum];
  }
  return best;
}
