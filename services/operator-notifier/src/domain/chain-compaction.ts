/**
 * Compaction of an IMEI's projection chain (design: operator-notifier README, "Compaction of the chain"):
 * the base is moved forward to a state reached more than a horizon ago, and every link out of a version
 * below the new base is deleted. Pure: the caller passes the stored documents and the cut-off time.
 */
import type { ProjectedImei } from './block-list-projection';
import { linkIdOf, type ProjectionLink } from './projection-chain';

/** A stored link with the time its writer stored it (absent on links stored before compaction existed: old). */
export interface TimedLink extends ProjectionLink {
  storedAtMs?: number;
}

/** What to do to one IMEI: move its base from `fromVersion` to `base` (maybe unchanged), then delete `deleteIds`. */
export interface FoldPlan {
  fromVersion: number;
  base: ProjectedImei;
  deleteIds: string[];
}

/**
 * Plans the fold of one IMEI: follows the chain from `base` while the next link was stored at or before
 * `cutoffMs` (now − horizon); the state reached is the new base. Links out of versions below it (the
 * folded path, and links off the path such as a stale member's insert below an earlier fold) are deleted;
 * the link out of the new base and every later one stay. Undefined when there is nothing to do.
 */
export function planFold(base: ProjectedImei, links: readonly TimedLink[], cutoffMs: number): FoldPlan | undefined {
  const out = new Map(links.map((l) => [l.previousVersion, l]));
  let head = base;
  for (let link = out.get(head.listVersion); link !== undefined && link.listVersion > head.listVersion && (link.storedAtMs ?? 0) <= cutoffMs; link = out.get(head.listVersion)) {
    head = { imei14: base.imei14, listVersion: link.listVersion, blocked: link.blocked };
  }
  const deleteIds = links.filter((l) => l.previousVersion < head.listVersion).map((l) => linkIdOf(l.imei14, l.previousVersion));
  if (deleteIds.length === 0) return undefined;
  return { fromVersion: base.listVersion, base: head, deleteIds };
}
