import { ApplicationStatus, DeviceGroupingServiceClient, GroupingFact, IntakeServiceClient } from '@imei/contracts';
import { call, createGrpcClient } from '@imei/grpc';

/** device-grouping's current view of an IMEI, as the re-check needs it. */
export type CurrentGrouping = 'none' | 'verified' | 'sibling-pending' | 'conflict' | 'clone-suspected';

/** device-grouping's current grouping status of a batch of IMEIs (the re-check right before a block). */
export interface GroupingStatusSource {
  current(imei14s: readonly string[]): Promise<Map<string, CurrentGrouping>>;
}

/** Pending (received) or approved applications in intake naming a batch of IMEIs. */
export interface OpenApplicationSource {
  open(imei14s: readonly string[]): Promise<Map<string, 'received' | 'approved'>>;
}

/** Both servers cap a batch at 10,000 IMEIs. */
export const RECHECK_BATCH_LIMIT = 10_000;

const verifiedFacts = new Set([
  GroupingFact.GROUPING_FACT_REGISTERED,
  GroupingFact.GROUPING_FACT_SIBLING_CONFIRMED,
  GroupingFact.GROUPING_FACT_UNBLOCKED_WITH_DOCUMENTS,
  GroupingFact.GROUPING_FACT_CONFLICT_RESOLVED,
  GroupingFact.GROUPING_FACT_GRANDFATHERED_DEVICE,
]);

export function currentGroupingOf(fact: GroupingFact): CurrentGrouping {
  if (verifiedFacts.has(fact)) return 'verified';
  if (fact === GroupingFact.GROUPING_FACT_SIBLING_PENDING) return 'sibling-pending';
  if (fact === GroupingFact.GROUPING_FACT_CONFLICT) return 'conflict';
  if (fact === GroupingFact.GROUPING_FACT_CLONE_SUSPECTED) return 'clone-suspected';
  return 'none';
}

function inBatches<T>(items: readonly string[], size: number, each: (batch: string[]) => Promise<T>): Promise<T[]> {
  const batches: string[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return Promise.all(batches.map(each));
}

/** `DeviceGroupingService.GetGroupingStatus` over gRPC (a read: retried on UNAVAILABLE). */
export class GrpcGroupingStatusSource implements GroupingStatusSource {
  private readonly client: DeviceGroupingServiceClient;

  constructor(address: string, token: string, deadlineMs = 10_000) {
    this.client = createGrpcClient(DeviceGroupingServiceClient, address, { token, deadlineMs, idempotentMethods: ['getGroupingStatus'] });
  }

  async current(imei14s: readonly string[]): Promise<Map<string, CurrentGrouping>> {
    const found = new Map<string, CurrentGrouping>();
    await inBatches(imei14s, RECHECK_BATCH_LIMIT, async (imeis) => {
      const { statuses } = await call(this.client, 'getGroupingStatus', { imeis });
      for (const s of statuses) found.set(s.imei14, currentGroupingOf(s.fact));
    });
    return found;
  }

  close(): void {
    this.client.close();
  }
}

/** `IntakeService.FindOpenApplications` over gRPC (a read: retried on UNAVAILABLE). */
export class GrpcOpenApplicationSource implements OpenApplicationSource {
  private readonly client: IntakeServiceClient;

  constructor(address: string, token: string, deadlineMs = 10_000) {
    this.client = createGrpcClient(IntakeServiceClient, address, { token, deadlineMs, idempotentMethods: ['findOpenApplications'] });
  }

  async open(imei14s: readonly string[]): Promise<Map<string, 'received' | 'approved'>> {
    const wanted = new Set(imei14s);
    const found = new Map<string, 'received' | 'approved'>();
    await inBatches(imei14s, RECHECK_BATCH_LIMIT, async (imeis) => {
      const { applications } = await call(this.client, 'findOpenApplications', { imeis });
      for (const application of applications) {
        const status = application.status === ApplicationStatus.APPLICATION_STATUS_APPROVED ? 'approved' : application.status === ApplicationStatus.APPLICATION_STATUS_RECEIVED ? 'received' : undefined;
        if (status === undefined) continue;
        for (const imei14 of application.imei14s) {
          // An approved application outranks a pending one: it says the IMEI is about to turn white.
          if (wanted.has(imei14) && found.get(imei14) !== 'approved') found.set(imei14, status);
        }
      }
    });
    return found;
  }

  close(): void {
    this.client.close();
  }
}
