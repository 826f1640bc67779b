import { coObservedImeis, siblingCommands, type CoObservation } from '../domain/sibling-inference';
import type { GroupingCommand } from '../domain/grouping-commands';
import type { GroupingPolicy } from '../domain/grouping-policy';
import type { GroupingCache } from './grouping-cache';
import type { ObservationIndex } from './observation-index';

/**
 * Runs sibling inference against the index in memory and the links the cache knows (no store I/O):
 * for observed IMEIs (with the subscribers of the batch) and for IMEIs just linked to a device (with
 * all their recent subscribers, so an observation that arrived before the registration that explains
 * it is still used).
 */
export class SiblingFinder {
  constructor(
    private readonly index: ObservationIndex,
    private readonly cache: GroupingCache,
    private readonly policy: GroupingPolicy,
  ) {}

  /** Commands for IMEIs seen with subscribers (`seenWith`: IMEI → subscriber → last seen). Call after the cache and index are ready. */
  commandsFor(seenWith: ReadonlyMap<string, ReadonlyMap<string, number>>, now: number): GroupingCommand[] {
    const commands: GroupingCommand[] = [];
    for (const [imei14, own] of seenWith) {
      const co: CoObservation[] = coObservedImeis(imei14, own, this.index.subscriberImeis(own.keys(), now), this.policy.siblingWindowMs);
      if (co.length === 0) continue;
      const links = new Map<string, string>();
      for (const id of [imei14, ...co.map((c) => c.imei14)]) {
        const deviceId = this.cache.linkOf(id);
        if (deviceId !== undefined) links.set(id, deviceId);
      }
      if (links.size > 0) commands.push(...siblingCommands(imei14, co, links));
    }
    return commands;
  }

  /** Commands for IMEIs just linked to a device. */
  async afterLinking(imei14s: readonly string[], now: number): Promise<GroupingCommand[]> {
    return this.commandsFor(await this.index.subscribersOf(imei14s, now), now);
  }
}
