import type { ApplicationSource, GroupingFact } from '@imei/contracts';
import type { TacModel } from './tac-model';

export type DeviceKindName = 'registered' | 'grandfathered';

/** Facts that link an IMEI to a device (GroupingStatus.fact while linked). */
export type LinkFact =
  | GroupingFact.GROUPING_FACT_REGISTERED
  | GroupingFact.GROUPING_FACT_UNBLOCKED_WITH_DOCUMENTS
  | GroupingFact.GROUPING_FACT_SIBLING_CONFIRMED
  | GroupingFact.GROUPING_FACT_CONFLICT_RESOLVED
  | GroupingFact.GROUPING_FACT_GRANDFATHERED_DEVICE;

/** Why a simplified application could not confirm an IMEI. */
export type RefusalCode = 'clone-suspected' | 'blacklisted' | 'linked-to-other-device' | 'device-full' | 'not-plausible';

/** One IMEI claimed by a second device: nothing is overwritten until an officer resolves it. */
export interface Conflict {
  conflictId: string;
  imei14: string;
  existingDeviceId: string;
  claimingDeviceId: string;
  applicationId: string;
  /** Approval time of the claiming application (becomes the link's when the claimant wins). */
  approvedAt: Date | undefined;
  detectedAt: Date;
  resolution?: { winnerDeviceId: string; resolvedBy: string; reason: string; at: Date };
}

/** What made an IMEI clone-suspected: distinct IMSIs (pseudonymised) on several operators at once. */
export interface CloneEvidence {
  distinctImsis: number;
  operatorIds: string[];
  windowMs: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

/** Changes to a device (its DeviceEvent on imei.device-events.v1). */
export type DeviceChange =
  | { type: 'registered'; kind: DeviceKindName; ownerRef: string; source: ApplicationSource; tac: TacModel | undefined; applicationId: string }
  | { type: 'imei-linked'; imei14: string; applicationId: string }
  | { type: 'sibling-pending'; imei14: string; evidence: string }
  | { type: 'sibling-confirmed'; imei14: string; applicationId: string }
  | { type: 'sibling-refused'; imei14: string; applicationId: string; code: RefusalCode; reason: string }
  | { type: 'conflict-detected'; conflict: Conflict }
  | { type: 'conflict-resolved'; conflict: Conflict }
  | { type: 'imei-unlinked'; imei14: string; conflictId: string; winnerDeviceId: string }
  | { type: 'clone-suspected'; imei14: string; evidence: CloneEvidence };

/** Changes to one IMEI's grouping record (its GroupingStatus on imei.grouping-status.v1). */
export type ImeiChange =
  | { type: 'linked'; deviceId: string; fact: LinkFact; applicationId: string; approvedAt: Date | undefined }
  | { type: 'sibling-pending'; deviceId: string; evidence: string }
  | { type: 'conflict-detected'; conflict: Conflict }
  | { type: 'conflict-resolved'; conflict: Conflict }
  | { type: 'clone-suspected'; evidence: CloneEvidence };

/**
 * A grouping event targets one entity (a device or an IMEI record), so that each entity can tell from
 * its own causes whether an input was already applied to it: the steps of one input are separate
 * document writes (no transactions), and a replay must redo exactly the missing ones.
 */
export type GroupingEvent =
  | { entity: 'device'; deviceId: string; cause: string; at: Date; change: DeviceChange }
  | { entity: 'imei'; imei14: string; cause: string; at: Date; change: ImeiChange };

export type DeviceEventOf = Extract<GroupingEvent, { entity: 'device' }>;
export type ImeiEventOf = Extract<GroupingEvent, { entity: 'imei' }>;
