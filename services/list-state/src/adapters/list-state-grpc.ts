import { randomUUID } from 'node:crypto';
import { ListStateServiceService, type ListCommand, type StateCount, type TopicSpec } from '@imei/contracts';
import { DomainError } from '@imei/errors';
import { implement, type CallContext, type EdgeOptions } from '@imei/grpc';
import { normaliseObservedImei } from '@imei/imei-rules';
import type { TopicProducer } from '@imei/kafka';
import { blackReasons, greyReasons, whiteReasons, stateOfReason, type ListReasonName } from '../domain/list-entry';
import type { EntryReader } from './entry-reader';
import { listReasonToProto, listStateToProto } from './list-enums';
import type { ListEntryStore } from './list-entry-store';
import type { ListStatisticsStore } from './list-statistics-store';

export interface ListStateGrpcDeps {
  reader: EntryReader;
  store: ListEntryStore;
  statistics: ListStatisticsStore;
  producer: TopicProducer;
  listCommandsTopic: TopicSpec<ListCommand>;
  clock: () => number;
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
      checkImei: async (request) => (await deps.reader.check([request.imei]))[0]!,
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
      getStatistics: async () => {
        const totals = await deps.statistics.totals();
        const counts: StateCount[] = [];
        for (const reason of [...whiteReasons, ...greyReasons, ...blackReasons] as ListReasonName[]) {
          const state = stateOfReason(reason);
          const imeis = totals.get(`reason.${state}.${reason}`) ?? 0;
          if (imeis > 0) counts.push({ state: listStateToProto(state), reason: listReasonToProto(reason), imeis, devices: 0 });
        }
        return { counts, mixedDevices: 0, asOf: new Date(deps.clock()) };
      },
      blockImei: (request, ctx) => officerCommand(request, ctx, { $case: 'officerBlock', officerBlock: { reasonText: request.reason } }),
      unblockImei: (request, ctx) => officerCommand(request, ctx, { $case: 'officerUnblock', officerUnblock: { reasonText: request.reason } }),
    },
    edge,
  );
}
