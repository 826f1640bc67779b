/**
 * How a projection is stored so that every change of it is an insert (design: operator-notifier README,
 * "Block-list projection"): an IMEI's first projection is its base; each later one is a link keyed by the
 * version it replaced (`<imei14>@<previous version>`). The unique key is the version guard: there can be
 * only one transition out of a version, so a member that decided against an older version than the
 * stored head finds the key taken. Pure: no I/O.
 */
import type { BlockListRecord, ProjectedImei } from './block-list-projection';

/** One stored transition of an IMEI's projection: out of `previousVersion` into this state. */
export interface ProjectionLink {
  imei14: string;
  previousVersion: number;
  listVersion: number;
  blocked: BlockListRecord | null;
}

/** Key of the link out of `previousVersion` (numbers never contain '@', so no two pairs share a key). */
export function linkIdOf(imei14: string, previousVersion: number): string {
  return `${imei14}@${previousVersion}`;
}

/**
 * Follows the links of one IMEI from its base: the link out of the version reached so far, again and
 * again. Links out of versions not on that path (none are written: each link's key is a version that was
 * the head when it was decided) are ignored, as is a link that would not move the version forward.
 */
export function headOf(base: ProjectedImei, links: ReadonlyMap<number, ProjectionLink>): ProjectedImei {
  let head = base;
  for (let link = links.get(head.listVersion); link !== undefined && link.listVersion > head.listVersion; link = links.get(head.listVersion)) {
    head = { imei14: base.imei14, listVersion: link.listVersion, blocked: link.blocked };
  }
  return head;
}

/** Links grouped by IMEI and previous version, ready for {@link headOf}. */
export class LinkIndex {
  private readonly byImei = new Map<string, Map<number, ProjectionLink>>();

  add(link: ProjectionLink): void {
    let links = this.byImei.get(link.imei14);
    if (!links) this.byImei.set(link.imei14, (links = new Map()));
    links.set(link.previousVersion, link);
  }

  /** Replaces each base of `bases` that has links by the head of its chain (in place); returns `bases`. */
  resolve(bases: Map<string, ProjectedImei>): Map<string, ProjectedImei> {
    for (const [imei14, links] of this.byImei) {
      const base = bases.get(imei14);
      if (base) bases.set(imei14, headOf(base, links));
    }
    return bases;
  }
}
