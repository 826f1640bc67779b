import type { ListCommand, TopicSpec } from '@imei/contracts';
import { startOfAlmatyDay } from '@imei/imei-rules';
import type { TopicProducer } from '@imei/kafka';
import type { Logger } from '@imei/log';
import type { ListPolicy } from '../domain/list-policy';
import { almatyDateOf } from '../domain/list-policy';
import { guardVerdict } from '../domain/mass-block-guard';
import { partitionsBehind, recheck } from '../domain/phase-recheck';
import { phaseIdOf, runAction, runIdOf, runsFrom, type RunEntry } from '../domain/phase-run';
import type { ListEntryDocument, ListEntryStore } from './list-entry-store';
import type { LagProbe } from './lag-probe';
import type { PhaseRunDocument, PhaseRunStore } from './phase-run-store';
import type { GroupingStatusSource, OpenApplicationSource } from './recheck-sources';
import type { SchedulerLease } from './scheduler-lease';

export interface PhaseSchedulerDeps {
  store: ListEntryStore;
  runs: PhaseRunStore;
  lease: SchedulerLease;
  lag: LagProbe;
  grouping: GroupingStatusSource;
  applications: OpenApplicationSource;
  producer: TopicProducer;
  listCommands: TopicSpec<ListCommand>;
  /** Topic of the grouping facts the lag barrier waits for. */
  groupingStatusTopic: string;
  /** list-state's consumer group (the one that applies grouping facts). */
  consumerGroupId: string;
  /** Grey IMEIs now (the mass-block guard's share). */
  greyImeis: (now: number) => Promise<number>;
  policy: ListPolicy;
  clock: () => number;
  logger: Logger;
  /** Candidates per re-check batch (≤ 10,000, the gRPC servers' cap). Default 1000. */
  chunkSize?: number;
  /** Housekeeping on every tick while holding the lease (daily statistics snapshots). */
  onTick?: (now: number) => Promise<void>;
}

const sendBatch = 1000;
const entryProjection = { _id: 1, state: 1, reason: 1, firstSeenMs: 1, operators: 1, blockDate: 1, malformed: 1 } as const;

/**
 * The phase scheduler (issue 6). While it holds the lease, each tick runs or resumes today's run:
 * 1. lag barrier: waits until list-state's group committed every grouping fact published before the
 *    run started (end offsets captured at creation);
 * 2. collect: one pass over the grey entries sends a PhaseSchedule for each that a started phase now
 *    covers, and stores the due ones as candidate chunks;
 * 3. mass-block guard on the candidate count: a refusal is recorded and waits for an officer override;
 * 4. block, chunk by chunk from the stored cursor: re-check (own entry, device-grouping, intake) right
 *    before sending PhaseBlock commands for the candidates still due; the spared ones are recorded with
 *    why and come back in a later run.
 * Every write to an entry is a keyed command for the consumer that owns its partition; command ids
 * derive from the run and the IMEI, so a resumed run re-sends nothing twice in effect.
 */
export class PhaseScheduler {
  private readonly chunkSize: number;
  private running: Promise<PhaseRunDocument | undefined> | undefined;

  constructor(private readonly deps: PhaseSchedulerDeps) {
    this.chunkSize = Math.min(deps.chunkSize ?? 1000, 10_000);
  }

  /** One tick (ticks never overlap); resolves with today's run as it stands, undefined without the lease. */
  tick(): Promise<PhaseRunDocument | undefined> {
    this.running ??= this.runOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Resolves once the tick in flight (if any) ended. */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  /** Gives the lease up (orderly stop). */
  release(): Promise<void> {
    return this.deps.lease.release();
  }

  private async runOnce(): Promise<PhaseRunDocument | undefined> {
    const { deps } = this;
    const now = deps.clock();
    if (!(await deps.lease.acquire(now))) return undefined;
    // Housekeeping never holds up a phase run.
    await deps.onTick?.(now).catch((error: unknown) => deps.logger.warn({ err: error }, 'scheduler housekeeping failed'));
    const today = almatyDateOf(now);
    if (today < runsFrom(deps.policy)) return undefined;
    let run = await deps.runs.get(runIdOf(today));
    run ??= await deps.runs.create({
      _id: runIdOf(today), runDate: today, status: 'waiting', startedAtMs: now, finishedAtMs: null,
      groupingEnds: [...(await deps.lag.endOffsets(deps.groupingStatusTopic))].map(([partition, offset]) => ({ partition, offset })), behind: [],
      scheduled: 0, candidates: 0, chunks: 0, nextChunk: 0, blocked: 0, spared: 0, guardRefusal: '', override: null,
    });
    for (;;) {
      const before = run.status;
      run = await this.step(run, today);
      if (run.status === before && run.status !== 'blocking') return run;
      if (run.status === 'blocking' && !(await deps.lease.acquire(deps.clock()))) return run;
    }
  }

  private async step(run: PhaseRunDocument, today: string): Promise<PhaseRunDocument> {
    switch (run.status) {
      case 'waiting': {
        const committed = await this.deps.lag.committedOffsets(this.deps.consumerGroupId, this.deps.groupingStatusTopic);
        const behind = partitionsBehind(new Map(run.groupingEnds.map((e) => [e.partition, e.offset])), committed);
        return this.save(run, behind.length > 0 ? { behind } : { behind, status: 'collecting' });
      }
      case 'collecting':
        return this.collect(run, today);
      case 'refused':
        return run;
      case 'blocking':
        if (run.nextChunk >= run.chunks) return this.save(run, { status: 'done', finishedAtMs: this.deps.clock() });
        return this.blockChunk(run, today);
      case 'done':
        return run;
      default: {
        const unknown: never = run.status;
        throw new Error(`unknown run status ${String(unknown)}`);
      }
    }
  }

  /** One pass over the grey entries: schedules block dates, stores the due candidates in chunks, applies the guard. */
  private async collect(run: PhaseRunDocument, today: string): Promise<PhaseRunDocument> {
    const { deps } = this;
    let schedules: Array<{ key: string; value: ListCommand }> = [];
    let chunk: string[] = [];
    let chunks = 0;
    let candidates = 0;
    let scheduled = 0;
    const flushSchedules = async (): Promise<void> => {
      await deps.producer.send(deps.listCommands, schedules);
      schedules = [];
    };
    const cursor = deps.store.entries.find({ state: 'grey' }, { projection: entryProjection });
    for await (const doc of cursor) {
      const entry = runEntryOf(doc as unknown as ListEntryDocument);
      const action = runAction(deps.policy, entry, today);
      if (action.kind === 'schedule') {
        scheduled++;
        schedules.push({
          key: entry.imei14,
          value: command(`${run._id}/schedule/${entry.imei14}`, entry.imei14, `scheduler:${action.phaseId}`, deps.clock(), {
            $case: 'phaseSchedule',
            phaseSchedule: { phaseId: action.phaseId, blockDate: new Date(startOfAlmatyDay(action.blockDate)) },
          }),
        });
        if (schedules.length >= sendBatch) await flushSchedules();
      } else if (action.kind === 'candidate') {
        candidates++;
        chunk.push(entry.imei14);
        if (chunk.length >= this.chunkSize) {
          await deps.runs.putChunk(run._id, chunks++, chunk);
          chunk = [];
        }
      }
    }
    await flushSchedules();
    if (chunk.length > 0) await deps.runs.putChunk(run._id, chunks++, chunk);
    const verdict = guardVerdict(deps.policy.guard, candidates, await deps.greyImeis(deps.clock()));
    const refused = verdict.kind === 'refused' && run.override === null;
    if (refused) deps.logger.warn({ runId: run._id, candidates, why: verdict.why }, 'phase run refused by the mass-block guard: needs an officer override');
    return this.save(run, {
      scheduled, candidates, chunks, nextChunk: 0, blocked: 0, spared: 0,
      status: refused ? 'refused' : 'blocking',
      guardRefusal: verdict.kind === 'refused' ? verdict.why : '',
    });
  }

  /** Re-checks one chunk of candidates right before blocking and sends PhaseBlock commands for the others. */
  private async blockChunk(run: PhaseRunDocument, today: string): Promise<PhaseRunDocument> {
    const { deps } = this;
    const n = run.nextChunk;
    const imei14s = (await deps.runs.chunk(run._id, n))?.imei14s ?? [];
    const loaded = await deps.store.load(imei14s);
    // Only what is still due by list-state's own latest state is asked about upstream.
    const due = imei14s.filter((id) => {
      const e = loaded.get(id)?.entry;
      return e !== undefined && e.state === 'grey' && e.reason !== 'conflict' && e.blockDate !== null && e.blockDate <= today;
    });
    const [grouping, applications] = due.length > 0 ? await Promise.all([deps.grouping.current(due), deps.applications.open(due)]) : [new Map(), new Map()];
    const spared: Array<{ imei14: string; why: string }> = [];
    const blocks: Array<{ key: string; value: ListCommand }> = [];
    for (const imei14 of imei14s) {
      const entry = loaded.get(imei14)?.entry;
      if (entry === undefined) {
        spared.push({ imei14, why: 'entry not found' });
        continue;
      }
      const current = grouping.get(imei14) ?? 'none';
      const verdict = recheck(
        {
          state: entry.state, reason: entry.reason, blockDate: entry.blockDate,
          grouped: current === 'verified', siblingPending: current === 'sibling-pending', groupingConflict: current === 'conflict',
          openApplication: applications.get(imei14) ?? 'none',
        },
        today,
      );
      if (verdict.kind === 'spare') {
        spared.push({ imei14, why: verdict.why });
        continue;
      }
      const phaseId = phaseIdOf(deps.policy, entry, today);
      blocks.push({
        key: imei14,
        value: command(`${run._id}/block/${imei14}`, imei14, `scheduler:${phaseId}`, deps.clock(), {
          $case: 'phaseBlock',
          phaseBlock: { phaseId, runId: run._id, overrideOfficer: run.override?.officer ?? '', overrideReason: run.override?.reason ?? '' },
        }),
      });
    }
    for (let i = 0; i < blocks.length; i += sendBatch) await deps.producer.send(deps.listCommands, blocks.slice(i, i + sendBatch));
    await deps.runs.setSpared(run._id, n, spared);
    return this.save(run, { nextChunk: n + 1, blocked: run.blocked + blocks.length, spared: run.spared + spared.length });
  }

  private async save(run: PhaseRunDocument, fields: Partial<PhaseRunDocument>): Promise<PhaseRunDocument> {
    await this.deps.runs.update(run._id, fields);
    return { ...run, ...fields };
  }
}

function runEntryOf(doc: ListEntryDocument & { _id: string }): RunEntry {
  return { imei14: doc._id, state: doc.state, reason: doc.reason, firstSeenMs: doc.firstSeenMs ?? null, operators: doc.operators ?? [], blockDate: doc.blockDate ?? null, malformed: doc.malformed ?? false };
}

function command(commandId: string, imei14: string, actor: string, now: number, body: ListCommand['command']): ListCommand {
  return { commandId, imei14, actor, issuedAt: new Date(now), command: body };
}
