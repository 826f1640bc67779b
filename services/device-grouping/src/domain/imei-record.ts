import { GroupingFact } from '@imei/contracts';
import { withCause } from './causes';
import type { CloneEvidence, Conflict, ImeiEventOf, LinkFact } from './grouping-events';

/** The device an IMEI belongs to (at most one: the record's `_id` is the imei14) and how it got there. */
export interface ImeiLink {
  deviceId: string;
  fact: LinkFact;
  applicationId: string;
  approvedAt: Date | undefined;
}

/** One IMEI's grouping record: its link, the devices it is a pending sibling of, conflicts, clone flag. */
export interface ImeiRecord {
  imei14: string;
  link: ImeiLink | undefined;
  pendingFor: { deviceId: string; evidence: string; since: Date }[];
  conflicts: Conflict[];
  clone: CloneEvidence | undefined;
  /** When the last change happened (GroupingStatus.occurred_at). */
  changedAt: Date;
  /** What the last change was, in words (GroupingStatus.detail). */
  detail: string;
  version: number;
  causes: string[];
}

/** The current grouping status of an IMEI: what list-state consumes and its re-check asks for. */
export interface CurrentGrouping {
  deviceId: string;
  fact: GroupingFact;
  applicationId: string;
  approvedAt: Date | undefined;
}

export const openConflicts = (record: ImeiRecord): Conflict[] => record.conflicts.filter((c) => c.resolution === undefined);

/**
 * The status that matters most for blocking decides: a clone suspicion, then an open conflict (claims
 * disagree), then the link (registered, confirmed, unblocked, resolved, grandfathered), then a pending
 * sibling confirmation; an IMEI the registry knows nothing about has GROUPING_FACT_UNSPECIFIED. The
 * link's device and application are kept whatever the fact, so a re-check still sees the approval.
 */
export function currentGroupingOf(record: ImeiRecord | undefined): CurrentGrouping {
  if (record === undefined) return { deviceId: '', fact: GroupingFact.GROUPING_FACT_UNSPECIFIED, applicationId: '', approvedAt: undefined };
  const link = record.link;
  const linked = { deviceId: link?.deviceId ?? '', applicationId: link?.applicationId ?? '', approvedAt: link?.approvedAt };
  if (record.clone !== undefined) return { ...linked, fact: GroupingFact.GROUPING_FACT_CLONE_SUSPECTED };
  const open = openConflicts(record);
  if (open.length > 0) return { ...linked, deviceId: link?.deviceId ?? open[0]!.existingDeviceId, fact: GroupingFact.GROUPING_FACT_CONFLICT };
  if (link !== undefined) return { ...linked, fact: link.fact };
  const pending = record.pendingFor[0];
  if (pending !== undefined) return { deviceId: pending.deviceId, fact: GroupingFact.GROUPING_FACT_SIBLING_PENDING, applicationId: '', approvedAt: undefined };
  return { ...linked, fact: GroupingFact.GROUPING_FACT_UNSPECIFIED };
}

function emptyRecord(imei14: string, at: Date): ImeiRecord {
  return { imei14, link: undefined, pendingFor: [], conflicts: [], clone: undefined, changedAt: at, detail: '', version: 0, causes: [] };
}

const replaceConflict = (conflicts: readonly Conflict[], conflict: Conflict): Conflict[] =>
  conflicts.some((c) => c.conflictId === conflict.conflictId) ? conflicts.map((c) => (c.conflictId === conflict.conflictId ? conflict : c)) : [...conflicts, conflict];

/** Applies one IMEI event (pure). The version is not touched: the adapter stores a change at version + 1. */
export function evolveImei(state: ImeiRecord | undefined, event: ImeiEventOf): ImeiRecord {
  const base = state ?? emptyRecord(event.imei14, event.at);
  const next: ImeiRecord = { ...base, causes: withCause(base.causes, event.cause), changedAt: event.at };
  const { change } = event;
  switch (change.type) {
    case 'linked':
      return {
        ...next,
        link: { deviceId: change.deviceId, fact: change.fact, applicationId: change.applicationId, approvedAt: change.approvedAt },
        pendingFor: [],
        detail: `linked to ${change.deviceId}: ${GroupingFact[change.fact]}`,
      };
    case 'sibling-pending':
      if (base.pendingFor.some((p) => p.deviceId === change.deviceId)) return next;
      return { ...next, pendingFor: [...base.pendingFor, { deviceId: change.deviceId, evidence: change.evidence, since: event.at }], detail: `pending sibling of ${change.deviceId}: ${change.evidence}` };
    case 'conflict-detected':
      return { ...next, conflicts: replaceConflict(base.conflicts, change.conflict), detail: `conflict ${change.conflict.conflictId}: claimed by ${change.conflict.claimingDeviceId}, linked to ${change.conflict.existingDeviceId}` };
    case 'conflict-resolved': {
      const { conflict } = change;
      const winner = conflict.resolution!.winnerDeviceId;
      const claimantWon = winner === conflict.claimingDeviceId;
      const link: ImeiLink = claimantWon
        ? { deviceId: winner, fact: GroupingFact.GROUPING_FACT_CONFLICT_RESOLVED, applicationId: conflict.applicationId, approvedAt: conflict.approvedAt }
        : { ...(base.link ?? { deviceId: winner, applicationId: '', approvedAt: undefined }), fact: GroupingFact.GROUPING_FACT_CONFLICT_RESOLVED };
      return { ...next, link, conflicts: replaceConflict(base.conflicts, conflict), detail: `conflict ${conflict.conflictId} resolved for ${winner}` };
    }
    case 'clone-suspected':
      return { ...next, clone: change.evidence, detail: `clone suspected: ${change.evidence.distinctImsis} IMSIs on ${change.evidence.operatorIds.join(', ')} within ${change.evidence.windowMs} ms` };
    default: {
      const unknown: never = change;
      throw new Error(`unknown imei change ${JSON.stringify(unknown)}`);
    }
  }
}
