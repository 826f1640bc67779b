import { GroupingFact, ListReason, type Application } from '@imei/contracts';
import { DomainError } from '@imei/errors';
import { canonicalImei } from '@imei/imei-rules';
import type { Decision } from './decision';
import { slotLimitOf, type DeviceState } from './device';
import type { RefusalCode } from './grouping-events';
import { MAX_IMEIS_PER_DEVICE } from './grouping-policy';
import type { ImeiRecord } from './imei-record';
import { tacCompatible } from './tac-model';

/** Why `imei14` cannot be confirmed into `device`, or undefined when it can. */
export function siblingRefusal(
  decision: Decision,
  device: DeviceState,
  imei14: string,
  record: ImeiRecord | undefined,
): { code: RefusalCode; reason: string } | undefined {
  const imei = canonicalImei(imei14);
  const owner = record?.link?.deviceId;
  if (owner !== undefined && owner !== device.deviceId) return { code: 'linked-to-other-device', reason: `IMEI ${imei} belongs to another device` };
  if (record?.clone !== undefined) {
    const c = record.clone;
    return { code: 'clone-suspected', reason: `IMEI ${imei} is suspected to be cloned: ${c.distinctImsis} SIM cards on ${c.operatorIds.join(', ')} within ${Math.round(c.windowMs / 60_000)} minutes` };
  }
  const black = decision.view.blackReasons.get(imei14);
  if (black !== undefined && black !== ListReason.LIST_REASON_GRACE_EXPIRED) {
    return { code: 'blacklisted', reason: `IMEI ${imei} is blocked (${ListReason[black]}); only an unblock with documents can lift that` };
  }
  // The owner's own application confirms it: TAC data's slots bind, else any count up to 4.
  const limit = slotLimitOf(device, decision.view.tac, MAX_IMEIS_PER_DEVICE);
  if (device.imei14s.length >= limit) {
    return { code: 'device-full', reason: `device ${device.deviceId} already has ${device.imei14s.length} IMEIs and its model has ${limit} SIM slots` };
  }
  const pending = device.pendingSiblings.some((p) => p.imei14 === imei14);
  if (!pending && !device.imei14s.some((known) => tacCompatible(known, imei14, decision.view.tac))) {
    return { code: 'not-plausible', reason: `IMEI ${imei} is not a pending sibling of device ${device.deviceId} and its TAC matches none of the device's IMEIs` };
  }
  return undefined;
}

/**
 * An approved simplified application confirms each IMEI it names into the device: a pending sibling, or
 * a plausible one (TAC compatible). It is refused, with a reason the owner can read, when the IMEI is
 * clone-suspected, black for a reason other than grace expiry, linked to another device, or the device
 * is full. An application about a device the registry does not know is invalid input.
 */
export function decideSiblingConfirmation(decision: Decision, application: Application): void {
  const deviceId = application.deviceId;
  const applicationId = application.applicationId;
  if (decision.device(deviceId) === undefined) {
    throw new DomainError('failed-precondition', `sibling confirmation ${applicationId}: device ${JSON.stringify(deviceId)} is not known to device-grouping`);
  }
  for (const imei14 of application.imei14s) {
    const device = decision.device(deviceId)!;
    const record = decision.imei(imei14);
    if (record?.link?.deviceId === deviceId) {
      if (!device.imei14s.includes(imei14)) decision.onDevice(deviceId, { type: 'sibling-confirmed', imei14, applicationId });
      continue;
    }
    const refusal = siblingRefusal(decision, device, imei14, record);
    if (refusal !== undefined) {
      decision.onDevice(deviceId, { type: 'sibling-refused', imei14, applicationId, ...refusal });
      continue;
    }
    decision.onImei(imei14, { type: 'linked', deviceId, fact: GroupingFact.GROUPING_FACT_SIBLING_CONFIRMED, applicationId, approvedAt: application.decidedAt });
    decision.onDevice(deviceId, { type: 'sibling-confirmed', imei14, applicationId });
  }
}
