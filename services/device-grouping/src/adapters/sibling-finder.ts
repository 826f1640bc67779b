import { coObservedImeis, siblingCommands, type CoObservation, type SubscriberImeis } from '../domain/sibling-inference';
import type { GroupingCommand } from '../domain/grouping-commands';
import type { GroupingPolicy } from '../domain/grouping-policy';
import type { GroupingRepository } from './grouping-repository';
import type { ObservationIndex } from './observation-index';

/**
 * Runs sibling inference against the stored index: for observed IMEIs (with the subscribers of the
 * batch) and for IMEIs just linked to a device (with all their recent subscribers, so an observation
 * that arrived before the registration that explains it is still used).
 */
export class SiblingFinder {
  constructor(
    private readonly index: ObservationIndex,
    private readonly repository: GroupingRepository,
    private readonly policy: GroupingPolicy,
  ) {}

  /** Commands for IMEIs seen with subscribers (`seenWith`: IMEI → subscriber → last seen), given the index. */
  async commandsFor(seenWith: ReadonlyMap<string, ReadonlyMap<string, number>>, index: ReadonlyMap<string, SubscriberImeis>): Promise<GroupingCommand[]> {
    const pairs: { imei14: string; co: CoObservation[] }[] = [];
    const involved = new Set<string>();
    for (const [imei14, own] of seenWith) {
      const co = coObservedImeis(imei14, own, index, this.policy.siblingWindowMs);
      if (co.length === 0) continue;
      pairs.push({ imei14, co });
      involved.add(imei14);
      for (const c of co) involved.add(c.imei14);
    }
    if (pairs.length === 0) return [];
    const links = await this.repository.linkedDevices([...involved]);
    if (links.size === 0) return [];
    return pairs.flatMap(({ imei14, co }) => siblingCommands(imei14, co, links));
  }

  /** Commands for IMEIs just linked to a device. */
  async afterLinking(imei14s: readonly string[], now: number): Promise<GroupingCommand[]> {
    const seenWith = await this.index.subscribersOf(imei14s, now);
    const keys = new Set<string>();
    for (const own of seenWith.values()) for (const key of own.keys()) keys.add(key);
    if (keys.size === 0) return [];
    return this.commandsFor(seenWith, await this.index.subscriberImeis([...keys], now));
  }
}
