import { createHash } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { BlockListEntry } from '@imei/contracts';
import { endOffsets, readTopicRange, type PartitionOffset } from './topic-range-reader';

/** The current block list as read from the compacted topic up to stated offsets. */
export interface BlockListSnapshot {
  /** End offsets the snapshot is consistent with (exclusive, per partition). */
  offsets: PartitionOffset[];
  /** imei14 → encoded BlockListEntry (decoded on demand: a million entries stay compact). */
  entries: Map<string, Buffer>;
}

/** Count and digest of a block list: SHA-256 (hex) over its sorted `imei14\n` lines. */
export function blockListDigest(imei14s: Iterable<string>): { count: number; digest: string } {
  const sorted = [...imei14s].sort();
  const hash = createHash('sha256');
  for (const id of sorted) hash.update(`${id}\n`);
  return { count: sorted.length, digest: hash.digest('hex') };
}

/**
 * Reads the block-list topic from the beginning up to `to` (default: its end offsets captured now),
 * applying records and tombstones: the exact list an operator holds after reading to those offsets.
 */
export async function readBlockListSnapshot(kafka: Kafka, topic: string, groupId: string, to?: readonly PartitionOffset[], signal?: AbortSignal): Promise<BlockListSnapshot> {
  let offsets = to ? [...to] : undefined;
  if (!offsets) {
    const admin = kafka.admin();
    await admin.connect();
    try {
      offsets = await endOffsets(admin, topic);
    } finally {
      await admin.disconnect();
    }
  }
  const entries = new Map<string, Buffer>();
  await readTopicRange(kafka, {
    topic,
    groupId,
    to: offsets,
    signal,
    onRecords: (_partition, messages) => {
      for (const m of messages) {
        const key = m.key?.toString();
        if (!key) continue;
        if (m.value === null) entries.delete(key);
        else entries.set(key, m.value);
      }
    },
  });
  return { offsets, entries };
}

/** Decodes one snapshot entry. */
export function decodeEntry(value: Buffer): BlockListEntry {
  return BlockListEntry.decode(value);
}
