import { ApplicationKind, GroupingFact, type Application } from '@imei/contracts';
import { canonicalImei, tacOf } from '@imei/imei-rules';
import type { Decision } from './decision';
import { conflictIdOf } from './grouping-ids';
import type { Conflict } from './grouping-events';
import { MAX_IMEIS_PER_DEVICE } from './grouping-policy';

/**
 * An approved registration or unblock-with-documents application creates the device (id from the
 * application) or extends it. Each IMEI is linked in slot order unless another device holds it: then a
 * conflict is recorded on the IMEI and the claiming device, and nothing is overwritten. An unblock of
 * an IMEI the device already holds announces the documents (GroupingStatus UNBLOCKED_WITH_DOCUMENTS).
 */
export function decideRegistration(decision: Decision, application: Application): void {
  const deviceId = application.deviceId;
  const applicationId = application.applicationId;
  const fact = application.kind === ApplicationKind.APPLICATION_KIND_UNBLOCK_WITH_DOCUMENTS
    ? GroupingFact.GROUPING_FACT_UNBLOCKED_WITH_DOCUMENTS
    : GroupingFact.GROUPING_FACT_REGISTERED;
  if (decision.device(deviceId) === undefined) {
    const tac = tacOf(application.imei14s[0] ?? '');
    decision.onDevice(deviceId, {
      type: 'registered',
      kind: 'registered',
      ownerRef: application.ownerRef,
      source: application.source,
      tac: tac === undefined ? undefined : decision.view.tac(tac),
      applicationId,
    });
  }
  for (const imei14 of application.imei14s) {
    const record = decision.imei(imei14);
    const owner = record?.link?.deviceId;
    const device = decision.device(deviceId)!;
    if (owner !== undefined && owner !== deviceId) {
      const conflictId = conflictIdOf(imei14, deviceId, applicationId);
      const conflict: Conflict = record!.conflicts.find((c) => c.conflictId === conflictId) ?? {
        conflictId,
        imei14,
        existingDeviceId: owner,
        claimingDeviceId: deviceId,
        applicationId,
        approvedAt: application.decidedAt,
        detectedAt: decision.at,
      };
      decision.onImei(imei14, { type: 'conflict-detected', conflict });
      decision.onDevice(deviceId, { type: 'conflict-detected', conflict });
      continue;
    }
    if (owner === deviceId) {
      if (fact === GroupingFact.GROUPING_FACT_UNBLOCKED_WITH_DOCUMENTS && record!.link!.fact !== fact) {
        decision.onImei(imei14, { type: 'linked', deviceId, fact, applicationId, approvedAt: application.decidedAt });
      }
      if (!device.imei14s.includes(imei14)) decision.onDevice(deviceId, { type: 'imei-linked', imei14, applicationId });
      continue;
    }
    if (device.imei14s.length >= MAX_IMEIS_PER_DEVICE) {
      decision.onDevice(deviceId, {
        type: 'sibling-refused',
        imei14,
        applicationId,
        code: 'device-full',
        reason: `IMEI ${canonicalImei(imei14)} not added: device ${deviceId} already has ${MAX_IMEIS_PER_DEVICE} IMEIs, the most one device carries`,
      });
      continue;
    }
    decision.onImei(imei14, { type: 'linked', deviceId, fact, applicationId, approvedAt: application.decidedAt });
    decision.onDevice(deviceId, { type: 'imei-linked', imei14, applicationId });
  }
}
