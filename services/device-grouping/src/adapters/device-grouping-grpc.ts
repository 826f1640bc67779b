import { DeviceGroupingServiceService, type ConflictDetected, type Device, type GroupingStatus, type PendingSibling } from '@imei/contracts';
import { DomainError } from '@imei/errors';
import { implement, type CallContext, type EdgeOptions } from '@imei/grpc';
import { normaliseObservedImei } from '@imei/imei-rules';
import type { DeviceState } from '../domain/device';
import type { GroupingProcessor } from './grouping-processor';
import type { GroupingRepository } from './grouping-repository';
import { conflictMessage, deviceMessage, groupingStatusMessage } from './grouping-messages';

export interface GroupingHandlerDeps {
  repository: GroupingRepository;
  processor: GroupingProcessor;
  clock: () => number;
}

/** Most IMEIs one GetGroupingStatus call may ask about. */
export const MAX_STATUS_IMEIS = 10_000;
/** Most conflicts one ListConflicts answer holds, and most devices one owner lists. */
export const MAX_LISTED = 1000;

/** The registry key of an IMEI given in a query (lenient: any form the registry keys). */
const imei14Of = (raw: string): string => normaliseObservedImei(raw).imei14;

const notFound = (what: string): DomainError => new DomainError('not-found', `${what} does not exist`);

/** gRPC handlers of DeviceGroupingService. Reads by `_id` only; the officer's resolution goes through the processor. */
export function deviceGroupingHandlers(deps: GroupingHandlerDeps) {
  const { repository } = deps;
  const device = async (deviceId: string): Promise<DeviceState> => {
    const found = (await repository.loadDevices([deviceId])).get(deviceId)?.state;
    if (found === undefined) throw notFound(`device ${JSON.stringify(deviceId)}`);
    return found;
  };
  /** Pending siblings still unlinked (one may have been registered elsewhere since it was inferred). */
  const pendingOf = async (devices: readonly DeviceState[]): Promise<PendingSibling[]> => {
    const candidates = devices.flatMap((d) => d.pendingSiblings.map((p) => ({ deviceId: d.deviceId, imei14: p.imei14, evidence: p.evidence })));
    const linked = await repository.linkedDevices(candidates.map((c) => c.imei14));
    return candidates.filter((c) => !linked.has(c.imei14));
  };
  return {
    getDevice: async (request: { deviceId: string }, ctx: CallContext): Promise<Device> => {
      ctx.require('officer', 'service', 'trusted-source', 'individual');
      return deviceMessage(await device(request.deviceId));
    },

    getDeviceByImei: async (request: { imei: string }, ctx: CallContext): Promise<Device> => {
      ctx.require('officer', 'service', 'trusted-source', 'individual');
      const imei14 = imei14Of(request.imei);
      const deviceId = (await repository.linkedDevices([imei14])).get(imei14);
      if (deviceId === undefined) throw notFound(`a device with IMEI ${JSON.stringify(request.imei)}`);
      return deviceMessage(await device(deviceId));
    },

    listPendingSiblings: async (request: { deviceId: string; ownerRef: string }, ctx: CallContext) => {
      ctx.require('officer', 'service', 'individual');
      if ((request.deviceId === '') === (request.ownerRef === '')) {
        throw DomainError.invalid([DomainError.violation('device_id', request.deviceId, 'Give either device_id or owner_ref.')]);
      }
      const devices = request.deviceId !== '' ? [await device(request.deviceId)] : await repository.devicesOfOwner(request.ownerRef, MAX_LISTED);
      return { siblings: await pendingOf(devices) };
    },

    getGroupingStatus: async (request: { imeis: string[] }, ctx: CallContext): Promise<{ statuses: GroupingStatus[] }> => {
      ctx.require('service', 'officer');
      if (request.imeis.length > MAX_STATUS_IMEIS) {
        throw DomainError.invalid([DomainError.violation('imeis', String(request.imeis.length), `at most ${MAX_STATUS_IMEIS} IMEIs per call.`)]);
      }
      const keys = request.imeis.map(imei14Of);
      const records = await repository.loadImeis([...new Set(keys)]);
      return { statuses: keys.map((imei14) => groupingStatusMessage(records.get(imei14)?.state, imei14)) };
    },

    listConflicts: async (request: { includeResolved: boolean }, ctx: CallContext): Promise<{ conflicts: ConflictDetected[] }> => {
      ctx.require('officer', 'service');
      return { conflicts: (await repository.listConflicts(request.includeResolved, MAX_LISTED)).map(conflictMessage) };
    },

    resolveConflict: async (request: { conflictId: string; winnerDeviceId: string; reason: string }, ctx: CallContext): Promise<ConflictDetected> => {
      ctx.require('officer');
      const listed = await repository.conflict(request.conflictId);
      if (listed === undefined) throw notFound(`conflict ${JSON.stringify(request.conflictId)}`);
      const command = { type: 'resolve-conflict' as const, imei14: listed.imei14, conflictId: request.conflictId, winnerDeviceId: request.winnerDeviceId, officer: ctx.identity.principal, reason: request.reason };
      const { refused } = await deps.processor.run([{ command }], new Date(deps.clock()));
      if (refused[0] !== undefined) throw refused[0].error;
      const record = (await repository.loadImeis([listed.imei14])).get(listed.imei14)!.state;
      return conflictMessage(record.conflicts.find((c) => c.conflictId === request.conflictId)!);
    },
  };
}

/** The DeviceGroupingService gRPC registration. */
export function deviceGroupingService(deps: GroupingHandlerDeps, edge: EdgeOptions) {
  return implement(DeviceGroupingServiceService, deviceGroupingHandlers(deps), edge);
}
