import type { CloneEvidence } from './grouping-events';
import type { GroupingPolicy } from './grouping-policy';

/** One IMEI seen with one IMSI (pseudonymised) on one operator's network. */
export interface Sighting {
  imsi: string;
  operatorId: string;
  atMs: number;
}

/** The sightings to keep: both lists merged without repeats, oldest first, at most `max` (the most recent). */
export function mergeSightings(kept: readonly Sighting[], added: readonly Sighting[], max: number): Sighting[] {
  const byKey = new Map<string, Sighting>();
  for (const s of [...kept, ...added]) byKey.set(`${s.imsi}|${s.operatorId}|${s.atMs}`, s);
  const merged = [...byKey.values()].sort((a, b) => a.atMs - b.atMs);
  return merged.length > max ? merged.slice(merged.length - max) : merged;
}

/**
 * Clone suspicion: some window of `cloneWindowMs` holds at least `cloneMinImsis` distinct IMSIs on at
 * least `cloneMinOperators` operators. Returns the evidence of the first such window, else undefined.
 */
export function cloneEvidenceOf(sightings: readonly Sighting[], policy: GroupingPolicy): CloneEvidence | undefined {
  const sorted = [...sightings].sort((a, b) => a.atMs - b.atMs);
  for (let start = 0; start < sorted.length; start++) {
    const first = sorted[start]!;
    const imsis = new Set<string>();
    const operators = new Set<string>();
    let last = first;
    for (let i = start; i < sorted.length && sorted[i]!.atMs - first.atMs <= policy.cloneWindowMs; i++) {
      imsis.add(sorted[i]!.imsi);
      operators.add(sorted[i]!.operatorId);
      last = sorted[i]!;
    }
    if (imsis.size >= policy.cloneMinImsis && operators.size >= policy.cloneMinOperators) {
      return { distinctImsis: imsis.size, operatorIds: [...operators].sort(), windowMs: policy.cloneWindowMs, firstSeenAt: new Date(first.atMs), lastSeenAt: new Date(last.atMs) };
    }
  }
  return undefined;
}
