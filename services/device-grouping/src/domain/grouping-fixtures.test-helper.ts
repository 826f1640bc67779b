import { ApplicationKind, ApplicationSource, ApplicationStatus, type Application, type ListReason } from '@imei/contracts';
import type { DeviceState } from './device';
import { decide } from './grouping-decide';
import type { GroupingCommand, GroupingView } from './grouping-commands';
import { evolveDevice } from './device';
import type { GroupingEvent } from './grouping-events';
import { DEFAULT_GROUPING_POLICY, type GroupingPolicy } from './grouping-policy';
import { evolveImei, type ImeiRecord } from './imei-record';
import { noTacData, type TacLookup, type TacModel } from './tac-model';

export const now = new Date('2025-08-01T10:00:00Z');

export function application(change: Partial<Application> & { applicationId: string; imei14s: string[] }): Application {
  return {
    kind: ApplicationKind.APPLICATION_KIND_REGISTRATION,
    source: ApplicationSource.APPLICATION_SOURCE_OFFICIAL_DISTRIBUTOR,
    submittedBy: 'distributor:demo',
    deviceId: `dev-${change.applicationId}`,
    ownerRef: 'owner-1',
    model: '',
    documents: [],
    status: ApplicationStatus.APPLICATION_STATUS_APPROVED,
    decisionReason: '',
    decidedBy: 'rule',
    receivedAt: now,
    decidedAt: now,
    version: 1,
    idempotencyKey: 'k',
    ...change,
  };
}

export function tacTable(models: TacModel[]): TacLookup {
  const byTac = new Map(models.map((m) => [m.tac, m]));
  return (tac) => byTac.get(tac);
}

/** An in-memory store of the grouping state: what the adapters keep in Mongo, for pure tests. */
export class MemoryGrouping {
  readonly devices = new Map<string, DeviceState>();
  readonly imeis = new Map<string, ImeiRecord>();
  readonly blackReasons = new Map<string, ListReason>();
  tac: TacLookup = noTacData;
  policy: GroupingPolicy = DEFAULT_GROUPING_POLICY;

  view(): GroupingView {
    return { devices: this.devices, imeis: this.imeis, blackReasons: this.blackReasons, tac: this.tac, policy: this.policy };
  }

  /** Decides and applies, bumping each touched entity's version once (one stored change). */
  run(command: GroupingCommand, at = now): GroupingEvent[] {
    const events = decide(command, this.view(), at);
    this.apply(events);
    return events;
  }

  apply(events: readonly GroupingEvent[]): void {
    const touched = new Set<string>();
    for (const event of events) {
      if (event.entity === 'device') {
        const next = evolveDevice(this.devices.get(event.deviceId), event);
        if (!touched.has(`d:${event.deviceId}`)) next.version += 1;
        touched.add(`d:${event.deviceId}`);
        this.devices.set(event.deviceId, next);
      } else {
        const next = evolveImei(this.imeis.get(event.imei14), event);
        if (!touched.has(`i:${event.imei14}`)) next.version += 1;
        touched.add(`i:${event.imei14}`);
        this.imeis.set(event.imei14, next);
      }
    }
  }
}

export const kinds = (events: readonly GroupingEvent[]): string[] =>
  events.map((e) => `${e.entity}:${e.entity === 'device' ? e.deviceId : e.imei14}:${e.change.type}`);
