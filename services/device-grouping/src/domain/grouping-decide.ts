import { ApplicationSource, GroupingFact } from '@imei/contracts';
import { isImeiBody, tacOf } from '@imei/imei-rules';
import { decideConflictResolution } from './conflict-resolution';
import { Decision } from './decision';
import { slotLimitOf } from './device';
import type { GroupingCommand, GroupingView } from './grouping-commands';
import type { GroupingEvent } from './grouping-events';
import { grandfatheredDeviceIdOf } from './grouping-ids';
import { decideRegistration } from './registration';
import { decideSiblingConfirmation } from './sibling-confirmation';
import { tacCompatible } from './tac-model';

/** The cause a command's effects carry: how a replay of the same input recognises them. */
export function causeOf(command: GroupingCommand): string {
  switch (command.type) {
    case 'register':
    case 'confirm-sibling':
      return command.application.applicationId;
    case 'grandfather':
      return `grandfathered:${command.imei14}`;
    case 'mark-pending':
      return `sibling-pending:${command.deviceId}:${command.imei14}`;
    case 'flag-clone':
      return `clone:${command.imei14}`;
    case 'resolve-conflict':
      return `resolve:${command.conflictId}`;
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

/** A grandfathered phone's IMEI not linked to any device becomes the first IMEI of an implicit device. */
function decideGrandfathered(decision: Decision, imei14: string): void {
  if (!isImeiBody(imei14)) return;
  const deviceId = grandfatheredDeviceIdOf(imei14);
  const owner = decision.imei(imei14)?.link?.deviceId;
  if (owner !== undefined && owner !== deviceId) return;
  if (decision.device(deviceId) === undefined) {
    decision.onDevice(deviceId, { type: 'registered', kind: 'grandfathered', ownerRef: '', source: ApplicationSource.APPLICATION_SOURCE_UNSPECIFIED, tac: decision.view.tac(tacOf(imei14)!), applicationId: '' });
  }
  if (owner === undefined) {
    decision.onImei(imei14, { type: 'linked', deviceId, fact: GroupingFact.GROUPING_FACT_GRANDFATHERED_DEVICE, applicationId: '', approvedAt: undefined });
  }
  if (!decision.device(deviceId)!.imei14s.includes(imei14)) decision.onDevice(deviceId, { type: 'imei-linked', imei14, applicationId: '' });
}

/**
 * Sibling inference's rule on the current state: the IMEI is linked to no device and not clone-suspected,
 * its TAC is compatible with one of the device's IMEIs, and the device is below its slot count.
 */
function decidePending(decision: Decision, deviceId: string, imei14: string, evidence: string): void {
  const device = decision.device(deviceId);
  const record = decision.imei(imei14);
  if (device === undefined || record?.link !== undefined || record?.clone !== undefined || device.imei14s.includes(imei14)) return;
  const { policy, tac } = decision.view;
  if (device.imei14s.length >= slotLimitOf(device, tac, policy.defaultSlots)) return;
  if (!device.imei14s.some((known) => tacCompatible(known, imei14, tac))) return;
  if (!(record?.pendingFor.some((p) => p.deviceId === deviceId) ?? false)) decision.onImei(imei14, { type: 'sibling-pending', deviceId, evidence });
  if (!device.pendingSiblings.some((p) => p.imei14 === imei14)) decision.onDevice(deviceId, { type: 'sibling-pending', imei14, evidence });
}

/**
 * Decides what a command changes (pure; `now` injected): events targeting devices and IMEI records.
 * Replays are safe: events of entities that already applied the command's cause are left out. Throws
 * DomainError for a command that can never apply (unknown device or conflict, bad winner).
 */
export function decide(command: GroupingCommand, view: GroupingView, now: Date): GroupingEvent[] {
  const decision = new Decision(view, causeOf(command), now);
  switch (command.type) {
    case 'register':
      decideRegistration(decision, command.application);
      break;
    case 'confirm-sibling':
      decideSiblingConfirmation(decision, command.application);
      break;
    case 'grandfather':
      decideGrandfathered(decision, command.imei14);
      break;
    case 'mark-pending':
      decidePending(decision, command.deviceId, command.imei14, command.evidence);
      break;
    case 'flag-clone': {
      const record = decision.imei(command.imei14);
      if (record?.clone !== undefined) break;
      decision.onImei(command.imei14, { type: 'clone-suspected', evidence: command.evidence });
      const owner = record?.link?.deviceId;
      if (owner !== undefined && decision.device(owner) !== undefined) {
        decision.onDevice(owner, { type: 'clone-suspected', imei14: command.imei14, evidence: command.evidence });
      }
      break;
    }
    case 'resolve-conflict':
      decideConflictResolution(decision, command);
      break;
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
  return decision.events();
}
