import { canonicalImei, isImeiBody } from '@imei/imei-rules';
import type { GroupingCommand } from './grouping-commands';

/** When each IMEI was last seen with one subscriber (pseudonymised IMSI or MSISDN key). */
export type SubscriberImeis = ReadonlyMap<string, number>;

/** Another IMEI seen with one of an IMEI's subscribers. */
export interface CoObservation {
  imei14: string;
  subscriber: string;
  /** Time between the two IMEIs' sightings with that subscriber. */
  gapMs: number;
}

/**
 * IMEIs used by the same subscriber as `imei14` within `windowMs` of it. `ownSeen` is when `imei14` was
 * last seen with each of its subscribers; `index` is what the subscriber index holds for them. Malformed
 * keys are left out: they name no phone. The closest sighting per other IMEI is kept.
 */
export function coObservedImeis(
  imei14: string,
  ownSeen: ReadonlyMap<string, number>,
  index: ReadonlyMap<string, SubscriberImeis>,
  windowMs: number,
): CoObservation[] {
  const best = new Map<string, CoObservation>();
  for (const [subscriber, seenAt] of ownSeen) {
    const others = index.get(subscriber);
    if (others === undefined) continue;
    for (const [other, otherSeenAt] of others) {
      if (other === imei14 || !isImeiBody(other)) continue;
      const gapMs = Math.abs(otherSeenAt - seenAt);
      if (gapMs > windowMs) continue;
      const known = best.get(other);
      if (known === undefined || gapMs < known.gapMs) best.set(other, { imei14: other, subscriber, gapMs });
    }
  }
  return [...best.values()];
}

const hours = (ms: number): string => `${Math.round((ms / 3_600_000) * 10) / 10} h`;

/**
 * The pending-confirmation commands a set of co-observations suggests: when one IMEI of a pair is linked
 * to a device and the other is not, the unlinked one may be that device's sibling. `links` maps linked IMEIs to their device. The decision checks
 * the rest of the rule (TAC compatible, device below its slots, not clone-suspected) on current state.
 */
export function siblingCommands(imei14: string, coObserved: readonly CoObservation[], links: ReadonlyMap<string, string>): GroupingCommand[] {
  if (!isImeiBody(imei14)) return [];
  const own = links.get(imei14);
  const commands: GroupingCommand[] = [];
  for (const co of coObserved) {
    const other = links.get(co.imei14);
    if (own !== undefined && other === undefined) {
      commands.push({ type: 'mark-pending', deviceId: own, imei14: co.imei14, evidence: `used by subscriber ${co.subscriber} within ${hours(co.gapMs)} of ${canonicalImei(imei14)}` });
    } else if (own === undefined && other !== undefined) {
      commands.push({ type: 'mark-pending', deviceId: other, imei14, evidence: `used by subscriber ${co.subscriber} within ${hours(co.gapMs)} of ${canonicalImei(co.imei14)}` });
    }
  }
  return commands;
}
