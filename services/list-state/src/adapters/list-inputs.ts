import type { GroupingStatus, ListCommand, Observation } from '@imei/contracts';
import { PoisonRecordError } from '@imei/errors';
import type { ConsumedRecord } from '@imei/kafka';
import type { GuardVerdict, ListInput } from '../domain/list-input';
import { almatyDateOf } from '../domain/list-policy';
import { groupingFactName } from './list-enums';

/** An input for one entry, with the record's trace context and whether the key is malformed. */
export interface KeyedInput {
  imei14: string;
  malformed: boolean;
  input: ListInput;
  record: ConsumedRecord<unknown>;
}

/** The cause id of a record: `topic/partition/offset` (a replay carries the same). */
export function causeOf(record: ConsumedRecord<unknown>): string {
  return `${record.topic}/${record.partition}/${record.offset}`;
}

function requireKey(record: ConsumedRecord<unknown>, imei14: string): void {
  if (imei14 === '') throw new PoisonRecordError('invalid', `${causeOf(record)}: imei14 is empty`);
  if (record.key !== '' && record.key !== imei14) {
    throw new PoisonRecordError('invalid', `${causeOf(record)}: record key ${JSON.stringify(record.key)} differs from imei14 ${JSON.stringify(imei14)}`);
  }
}

export function observationInput(record: ConsumedRecord<Observation>): KeyedInput {
  const o = record.value;
  requireKey(record, o.imei14);
  const seenAtMs = o.seenAt?.getTime();
  if (seenAtMs === undefined || !Number.isFinite(seenAtMs)) throw new PoisonRecordError('invalid', `${causeOf(record)}: seen_at is missing`);
  return {
    imei14: o.imei14,
    malformed: o.malformed,
    record,
    input: { kind: 'observation', cause: causeOf(record), actor: o.operatorId ? `operator:${o.operatorId}` : 'network', seenAtMs, operatorId: o.operatorId, malformed: o.malformed },
  };
}

/** A grouping fact; clone suspicions get their guard verdict later (`withGuard`). */
export function groupingInput(record: ConsumedRecord<GroupingStatus>): KeyedInput {
  const g = record.value;
  requireKey(record, g.imei14);
  const fact = groupingFactName(g.fact);
  if (fact === undefined) throw new PoisonRecordError('invalid', `${causeOf(record)}: fact ${g.fact} is not a grouping fact`);
  return {
    imei14: g.imei14,
    malformed: false,
    record,
    input: {
      kind: 'grouping',
      cause: causeOf(record),
      actor: 'service:device-grouping',
      fact,
      deviceId: g.deviceId,
      applicationId: g.applicationId,
      approvedAtMs: g.approvedAt?.getTime() ?? null,
      detail: g.detail,
    },
  };
}

/** A phase run sends block commands only when it passed the guard or an officer overrode its refusal. */
function phaseBlockGuard(officer: string, reason: string): GuardVerdict {
  return officer === '' ? { kind: 'passed' } : { kind: 'overridden', officer, reason };
}

/** A keyed command; the command id is the cause, so a re-sent command is applied once. */
export function commandInput(record: ConsumedRecord<ListCommand>): KeyedInput {
  const c = record.value;
  requireKey(record, c.imei14);
  if (c.commandId === '') throw new PoisonRecordError('invalid', `${causeOf(record)}: command_id is empty`);
  const base = { cause: c.commandId, actor: c.actor || 'unknown' };
  const command = c.command;
  let input: ListInput;
  switch (command?.$case) {
    case 'officerBlock':
      input = { ...base, kind: 'officer-block', reasonText: command.officerBlock.reasonText };
      break;
    case 'officerUnblock':
      input = { ...base, kind: 'officer-unblock', reasonText: command.officerUnblock.reasonText };
      break;
    case 'phaseSchedule': {
      const at = command.phaseSchedule.blockDate?.getTime();
      if (at === undefined) throw new PoisonRecordError('invalid', `${causeOf(record)}: phase_schedule.block_date is missing`);
      input = { ...base, kind: 'phase-schedule', phaseId: command.phaseSchedule.phaseId, blockDate: almatyDateOf(at) };
      break;
    }
    case 'phaseBlock':
      input = { ...base, kind: 'phase-block', phaseId: command.phaseBlock.phaseId, runId: command.phaseBlock.runId, guard: phaseBlockGuard(command.phaseBlock.overrideOfficer, command.phaseBlock.overrideReason) };
      break;
    case 'eirQuery': {
      const seenAtMs = command.eirQuery.seenAt?.getTime();
      if (seenAtMs === undefined) throw new PoisonRecordError('invalid', `${causeOf(record)}: eir_query.seen_at is missing`);
      input = { ...base, kind: 'observation', seenAtMs, operatorId: '', malformed: !/^\d{14}$/.test(c.imei14) };
      break;
    }
    case undefined:
      throw new PoisonRecordError('invalid', `${causeOf(record)}: command is empty`);
    default: {
      const unknown: never = command;
      throw new PoisonRecordError('invalid', `${causeOf(record)}: unknown command ${JSON.stringify(unknown)}`);
    }
  }
  // An imei14 that is not 14 digits is a malformed key (design §2).
  return { imei14: c.imei14, malformed: !/^\d{14}$/.test(c.imei14), record, input };
}
