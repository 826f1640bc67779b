import type { ListEntry } from './list-entry';

/** What statistics count of one entry: its list, reason and the operators it was seen on. */
export type CountedEntry = Pick<ListEntry, 'state' | 'reason' | 'operators'>;

/** Counter names: `state.<state>`, `reason.<state>.<reason>`, `operator.<operator>.<state>`. */
function countersOf(entry: CountedEntry): string[] {
  return [`state.${entry.state}`, `reason.${entry.state}.${entry.reason}`, ...entry.operators.map((op) => `operator.${op}.${entry.state}`)];
}

/**
 * How the IMEI counters move when an entry goes from `before` (null: not counted yet) to `after`.
 * Adds into `into` so a batch accumulates one delta. Pure.
 */
export function addCountDelta(into: Map<string, number>, before: CountedEntry | null, after: CountedEntry): void {
  if (before) for (const c of countersOf(before)) into.set(c, (into.get(c) ?? 0) - 1);
  for (const c of countersOf(after)) into.set(c, (into.get(c) ?? 0) + 1);
  for (const [c, n] of into) if (n === 0) into.delete(c);
}
