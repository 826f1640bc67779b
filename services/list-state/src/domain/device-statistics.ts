import { blackReasons, greyReasons, whiteReasons, type ListReasonName, type ListStateName } from './list-entry';

/**
 * Statistics in devices (design §2): a device is white when all its IMEIs are white, black when any
 * is black, otherwise grey; a device whose IMEIs are not all on one list is also counted as mixed. An
 * ungrouped IMEI counts as one device. Pure.
 */

/** One IMEI of a device as the device counters see it (`version`: the entry version it reflects). */
export interface DeviceMember {
  state: ListStateName;
  reason: ListReasonName;
  version: number;
}

/** What one device (or one ungrouped IMEI) contributes to the device counters. */
export interface DeviceUnit {
  state: ListStateName;
  reason: ListReasonName;
  mixed: boolean;
}

const reasonRank = new Map<ListReasonName, number>([...blackReasons, ...greyReasons, ...whiteReasons].map((r, i) => [r, i]));

/** A device's list, reason and mixedness from its members; null for a device without members. */
export function deviceUnitOf(members: Iterable<Pick<DeviceMember, 'state' | 'reason'>>): DeviceUnit | null {
  const list = [...members];
  if (list.length === 0) return null;
  const states = new Set(list.map((m) => m.state));
  const state: ListStateName = states.has('black') ? 'black' : states.size === 1 && states.has('white') ? 'white' : 'grey';
  // The device's reason is that of the IMEI that decides its list (first in the reasons' order).
  const deciding = list.filter((m) => m.state === state).sort((a, b) => reasonRank.get(a.reason)! - reasonRank.get(b.reason)!);
  return { state, reason: deciding[0]!.reason, mixed: states.size > 1 };
}

/** Counter names of a unit: `devices.state.<state>`, `devices.reason.<state>.<reason>`, `devices.mixed`. */
function countersOf(unit: DeviceUnit): string[] {
  const names = [`devices.state.${unit.state}`, `devices.reason.${unit.state}.${unit.reason}`];
  if (unit.mixed) names.push('devices.mixed');
  return names;
}

/** How the device counters move when a unit goes from `before` to `after` (null: not counted). */
export function addDeviceDelta(into: Map<string, number>, before: DeviceUnit | null, after: DeviceUnit | null): void {
  if (before) for (const c of countersOf(before)) into.set(c, (into.get(c) ?? 0) - 1);
  if (after) for (const c of countersOf(after)) into.set(c, (into.get(c) ?? 0) + 1);
  for (const [c, n] of into) if (n === 0) into.delete(c);
}

/** A change of one IMEI's membership or list: removes it from `fromDevice`, sets it on `toDevice`. */
export interface MemberChange {
  imei14: string;
  fromDevice: string;
  toDevice: string;
  member: DeviceMember;
}

/**
 * Applies member changes to one device's members (a member moves only forward in entry version, so a
 * replayed or late change is ignored). Returns the new members.
 */
export function applyMemberChanges(deviceId: string, members: Readonly<Record<string, DeviceMember>>, changes: readonly MemberChange[]): Record<string, DeviceMember> {
  const next = { ...members };
  for (const change of changes) {
    const current = next[change.imei14];
    if (current !== undefined && current.version >= change.member.version) continue;
    if (change.toDevice === deviceId) next[change.imei14] = change.member;
    else if (change.fromDevice === deviceId && current !== undefined) delete next[change.imei14];
  }
  return next;
}
