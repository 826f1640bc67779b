import type { BlockListRecord } from './block-list-projection';

/**
 * Enforcement of the block list by an operator: a committed offset shows the operator read a block,
 * only its network's observations show whether it applied it. Pure: blocks, sightings and the time
 * are passed in.
 */

/** The latest time an IMEI was observed on one operator's network after it was blocked. */
export interface OperatorSighting {
  operatorId: string;
  imei14: string;
  lastSeenMs: number;
}

/** What a report counts: the grace after a block and, optionally, the start of the reporting period. */
export interface EnforcementPolicy {
  /** Sightings within this long after the block are tolerated (the operator's EIR applying it). */
  graceMs: number;
  /** Only sightings at or after this time count; undefined = every remembered sighting. */
  seenSinceMs?: number;
}

/** A blocked IMEI still seen on the operator's network after its block plus the grace. */
export interface UnenforcedBlock {
  block: BlockListRecord;
  lastSeenMs: number;
}

export interface EnforcementReport {
  /** Number of unenforced blocks (entries may hold fewer). */
  count: number;
  /** Most recently seen first, at most `limit`. */
  entries: UnenforcedBlock[];
}

/**
 * Worth remembering: an observation of an IMEI that is blocked, made after its block. Whether it is
 * past the grace is decided when a report is asked for (the grace is a report parameter).
 */
export function isSightingAfterBlock(block: BlockListRecord | null | undefined, seenMs: number): boolean {
  return block !== null && block !== undefined && seenMs > block.blockedAtMs;
}

/**
 * Whether a sighting counts against the operator at `nowMs`: the IMEI is blocked now, it was seen
 * after its (current) block plus the grace, the grace has run out by now (a sighting dated in the
 * future by a skewed feed does not shorten it) and the sighting lies in the reporting period. A
 * sighting of an earlier block of an IMEI that was unblocked and blocked again does not count.
 */
export function isUnenforced(block: BlockListRecord | null | undefined, lastSeenMs: number, nowMs: number, policy: EnforcementPolicy): block is BlockListRecord {
  if (!block) return false;
  const graceEndsMs = block.blockedAtMs + policy.graceMs;
  return lastSeenMs > graceEndsMs && graceEndsMs <= nowMs && lastSeenMs >= (policy.seenSinceMs ?? -Infinity);
}

/** An operator's report: its sightings judged against the current block list (`blocks`: imei14 → record, absent when not blocked). */
export function enforcementReport(
  sightings: readonly OperatorSighting[],
  blocks: ReadonlyMap<string, BlockListRecord | null>,
  nowMs: number,
  policy: EnforcementPolicy,
  limit: number,
): EnforcementReport {
  const unenforced: UnenforcedBlock[] = [];
  for (const sighting of sightings) {
    const block = blocks.get(sighting.imei14);
    if (isUnenforced(block, sighting.lastSeenMs, nowMs, policy)) unenforced.push({ block, lastSeenMs: sighting.lastSeenMs });
  }
  unenforced.sort((a, b) => b.lastSeenMs - a.lastSeenMs || a.block.imei14.localeCompare(b.block.imei14));
  return { count: unenforced.length, entries: unenforced.slice(0, limit) };
}
