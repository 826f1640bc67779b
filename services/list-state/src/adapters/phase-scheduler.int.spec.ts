import { ApplicationKind, ApplicationStatus, DeviceGroupingServiceService, GroupingFact, IntakeServiceService, PhaseRunStatus, type Application } from '@imei/contracts';
import { call, devToken, startGrpcServer, TokenTable, unary, type CallContext, type GrpcServer } from '@imei/grpc';
import { DomainError } from '@imei/errors';
import { createLogger } from '@imei/log';
import { waitFor } from '@imei/testing';
import { at, policy as unitPolicy } from '../domain/list-entry.test-helper';
import { parseListPolicy } from '../domain/list-policy';
import { startListStateHarness, type ListStateHarness } from '../list-state-harness.test-helper';
import { GrpcGroupingStatusSource, GrpcOpenApplicationSource } from './recheck-sources';

/**
 * device-grouping's and intake's re-check contracts, served for real on 127.0.0.1:0 by this test:
 * the grouping fact and the open application of each IMEI are what the test sets.
 */
class UpstreamFakes {
  readonly facts = new Map<string, GroupingFact>();
  readonly applications = new Map<string, ApplicationStatus>();
  /** FindOpenApplications answers this many calls, then fails UNAVAILABLE (intake down). */
  findsBeforeOutage = Infinity;
  private finds = 0;
  server!: GrpcServer;

  async start(): Promise<string> {
    const edge = { authenticator: TokenTable.dev(), logger: createLogger('upstream-fakes', 'silent') };
    const serviceOnly = (ctx: CallContext): void => ctx.require('service', 'officer');
    this.server = await startGrpcServer({
      address: '127.0.0.1:0',
      services: [
        {
          definition: DeviceGroupingServiceService,
          implementation: {
            getGroupingStatus: unary(async (request: { imeis: string[] }, ctx) => {
              serviceOnly(ctx);
              return {
                statuses: request.imeis.map((imei14) => ({
                  imei14, deviceId: '', fact: this.facts.get(imei14) ?? GroupingFact.GROUPING_FACT_UNSPECIFIED, applicationId: '', approvedAt: undefined, version: 0, occurredAt: undefined, detail: '',
                })),
              };
            }, edge),
          },
        },
        {
          definition: IntakeServiceService,
          implementation: {
            findOpenApplications: unary(async (request: { imeis: string[] }, ctx) => {
              serviceOnly(ctx);
              if (++this.finds > this.findsBeforeOutage) throw new DomainError('unavailable', 'intake is down');
              const applications: Application[] = request.imeis
                .filter((imei14) => this.applications.has(imei14))
                .map((imei14) => ({
                  applicationId: `app-${imei14}`, kind: ApplicationKind.APPLICATION_KIND_REGISTRATION, source: 0, submittedBy: 'individual:demo', deviceId: '', imei14s: [imei14],
                  ownerRef: '', model: '', documents: [], status: this.applications.get(imei14)!, decisionReason: '', decidedBy: '', receivedAt: undefined, decidedAt: undefined, version: 1, idempotencyKey: '',
                }));
              return { applications };
            }, edge),
          },
        },
      ],
    });
    return `127.0.0.1:${this.server.port}`;
  }
}

const token = devToken('service:list-state');
let serial = 0;
const nextImei = (): string => `356938${String(Date.now() % 1e6).padStart(6, '0')}${String(++serial).padStart(2, '0')}`;

async function harnessWithScheduler(guard: { maxShareOfGrey: number; maxCount: number }) {
  const fakes = new UpstreamFakes();
  const address = await fakes.start();
  const grouping = new GrpcGroupingStatusSource(address, token);
  const applications = new GrpcOpenApplicationSource(address, token);
  const policy = parseListPolicy({
    cutoffDate: unitPolicy.cutoffDate,
    phases: [{ id: 'phase-1', startDate: '2025-07-26', blockDate: '2025-08-18', cohort: { firstSeenBefore: '2025-05-01' } }],
    steadyStateFrom: '2025-09-15',
    guard,
  });
  const h = await startListStateHarness(at('2025-07-20'), { policy, recheck: { grouping, applications } });
  const stop = async (): Promise<void> => {
    await h.stop();
    grouping.close();
    applications.close();
    await fakes.server.stop(100);
  };
  return { h, fakes, stop };
}

/** Grey IMEIs first seen in phase-1's cohort, then the phase starts and schedules their block date. */
async function scheduledGrey(h: ListStateHarness, count: number): Promise<string[]> {
  const imeis = Array.from({ length: count }, nextImei);
  for (const imei of imeis) await h.observe(imei, at('2025-04-10'));
  for (const imei of imeis) await h.entry(imei, (e) => e.state === 'grey');
  h.clock.now = at('2025-07-26');
  const run = await waitFor('phase-1 start run done', async () => {
    const r = await h.app.scheduler!.tick();
    return r?.status === 'done' ? r : undefined;
  });
  expect(run).toMatchObject({ _id: 'run-2025-07-26', scheduled: count, candidates: 0 });
  for (const imei of imeis) await h.entry(imei, (e) => e.blockDate === '2025-08-18', 'scheduled block date');
  return imeis;
}

describe('phase scheduler over the real broker, FerretDB and gRPC re-check sources', () => {
  let env: Awaited<ReturnType<typeof harnessWithScheduler>> | undefined;
  afterEach(async () => {
    await env?.stop();
    env = undefined;
  });

  it('waits at the lag barrier, re-checks before blocking, spares a pending application and a just-confirmed sibling, resumes them later; an approval predating the block reverses it', async () => {
    env = await harnessWithScheduler({ maxShareOfGrey: 1, maxCount: 100 });
    const { h, fakes } = env;
    const [pending, sibling, blocked, registered] = await scheduledGrey(h, 4);
    fakes.applications.set(pending!, ApplicationStatus.APPLICATION_STATUS_RECEIVED);
    fakes.facts.set(sibling!, GroupingFact.GROUPING_FACT_SIBLING_CONFIRMED);

    // A registration fact published before the run starts, while the consumer is paused: the run waits.
    h.consumer.consumer.pause([{ topic: h.topics.groupingStatus.name }]);
    await h.fact(registered!, GroupingFact.GROUPING_FACT_REGISTERED, { deviceId: 'dev-reg' });
    h.clock.now = at('2025-08-18', 9);
    const waiting = await h.app.scheduler!.tick();
    expect(waiting).toMatchObject({ status: 'waiting', behind: [expect.stringContaining(h.topics.groupingStatus.name)] });
    const officer = h.client('officer:demo');
    expect(await call(officer, 'getPhaseRun', { runId: 'run-2025-08-18' })).toMatchObject({ status: PhaseRunStatus.PHASE_RUN_STATUS_WAITING_FOR_GROUPING_FACTS });
    expect(await h.entry(blocked!)).toMatchObject({ state: 'grey' });

    h.consumer.consumer.resume([{ topic: h.topics.groupingStatus.name }]);
    await h.entry(registered!, (e) => e.state === 'white', 'registration applied');
    const run = await waitFor('run past the barrier', async () => {
      const r = await h.app.scheduler!.tick();
      return r?.status === 'done' ? r : undefined;
    }, 30_000, 300);
    expect(run).toMatchObject({ candidates: 3, blocked: 1, spared: 2 });

    const black = await h.entry(blocked!, (e) => e.state === 'black', 'phase block');
    expect(black).toMatchObject({ reason: 'grace-expired', blockDate: '2025-08-18' });
    expect(black.recent.at(-1)).toMatchObject({ actor: 'scheduler:phase-1', note: expect.stringContaining('run run-2025-08-18') });
    expect(await h.entry(pending!)).toMatchObject({ state: 'grey' });
    expect(await h.entry(sibling!)).toMatchObject({ state: 'grey' });
    const answer = await call(officer, 'getPhaseRun', { runId: 'run-2025-08-18' });
    expect(answer).toMatchObject({ status: PhaseRunStatus.PHASE_RUN_STATUS_DONE, candidates: 3, blocked: 1, spared: 2 });
    expect(answer.sparedCandidates).toEqual(expect.arrayContaining([
      { imei14: pending, why: 'application pending a decision' },
      { imei14: sibling, why: 'device-grouping reports it verified (fact not yet applied)' },
    ]));

    // Re-evaluated by the next day's run: the application was rejected meanwhile, so it is blocked now.
    fakes.applications.delete(pending!);
    h.clock.now = at('2025-08-19', 9);
    const next = await waitFor('next run done', async () => {
      const r = await h.app.scheduler!.tick();
      return r?.status === 'done' ? r : undefined;
    }, 30_000, 300);
    expect(next).toMatchObject({ _id: 'run-2025-08-19', candidates: 2, blocked: 1, spared: 1 });
    await h.entry(pending!, (e) => e.state === 'black', 'blocked on re-evaluation');

    // An application approved before the block took effect, applied after it: reversed automatically.
    await h.fact(blocked!, GroupingFact.GROUPING_FACT_REGISTERED, { deviceId: 'dev-late', applicationId: 'app-late', approvedAt: new Date(at('2025-08-17')) });
    const reversed = await h.entry(blocked!, (e) => e.state === 'white', 'automatic reversal');
    expect(reversed).toMatchObject({ reason: 'registered', deviceId: 'dev-late', blockDate: null });
    const history = await call(officer, 'getHistory', { imei: blocked! });
    expect(history.records.at(-1)!.note).toContain('automatic reversal');
    expect((await h.changes(blocked!)).map((c) => c.version)).toEqual([1, 2, 3, 4]);
  });

  it('an interrupted run resumes at its cursor: a re-check source failing mid-run stops it, the next tick finishes it', async () => {
    env = await harnessWithScheduler({ maxShareOfGrey: 1, maxCount: 100 });
    const { h, fakes } = env;
    const imeis = await scheduledGrey(h, 5); // chunks of 2: three chunks
    h.clock.now = at('2025-08-18', 9);
    // intake answers the first chunk's re-check, then is down
    fakes.findsBeforeOutage = 1;
    await expect(h.app.scheduler!.tick()).rejects.toMatchObject({ code: 14 });
    const stopped = await h.app.runs.get('run-2025-08-18');
    expect(stopped).toMatchObject({ status: 'blocking', nextChunk: 1, blocked: 2, chunks: 3 });
    fakes.findsBeforeOutage = Infinity;
    expect(await h.app.scheduler!.tick()).toMatchObject({ status: 'done', nextChunk: 3, blocked: 5, spared: 0 });
    for (const imei of imeis) await h.entry(imei, (e) => e.state === 'black', 'blocked after the resume');
  });

  it('the mass-block guard refuses a run above its limit and records why; an officer override with a reason lets it proceed', async () => {
    env = await harnessWithScheduler({ maxShareOfGrey: 1, maxCount: 2 });
    const { h } = env;
    const imeis = await scheduledGrey(h, 3);
    h.clock.now = at('2025-08-18', 9);
    const refused = await waitFor('run refused', async () => {
      const r = await h.app.scheduler!.tick();
      return r?.status === 'refused' ? r : undefined;
    }, 30_000, 300);
    expect(refused).toMatchObject({ candidates: 3, blocked: 0, guardRefusal: '3 blocks exceed the limit of 2' });
    expect(await h.app.scheduler!.tick()).toMatchObject({ status: 'refused' });
    for (const imei of imeis) expect(await h.entry(imei)).toMatchObject({ state: 'grey' });

    await expect(call(h.client('operator:kcell'), 'overridePhaseRun', { runId: 'run-2025-08-18', reason: 'x' })).rejects.toMatchObject({ code: 7 });
    await expect(call(h.client('officer:demo'), 'overridePhaseRun', { runId: 'run-2025-08-18', reason: ' ' })).rejects.toMatchObject({ code: 3 });
    await expect(call(h.client('officer:demo'), 'overridePhaseRun', { runId: 'run-2025-07-26', reason: 'done already' })).rejects.toMatchObject({ code: 9 });
    const overridden = await call(h.client('officer:demo'), 'overridePhaseRun', { runId: 'run-2025-08-18', reason: 'ministry order 12: cohort verified' });
    expect(overridden).toMatchObject({ status: PhaseRunStatus.PHASE_RUN_STATUS_BLOCKING, overrideOfficer: 'officer:demo', guardRefusal: '3 blocks exceed the limit of 2' });

    expect(await h.app.scheduler!.tick()).toMatchObject({ status: 'done', blocked: 3 });
    for (const imei of imeis) {
      const black = await h.entry(imei, (e) => e.state === 'black', 'overridden block');
      expect(black.recent.at(-1)!.note).toContain('mass-block guard overridden by officer:demo: ministry order 12');
    }
  });
});
