import { DomainError } from '@imei/errors';
import type { Decision } from './decision';
import type { Conflict } from './grouping-events';
import { MAX_IMEIS_PER_DEVICE } from './grouping-policy';

/**
 * An officer resolves a conflict for one of its two devices. The IMEI's record and the claimant hear
 * the resolution; the existing device hears it too when it keeps the IMEI, or loses the IMEI
 * (imei-unlinked) when the claimant wins. Resolving again for the same winner changes nothing.
 */
export function decideConflictResolution(
  decision: Decision,
  command: { imei14: string; conflictId: string; winnerDeviceId: string; officer: string; reason: string },
): void {
  const record = decision.imei(command.imei14);
  const conflict = record?.conflicts.find((c) => c.conflictId === command.conflictId);
  if (record === undefined || conflict === undefined) throw new DomainError('not-found', `conflict ${JSON.stringify(command.conflictId)} does not exist`);
  const { existingDeviceId, claimingDeviceId } = conflict;
  if (command.winnerDeviceId !== existingDeviceId && command.winnerDeviceId !== claimingDeviceId) {
    throw DomainError.invalid([DomainError.violation('winner_device_id', command.winnerDeviceId, `must be ${existingDeviceId} (holds the IMEI) or ${claimingDeviceId} (claims it)`)]);
  }
  if (conflict.resolution !== undefined && conflict.resolution.winnerDeviceId !== command.winnerDeviceId) {
    throw new DomainError('failed-precondition', `conflict ${conflict.conflictId} was already resolved for ${conflict.resolution.winnerDeviceId}`);
  }
  const reason = command.reason.trim();
  if (conflict.resolution === undefined && reason === '') {
    throw DomainError.invalid([DomainError.violation('reason', command.reason, 'A resolution needs a reason for the audit trail.')]);
  }
  const claimantWins = command.winnerDeviceId === claimingDeviceId;
  const claimant = decision.device(claimingDeviceId);
  if (claimantWins && conflict.resolution === undefined) {
    if (claimant === undefined) throw new DomainError('failed-precondition', `device ${claimingDeviceId} is not registered yet`);
    if (claimant.imei14s.length >= MAX_IMEIS_PER_DEVICE) throw new DomainError('failed-precondition', `device ${claimingDeviceId} already has ${MAX_IMEIS_PER_DEVICE} IMEIs`);
  }
  const resolved: Conflict = conflict.resolution !== undefined
    ? conflict
    : { ...conflict, resolution: { winnerDeviceId: command.winnerDeviceId, resolvedBy: command.officer, reason, at: decision.at } };
  decision.onImei(command.imei14, { type: 'conflict-resolved', conflict: resolved });
  if (claimant !== undefined) decision.onDevice(claimingDeviceId, { type: 'conflict-resolved', conflict: resolved });
  if (decision.device(existingDeviceId) === undefined) return;
  if (claimantWins) decision.onDevice(existingDeviceId, { type: 'imei-unlinked', imei14: command.imei14, conflictId: conflict.conflictId, winnerDeviceId: claimingDeviceId });
  else decision.onDevice(existingDeviceId, { type: 'conflict-resolved', conflict: resolved });
}
