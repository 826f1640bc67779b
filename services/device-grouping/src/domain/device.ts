import { ApplicationSource } from '@imei/contracts';
import { withCause } from './causes';
import { tacOf } from '@imei/imei-rules';
import type { DeviceEventOf, DeviceKindName } from './grouping-events';
import { MAX_IMEIS_PER_DEVICE } from './grouping-policy';
import type { TacLookup } from './tac-model';

/** An IMEI inferred as a sibling of the device, waiting for the owner's simplified application. */
export interface PendingSibling {
  imei14: string;
  evidence: string;
  since: Date;
}

/** One line of a device's history (what changed, when, because of which application). */
export interface DeviceHistoryEntry {
  at: Date;
  what: string;
  imei14: string;
  applicationId: string;
}

/** A physical device: 1–4 IMEIs in slot order (0 only while its every claim is in conflict). */
export interface DeviceState {
  deviceId: string;
  kind: DeviceKindName;
  imei14s: string[];
  ownerRef: string;
  source: ApplicationSource;
  brand: string;
  model: string;
  /** SIM slots from TAC data; 0 when unknown. */
  slots: number;
  pendingSiblings: PendingSibling[];
  createdAt: Date;
  /** Stored version (the adapter stores each change at version + 1). */
  version: number;
  /** Inputs already applied (application ids, resolution and inference causes). */
  causes: string[];
  /** Oldest first, bounded to MAX_HISTORY. */
  history: DeviceHistoryEntry[];
}

/** History lines kept per device (the events themselves are on imei.device-events.v1). */
export const MAX_HISTORY = 50;

/** SIM slots of the device: from TAC data when it registered, else from TAC data loaded since; 0 when unknown. */
export function knownSlotsOf(device: Pick<DeviceState, 'slots' | 'imei14s'>, tac: TacLookup): number {
  if (device.slots > 0) return device.slots;
  for (const imei14 of device.imei14s) {
    const slots = tac(tacOf(imei14) ?? '')?.slots ?? 0;
    if (slots > 0) return slots;
  }
  return 0;
}

/** IMEI count the device may reach: its known slots, else `defaultSlots`, never above 4. */
export function slotLimitOf(device: Pick<DeviceState, 'slots' | 'imei14s'>, tac: TacLookup, defaultSlots: number): number {
  const slots = knownSlotsOf(device, tac);
  return Math.min(MAX_IMEIS_PER_DEVICE, slots > 0 ? slots : Math.max(defaultSlots, 1));
}

/** True when TAC data knows the model and the device has more IMEIs than slots. */
export function imeiCountExceedsSlots(device: Pick<DeviceState, 'slots' | 'imei14s'>): boolean {
  return device.slots > 0 && device.imei14s.length > device.slots;
}

function historyWith(state: DeviceState, event: DeviceEventOf, what: string, imei14 = '', applicationId = ''): DeviceHistoryEntry[] {
  const next = [...state.history, { at: event.at, what, imei14, applicationId }];
  return next.length > MAX_HISTORY ? next.slice(next.length - MAX_HISTORY) : next;
}

const withoutPending = (pending: readonly PendingSibling[], imei14: string): PendingSibling[] => pending.filter((p) => p.imei14 !== imei14);
const withImei = (imei14s: readonly string[], imei14: string): string[] => (imei14s.includes(imei14) ? [...imei14s] : [...imei14s, imei14]);

/** Applies one device event (pure). The version is not touched: the adapter stores a change at version + 1. */
export function evolveDevice(state: DeviceState | undefined, event: DeviceEventOf): DeviceState {
  const { change } = event;
  if (change.type === 'registered') {
    const base: DeviceState = state ?? {
      deviceId: event.deviceId,
      kind: change.kind,
      imei14s: [],
      ownerRef: change.ownerRef,
      source: change.source,
      brand: change.tac?.brand ?? '',
      model: change.tac?.model ?? '',
      slots: change.tac?.slots ?? 0,
      pendingSiblings: [],
      createdAt: event.at,
      version: 0,
      causes: [],
      history: [],
    };
    return { ...base, causes: withCause(base.causes, event.cause), history: historyWith(base, event, `registered (${change.kind})`, '', change.applicationId) };
  }
  if (state === undefined) throw new Error(`device ${event.deviceId}: ${change.type} before registration`);
  const next: DeviceState = { ...state, causes: withCause(state.causes, event.cause) };
  switch (change.type) {
    case 'imei-linked':
      return { ...next, imei14s: withImei(state.imei14s, change.imei14), pendingSiblings: withoutPending(state.pendingSiblings, change.imei14), history: historyWith(state, event, 'imei linked', change.imei14, change.applicationId) };
    case 'sibling-confirmed':
      return { ...next, imei14s: withImei(state.imei14s, change.imei14), pendingSiblings: withoutPending(state.pendingSiblings, change.imei14), history: historyWith(state, event, 'sibling confirmed', change.imei14, change.applicationId) };
    case 'sibling-pending':
      if (state.pendingSiblings.some((p) => p.imei14 === change.imei14)) return next;
      return { ...next, pendingSiblings: [...state.pendingSiblings, { imei14: change.imei14, evidence: change.evidence, since: event.at }], history: historyWith(state, event, 'sibling pending', change.imei14) };
    case 'sibling-refused':
      return { ...next, history: historyWith(state, event, `sibling refused: ${change.code}`, change.imei14, change.applicationId) };
    case 'conflict-detected':
      return { ...next, history: historyWith(state, event, `conflict ${change.conflict.conflictId} detected`, change.conflict.imei14, change.conflict.applicationId) };
    case 'conflict-resolved': {
      const { conflict } = change;
      const won = conflict.resolution?.winnerDeviceId === state.deviceId;
      // The existing device that loses hears it as imei-unlinked; a claimant that loses keeps what it had.
      const imei14s = won ? withImei(state.imei14s, conflict.imei14) : state.imei14s;
      return { ...next, imei14s, history: historyWith(state, event, `conflict ${conflict.conflictId} resolved: ${won ? 'won' : 'lost'}`, conflict.imei14, conflict.applicationId) };
    }
    case 'imei-unlinked':
      return { ...next, imei14s: state.imei14s.filter((i) => i !== change.imei14), history: historyWith(state, event, 'imei unlinked', change.imei14) };
    case 'clone-suspected':
      return { ...next, history: historyWith(state, event, 'clone suspected', change.imei14) };
    default: {
      const unknown: never = change;
      throw new Error(`unknown device change ${JSON.stringify(unknown)}`);
    }
  }
}
