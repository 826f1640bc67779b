import { RECENT_AUDIT_RECORDS, type AuditRecord, type ListEntry } from './list-entry';
import type { ListEvent } from './list-events';

/** Applies one event to an entry (pure). `listed` grows the version by one and appends its audit record. */
export function evolve(entry: ListEntry, event: ListEvent): ListEntry {
  switch (event.type) {
    case 'seen': {
      const firstSeenMs = entry.firstSeenMs === null || event.seenAtMs < entry.firstSeenMs ? event.seenAtMs : entry.firstSeenMs;
      const lastSeenDay = entry.lastSeenDay === null || event.day > entry.lastSeenDay ? event.day : entry.lastSeenDay;
      const operators = event.operatorId === '' || entry.operators.includes(event.operatorId) ? entry.operators : [...entry.operators, event.operatorId].sort();
      return { ...entry, firstSeenMs, lastSeenDay, operators };
    }
    case 'listed': {
      const version = entry.version + 1;
      const record: AuditRecord = {
        version,
        from: entry.version === 0 ? null : entry.state,
        to: event.to,
        reason: event.reason,
        cause: event.cause,
        actor: event.actor,
        at: event.at,
        note: event.note,
      };
      return {
        ...entry,
        state: event.to,
        reason: event.reason,
        blockDate: event.blockDate,
        blockedAtMs: event.blockedAtMs,
        deviceId: event.deviceId,
        cloneSuspected: event.cloneSuspected,
        version,
        recent: [...entry.recent, record].slice(-RECENT_AUDIT_RECORDS),
      };
    }
    case 'refused':
      return entry;
    default: {
      const unknown: never = event;
      throw new Error(`unhandled list event ${JSON.stringify(unknown)}`);
    }
  }
}

/** Folds events over an entry. */
export function evolveAll(entry: ListEntry, events: readonly ListEvent[]): ListEntry {
  return events.reduce(evolve, entry);
}
