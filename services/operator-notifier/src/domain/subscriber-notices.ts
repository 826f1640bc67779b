import { createHash } from 'node:crypto';

/**
 * Notices to subscribers whose grey IMEI is close to its block date, and the index of who used which
 * IMEI on which operator recently. Pure: time is passed in.
 */

const DAY_MS = 86_400_000;

/** Default lead times before a block date at which subscribers are warned. */
export const DEFAULT_LEAD_DAYS: readonly number[] = [14, 3, 1];

/** One subscriber seen with an IMEI on one operator's network. */
export interface SubscriberUse {
  operatorId: string;
  msisdn: string;
  lastSeenMs: number;
}

/**
 * Merges sightings into an IMEI's recent users: one entry per operator and MSISDN with the latest time,
 * those older than `retentionMs` dropped, at most `cap` (the most recent) kept.
 */
export function mergeUses(current: readonly SubscriberUse[], seen: readonly SubscriberUse[], nowMs: number, retentionMs: number, cap = 16): SubscriberUse[] {
  const byKey = new Map<string, SubscriberUse>();
  for (const use of [...current, ...seen]) {
    const key = `${use.operatorId}\u0000${use.msisdn}`;
    const known = byKey.get(key);
    if (!known || known.lastSeenMs < use.lastSeenMs) byKey.set(key, use);
  }
  return [...byKey.values()].filter((u) => u.lastSeenMs >= nowMs - retentionMs).sort((a, b) => b.lastSeenMs - a.lastSeenMs).slice(0, cap);
}

/**
 * The lead time (days) whose notice is due now: the smallest lead at or inside which the block date
 * lies, while the block date is still ahead. Learning of a block date late sends only the tightest
 * lead, not every larger one at once.
 */
export function dueLead(blockDateMs: number, nowMs: number, leadDays: readonly number[]): number | undefined {
  const remaining = blockDateMs - nowMs;
  if (remaining <= 0) return undefined;
  const due = leadDays.filter((lead) => remaining <= lead * DAY_MS);
  return due.length > 0 ? Math.min(...due) : undefined;
}

/** Deterministic notice id: the same subscriber, IMEI, block date and lead always give the same id (replays are recognised). */
export function noticeId(operatorId: string, msisdn: string, imei14: string, blockDateMs: number, leadDays: number): string {
  return createHash('sha256').update(`${operatorId}|${msisdn}|${imei14}|${blockDateMs}|${leadDays}`).digest('hex').slice(0, 32);
}
