import { randomUUID } from 'node:crypto';
import { ListReason, ListStateServiceService, PhaseRunStatus, type ListCommand, type OperatorCount, type PhaseRun, type StateCount, type Statistics, type TopicSpec } from '@imei/contracts';
import { DomainError } from '@imei/errors';
import { implement, type CallContext, type EdgeOptions } from '@imei/grpc';
import { normaliseObservedImei } from '@imei/imei-rules';
import type { TopicProducer } from '@imei/kafka';
import { blackReasons, greyReasons, whiteReasons, stateOfReason, type ListReasonName, type ListStateName } from '../domain/list-entry';
import type { EntryReader } from './entry-reader';
import { listReasonToProto, listStateToProto } from './list-enums';
import type { ListEntryStore } from './list-entry-store';
import type { ListStatisticsStore } from './list-statistics-store';
import type { PhaseRunDocument, PhaseRunStatusName, PhaseRunStore } from './phase-run-store';

export interface ListStateGrpcDeps {
  reader: EntryReader;
  store: ListEntryStore;
  statistics: ListStatisticsStore;
  producer: TopicProducer;
  listCommandsTopic: TopicSpec<ListCommand>;
  runs: PhaseRunStore;
  clock: () => number;
}

const runStatus: Record<PhaseRunStatusName, PhaseRunStatus> = {
  waiting: PhaseRunStatus.PHASE_RUN_STATUS_WAITING_FOR_GROUPING_FACTS,
  collecting: PhaseRunStatus.PHASE_RUN_STATUS_COLLECTING,
  refused: PhaseRunStatus.PHASE_RUN_STATUS_REFUSED_BY_GUARD,
  blocking: PhaseRunStatus.PHASE_RUN_STATUS_BLOCKING,
  done: PhaseRunStatus.PHASE_RUN_STATUS_DONE,
};

/** Spared candidates listed in a PhaseRun answer (all are kept with the run). */
const MAX_LISTED_SPARED = 1000;

async function phaseRunMessage(runs: PhaseRunStore, run: PhaseRunDocument): Promise<PhaseRun> {
  return {
    runId: run._id,
    runDate: run.runDate,
    status: runStatus[run.status],
    scheduled: run.scheduled,
    candidates: run.candidates,
    blocked: run.blocked,
    spared: run.spared,
    guardRefusal: run.guardRefusal,
    overrideOfficer: run.override?.officer ?? '',
    overrideReason: run.override?.reason ?? '',
    partitionsBehind: run.behind,
    startedAt: new Date(run.startedAtMs),
    finishedAt: run.finishedAtMs === null ? undefined : new Date(run.finishedAtMs),
    sparedCandidates: await runs.spared(run, MAX_LISTED_SPARED),
  };
}

/** Most IMEIs one CheckImeis call may ask about. */
export const MAX_CHECK_IMEIS = 10_000;

function keyOf(field: string, raw: string): string {
  const key = normaliseObservedImei(raw);
  if (key.imei14 === '') throw DomainError.invalid([DomainError.violation(field, raw, 'an IMEI is required (15 digits, or 14, or a 16-digit IMEISV).')]);
  return key.imei14;
}

/**
 * The ListStateService handlers: checks, history and statistics read the store; officer calls never
 * write an entry — they publish a keyed ListCommand for the consumer that owns its partition.
 */
export function listStateService(deps: ListStateGrpcDeps, edge: EdgeOptions) {
  const officerCommand = async (request: { imei: string; reason: string }, ctx: CallContext, command: ListCommand['command']) => {
    ctx.require('officer');
    const imei14 = keyOf('imei', request.imei);
    if (request.reason.trim() === '') throw DomainError.invalid([DomainError.violation('reason', request.reason, 'an officer block or unblock needs a reason.')]);
    const commandId = `officer-${randomUUID()}`;
    await deps.producer.send(deps.listCommandsTopic, [
      { key: imei14, value: { commandId, imei14, actor: ctx.identity.principal, issuedAt: new Date(deps.clock()), command } },
    ]);
    return { commandId, imei14 };
  };

  return implement(
    ListStateServiceService,
    {
      checkImei: (request) => deps.reader.checkOne(request.imei),
      checkImeis: async (request) => {
        if (request.imeis.length > MAX_CHECK_IMEIS) {
          throw DomainError.invalid([DomainError.violation('imeis', String(request.imeis.length), `at most ${MAX_CHECK_IMEIS} IMEIs per call.`)]);
        }
        return { statuses: await deps.reader.check(request.imeis) };
      },
      getHistory: async (request) => {
        const imei14 = keyOf('imei', request.imei);
        const entry = (await deps.reader.entries([imei14])).get(imei14);
        if (!entry) throw new DomainError('not-found', `IMEI ${JSON.stringify(request.imei)} is not known to the registry`);
        const records = await deps.store.history(imei14, entry.version);
        return {
          imei14,
          records: records.map((r) => ({
            from: listStateToProto(r.from),
            to: listStateToProto(r.to),
            reason: listReasonToProto(r.reason),
            cause: r.cause,
            actor: r.actor,
            at: new Date(r.at),
            version: r.version,
            note: r.note,
          })),
        };
      },
      getStatistics: async (request) => {
        if (request.date !== '') {
          if (!/^\d{4}-\d{2}-\d{2}$/.test(request.date)) throw DomainError.invalid([DomainError.violation('date', request.date, 'an Almaty date YYYY-MM-DD, or empty for the current counts.')]);
          const snapshot = await deps.statistics.snapshotOf(request.date);
          if (!snapshot) throw new DomainError('not-found', `no statistics snapshot for ${request.date}`);
          return statisticsMessage(snapshot.totals, snapshot.at, request.date);
        }
        return statisticsMessage(await deps.statistics.totals(), deps.clock(), '');
      },
      blockImei: (request, ctx) => officerCommand(request, ctx, { $case: 'officerBlock', officerBlock: { reasonText: request.reason } }),
      unblockImei: (request, ctx) => officerCommand(request, ctx, { $case: 'officerUnblock', officerUnblock: { reasonText: request.reason } }),
      getPhaseRun: async (request, ctx) => {
        ctx.require('officer', 'service');
        const run = await deps.runs.get(request.runId);
        if (!run) throw new DomainError('not-found', `phase run ${JSON.stringify(request.runId)} does not exist`);
        return phaseRunMessage(deps.runs, run);
      },
      overridePhaseRun: async (request, ctx) => {
        ctx.require('officer');
        if (request.reason.trim() === '') throw DomainError.invalid([DomainError.violation('reason', request.reason, 'an override of the mass-block guard needs a reason.')]);
        const run = await deps.runs.get(request.runId);
        if (!run) throw new DomainError('not-found', `phase run ${JSON.stringify(request.runId)} does not exist`);
        if (!(await deps.runs.override(request.runId, ctx.identity.principal, request.reason))) {
          throw new DomainError('failed-precondition', `phase run ${request.runId} is ${run.status}: only a run refused by the mass-block guard can be overridden`);
        }
        return phaseRunMessage(deps.runs, (await deps.runs.get(request.runId))!);
      },
    },
    edge,
  );
}

const states: ListStateName[] = ['white', 'grey', 'black'];

/** The Statistics answer from flat counters (see ListStatisticsStore). */
export function statisticsMessage(totals: ReadonlyMap<string, number>, asOf: number, snapshotDate: string): Statistics {
  const counts: StateCount[] = [];
  for (const reason of [...whiteReasons, ...greyReasons, ...blackReasons] as ListReasonName[]) {
    const state = stateOfReason(reason);
    const imeis = totals.get(`reason.${state}.${reason}`) ?? 0;
    const devices = totals.get(`devices.reason.${state}.${reason}`) ?? 0;
    if (imeis > 0 || devices > 0) counts.push({ state: listStateToProto(state), reason: listReasonToProto(reason), imeis, devices });
  }
  const stateTotals = states.map((state) => ({
    state: listStateToProto(state),
    reason: ListReason.LIST_REASON_UNSPECIFIED,
    imeis: totals.get(`state.${state}`) ?? 0,
    devices: totals.get(`devices.state.${state}`) ?? 0,
  }));
  const operators: OperatorCount[] = [];
  for (const [name, imeis] of totals) {
    const m = /^operator\.(.+)\.(white|grey|black)$/.exec(name);
    if (m && imeis > 0) operators.push({ operatorId: m[1]!, state: listStateToProto(m[2] as ListStateName), imeis });
  }
  operators.sort((a, b) => a.operatorId.localeCompare(b.operatorId) || a.state - b.state);
  return { counts, stateTotals, operators, mixedDevices: totals.get('devices.mixed') ?? 0, asOf: new Date(asOf), snapshotDate };
}
