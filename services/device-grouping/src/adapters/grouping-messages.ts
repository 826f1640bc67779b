import { DeviceKind, type ConflictDetected, type Device, type DeviceEvent, type GroupingStatus } from '@imei/contracts';
import type { DeviceState } from '../domain/device';
import { imeiCountExceedsSlots } from '../domain/device';
import type { Conflict, DeviceEventOf } from '../domain/grouping-events';
import { currentGroupingOf, type ImeiRecord } from '../domain/imei-record';

/** The `imei.v1.Device` of a device state. */
export function deviceMessage(device: DeviceState): Device {
  return {
    deviceId: device.deviceId,
    kind: device.kind === 'registered' ? DeviceKind.DEVICE_KIND_REGISTERED : DeviceKind.DEVICE_KIND_GRANDFATHERED,
    imei14s: [...device.imei14s],
    ownerRef: device.ownerRef,
    source: device.source,
    brand: device.brand,
    model: device.model,
    slots: device.slots,
    version: device.version,
    createdAt: device.createdAt,
    imeiCountExceedsSlots: imeiCountExceedsSlots(device),
    pendingSiblingImei14s: device.pendingSiblings.map((p) => p.imei14),
  };
}

/** The `imei.v1.ConflictDetected` of a conflict, with its resolution when there is one. */
export function conflictMessage(conflict: Conflict): ConflictDetected {
  return {
    conflictId: conflict.conflictId,
    imei14: conflict.imei14,
    existingDeviceId: conflict.existingDeviceId,
    claimingDeviceId: conflict.claimingDeviceId,
    applicationId: conflict.applicationId,
    resolved: conflict.resolution !== undefined,
    winnerDeviceId: conflict.resolution?.winnerDeviceId ?? '',
    resolvedBy: conflict.resolution?.resolvedBy ?? '',
    resolutionReason: conflict.resolution?.reason ?? '',
    detectedAt: conflict.detectedAt,
  };
}

/**
 * The DeviceEvents of one stored device change (all at its version). A change that registers the
 * device announces its IMEIs inside DeviceRegistered, not as separate ImeiLinked events.
 */
export function deviceEventMessages(events: readonly DeviceEventOf[], after: DeviceState): DeviceEvent[] {
  const registers = events.some((e) => e.change.type === 'registered');
  const messages: DeviceEvent[] = [];
  for (const { change, at } of events) {
    const base = { deviceId: after.deviceId, version: after.version, occurredAt: at };
    switch (change.type) {
      case 'registered':
        messages.push({ ...base, event: { $case: 'registered', registered: { device: deviceMessage(after), applicationId: change.applicationId } } });
        break;
      case 'imei-linked':
        if (!registers) messages.push({ ...base, event: { $case: 'imeiLinked', imeiLinked: { imei14: change.imei14, slot: after.imei14s.indexOf(change.imei14) + 1, applicationId: change.applicationId } } });
        break;
      case 'sibling-pending':
        messages.push({ ...base, event: { $case: 'siblingPending', siblingPending: { imei14: change.imei14, evidence: change.evidence } } });
        break;
      case 'sibling-confirmed':
        messages.push({ ...base, event: { $case: 'siblingConfirmed', siblingConfirmed: { imei14: change.imei14, applicationId: change.applicationId } } });
        break;
      case 'sibling-refused':
        messages.push({ ...base, event: { $case: 'siblingRefused', siblingRefused: { imei14: change.imei14, applicationId: change.applicationId, reasonCode: change.code, reason: change.reason } } });
        break;
      case 'conflict-detected':
        messages.push({ ...base, event: { $case: 'conflictDetected', conflictDetected: conflictMessage(change.conflict) } });
        break;
      case 'conflict-resolved': {
        const { conflict } = change;
        messages.push({ ...base, event: { $case: 'conflictResolved', conflictResolved: { conflictId: conflict.conflictId, imei14: conflict.imei14, winnerDeviceId: conflict.resolution!.winnerDeviceId, resolvedBy: conflict.resolution!.resolvedBy } } });
        break;
      }
      case 'imei-unlinked':
        messages.push({ ...base, event: { $case: 'imeiUnlinked', imeiUnlinked: { imei14: change.imei14, conflictId: change.conflictId, winnerDeviceId: change.winnerDeviceId } } });
        break;
      case 'clone-suspected': {
        const e = change.evidence;
        messages.push({ ...base, event: { $case: 'cloneSuspected', cloneSuspected: { imei14: change.imei14, distinctImsis: e.distinctImsis, operatorIds: e.operatorIds, windowMs: e.windowMs, firstSeenAt: e.firstSeenAt, lastSeenAt: e.lastSeenAt } } });
        break;
      }
      default: {
        const unknown: never = change;
        throw new Error(`unknown device change ${JSON.stringify(unknown)}`);
      }
    }
  }
  return messages;
}

/** The IMEI's current grouping status at its version: one GroupingStatus per stored IMEI change. */
export function groupingStatusMessage(record: ImeiRecord | undefined, imei14: string): GroupingStatus {
  const current = currentGroupingOf(record);
  return {
    imei14,
    deviceId: current.deviceId,
    fact: current.fact,
    applicationId: current.applicationId,
    approvedAt: current.approvedAt,
    version: record?.version ?? 0,
    occurredAt: record?.changedAt,
    detail: record?.detail ?? '',
  };
}
