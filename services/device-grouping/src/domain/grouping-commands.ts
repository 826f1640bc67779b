import type { Application, ListReason } from '@imei/contracts';
import type { DeviceState } from './device';
import type { CloneEvidence } from './grouping-events';
import type { GroupingPolicy } from './grouping-policy';
import type { ImeiRecord } from './imei-record';
import type { TacLookup } from './tac-model';

/** What device-grouping is asked to do; every command is replayable (its effects carry its cause). */
export type GroupingCommand =
  /** An approved registration or unblock-with-documents application: create or extend the device. */
  | { type: 'register'; application: Application }
  /** An approved simplified application: confirm its IMEIs as siblings of the device it names. */
  | { type: 'confirm-sibling'; application: Application }
  /** A phone list-state grandfathered (white/grandfathered): an implicit device for the IMEI. */
  | { type: 'grandfather'; imei14: string }
  /** Inference found `imei14` used by a subscriber of `deviceId`'s IMEIs: ask for confirmation. */
  | { type: 'mark-pending'; deviceId: string; imei14: string; evidence: string }
  /** Observations show the IMEI on several IMSIs and networks at once. */
  | { type: 'flag-clone'; imei14: string; evidence: CloneEvidence }
  /** An officer decides which device an IMEI in conflict belongs to. */
  | { type: 'resolve-conflict'; imei14: string; conflictId: string; winnerDeviceId: string; officer: string; reason: string };

/** What a decision may look at: the entities the command touches, as loaded, plus reference data. */
export interface GroupingView {
  devices: ReadonlyMap<string, DeviceState>;
  imeis: ReadonlyMap<string, ImeiRecord>;
  /** Reason of each black IMEI as last seen on imei.list-changes.v1 (absent: not black). */
  blackReasons: ReadonlyMap<string, ListReason>;
  tac: TacLookup;
  policy: GroupingPolicy;
}
