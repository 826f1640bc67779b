import { GroupingFact, ListReason, ListState } from '@imei/contracts';
import { stateOfReason, type ListReasonName, type ListStateName } from '../domain/list-entry';
import type { GroupingFactName } from '../domain/list-input';

const stateToProto: Record<ListStateName, ListState> = {
  white: ListState.LIST_STATE_WHITE,
  grey: ListState.LIST_STATE_GREY,
  black: ListState.LIST_STATE_BLACK,
};

const reasonToProto: Record<ListReasonName, ListReason> = {
  unverified: ListReason.LIST_REASON_UNVERIFIED,
  'pending-sibling': ListReason.LIST_REASON_PENDING_SIBLING_CONFIRMATION,
  conflict: ListReason.LIST_REASON_CONFLICT,
  'grace-expired': ListReason.LIST_REASON_GRACE_EXPIRED,
  cloned: ListReason.LIST_REASON_CLONED,
  malformed: ListReason.LIST_REASON_MALFORMED,
  'officer-decision': ListReason.LIST_REASON_OFFICER_DECISION,
  registered: ListReason.LIST_REASON_REGISTERED,
  'sibling-confirmed': ListReason.LIST_REASON_SIBLING_CONFIRMED,
  grandfathered: ListReason.LIST_REASON_GRANDFATHERED,
  'unblocked-with-documents': ListReason.LIST_REASON_UNBLOCKED_WITH_DOCUMENTS,
  'officer-unblock': ListReason.LIST_REASON_OFFICER_UNBLOCK,
};

const factFromProto: Partial<Record<GroupingFact, GroupingFactName>> = {
  [GroupingFact.GROUPING_FACT_REGISTERED]: 'registered',
  [GroupingFact.GROUPING_FACT_SIBLING_PENDING]: 'sibling-pending',
  [GroupingFact.GROUPING_FACT_SIBLING_CONFIRMED]: 'sibling-confirmed',
  [GroupingFact.GROUPING_FACT_UNBLOCKED_WITH_DOCUMENTS]: 'unblocked-with-documents',
  [GroupingFact.GROUPING_FACT_CONFLICT]: 'conflict',
  [GroupingFact.GROUPING_FACT_CONFLICT_RESOLVED]: 'conflict-resolved',
  [GroupingFact.GROUPING_FACT_CLONE_SUSPECTED]: 'clone-suspected',
  [GroupingFact.GROUPING_FACT_GRANDFATHERED_DEVICE]: 'grandfathered-device',
};

export function listStateToProto(state: ListStateName | null): ListState {
  return state === null ? ListState.LIST_STATE_UNSPECIFIED : stateToProto[state];
}

export function listReasonToProto(reason: ListReasonName): ListReason {
  return reasonToProto[reason];
}

/** The domain name of a grouping fact; undefined for UNSPECIFIED or an unknown number. */
export function groupingFactName(fact: GroupingFact): GroupingFactName | undefined {
  return factFromProto[fact];
}

const reasonFromProto = new Map<ListReason, ListReasonName>(Object.entries(reasonToProto).map(([name, value]) => [value, name as ListReasonName]));

/** The domain reason (and its list) of a proto reason; undefined for UNSPECIFIED or an unknown number. */
export function listReasonOf(reason: ListReason): { state: ListStateName; reason: ListReasonName } | undefined {
  const name = reasonFromProto.get(reason);
  return name === undefined ? undefined : { state: stateOfReason(name), reason: name };
}
