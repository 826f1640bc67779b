/**
 * Pure parts of a phase run's last step (issue 6): the lag barrier and the re-check of each candidate
 * right before blocking. The scheduler gathers the inputs (offsets, device-grouping's current status,
 * intake's open applications) and sends a PhaseBlock command only for candidates this says to block.
 */

/** Offsets per `topic/partition`. */
export type PartitionOffsets = ReadonlyMap<string, number>;

/**
 * The lag barrier: list-state has consumed every grouping fact published before the run started when,
 * for every partition, the group's committed offset reached the end offset captured at the run start.
 * Returns the partitions still behind (empty: the barrier is passed).
 */
export function partitionsBehind(endsAtRunStart: PartitionOffsets, committed: PartitionOffsets): string[] {
  const behind: string[] = [];
  for (const [partition, end] of endsAtRunStart) if ((committed.get(partition) ?? 0) < end) behind.push(partition);
  return behind.sort();
}

/** What the re-check learnt about one candidate, now. */
export interface RecheckFacts {
  /** The entry as list-state holds it now. */
  state: 'white' | 'grey' | 'black';
  reason: string;
  blockDate: string | null;
  /** device-grouping's current status: the IMEI belongs to a registered device or a confirmed sibling. */
  grouped: boolean;
  /** device-grouping reports a pending second-IMEI confirmation. */
  siblingPending: boolean;
  /** device-grouping reports an open conflict (two devices claim the IMEI). */
  groupingConflict?: boolean;
  /** intake holds a received (pending) or approved application naming the IMEI. */
  openApplication: 'none' | 'received' | 'approved';
}

export type RecheckVerdict = { kind: 'block' } | { kind: 'spare'; why: string };

/**
 * Blocks only a candidate that is still grey, not in conflict, due by `today`, not grouped, and with
 * no open application or pending sibling; otherwise spares it and says why (it is re-evaluated by a later run).
 */
export function recheck(facts: RecheckFacts, today: string): RecheckVerdict {
  if (facts.state !== 'grey') return { kind: 'spare', why: `now ${facts.state} (${facts.reason})` };
  if (facts.reason === 'conflict') return { kind: 'spare', why: 'conflict awaits resolution' };
  if (facts.blockDate === null || facts.blockDate > today) return { kind: 'spare', why: `not due (block date ${facts.blockDate ?? 'none'})` };
  if (facts.grouped) return { kind: 'spare', why: 'device-grouping reports it verified (fact not yet applied)' };
  if (facts.openApplication === 'approved') return { kind: 'spare', why: 'approved application not yet applied' };
  if (facts.openApplication === 'received') return { kind: 'spare', why: 'application pending a decision' };
  if (facts.siblingPending) return { kind: 'spare', why: 'second-IMEI confirmation pending' };
  if (facts.groupingConflict) return { kind: 'spare', why: 'device-grouping reports a conflict (fact not yet applied)' };
  return { kind: 'block' };
}
