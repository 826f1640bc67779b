import { GroupingFact, ListReason, ListState } from '@imei/contracts';
import { call } from '@imei/grpc';
import { waitFor } from '@imei/testing';
import { at } from '../domain/list-entry.test-helper';
import { startListStateHarness, type ListStateHarness } from '../list-state-harness.test-helper';

let h: ListStateHarness;
let serial = 0;
/** A fresh well-formed imei14 per test. */
const nextImei = (): string => `356938${String(Date.now() % 1e6).padStart(6, '0')}${String(++serial).padStart(2, '0')}`;

beforeAll(async () => {
  h = await startListStateHarness(at('2025-06-10'));
});
afterAll(async () => {
  await h?.stop();
});

describe('list-state consumer over the real broker and FerretDB', () => {
  it('grey on first sight, white on a registration fact, history and list changes at versions 1 and 2', async () => {
    const imei = nextImei();
    await h.observe(imei, at('2025-06-01'));
    const grey = await h.entry(imei);
    expect(grey).toMatchObject({ state: 'grey', reason: 'unverified', version: 1, operators: ['kcell'] });
    await h.fact(imei, GroupingFact.GROUPING_FACT_REGISTERED, { deviceId: 'dev-42', applicationId: 'app-42' });
    const white = await h.entry(imei, (e) => e.version === 2, 'registration');
    expect(white).toMatchObject({ state: 'white', reason: 'registered', deviceId: 'dev-42' });

    const changes = await h.changes(imei);
    expect(changes.map((c) => [c.version, c.state, c.reason])).toEqual([
      [1, ListState.LIST_STATE_GREY, ListReason.LIST_REASON_UNVERIFIED],
      [2, ListState.LIST_STATE_WHITE, ListReason.LIST_REASON_REGISTERED],
    ]);
    expect(changes[1]).toMatchObject({ deviceId: 'dev-42', previousState: ListState.LIST_STATE_GREY, imei: expect.stringMatching(/^\d{15}$/) });

    const history = await call(h.client('officer:demo'), 'getHistory', { imei: `${imei}0` });
    expect(history.records.map((r) => [r.version, r.from, r.to, r.actor])).toEqual([
      [1, ListState.LIST_STATE_UNSPECIFIED, ListState.LIST_STATE_GREY, 'operator:kcell'],
      [2, ListState.LIST_STATE_GREY, ListState.LIST_STATE_WHITE, 'service:device-grouping'],
    ]);
    expect(history.records[1]!.note).toContain('app-42');
  });

  it('a pending sibling never downgrades a white entry', async () => {
    const imei = nextImei();
    await h.fact(imei, GroupingFact.GROUPING_FACT_REGISTERED);
    await h.entry(imei, (e) => e.state === 'white');
    await h.fact(imei, GroupingFact.GROUPING_FACT_SIBLING_PENDING, { deviceId: 'dev-other' });
    const marker = nextImei();
    await h.fact(marker, GroupingFact.GROUPING_FACT_SIBLING_PENDING);
    await h.entry(marker); // facts are processed in order per partition; wait until a later one landed
    await waitFor('the pending fact processed', () => h.outcomes.some((o) => o.refusals.some((r) => r.imei14 === imei && r.why.includes('never downgrades'))));
    expect((await h.entry(imei))).toMatchObject({ state: 'white', reason: 'registered', version: 1 });
    expect(await h.changes(imei)).toHaveLength(1);
  });

  it('grandfathers on first sight before the cutoff, and by a late back-filled observation (grey → white, audited)', async () => {
    const old = nextImei();
    await h.observe(old, at('2025-02-01'));
    expect(await h.entry(old)).toMatchObject({ state: 'white', reason: 'grandfathered' });

    const late = nextImei();
    await h.observe(late, at('2025-06-01'));
    await h.entry(late, (e) => e.state === 'grey');
    await h.observe(late, at('2025-02-15'), 'beeline');
    const white = await h.entry(late, (e) => e.version === 2, 'back-fill');
    expect(white).toMatchObject({ state: 'white', reason: 'grandfathered', firstSeenMs: at('2025-02-15'), operators: ['beeline', 'kcell'] });
    const history = await call(h.client('officer:demo'), 'getHistory', { imei: late });
    expect(history.records[1]).toMatchObject({ from: ListState.LIST_STATE_GREY, to: ListState.LIST_STATE_WHITE, reason: ListReason.LIST_REASON_GRANDFATHERED });
    expect(history.records[1]!.note).toContain('late back-filled observation');
  });

  it('a known IMEI seen again writes last seen without a version and publishes nothing', async () => {
    const imei = nextImei();
    await h.observe(imei, at('2025-06-01'));
    const first = await h.entry(imei);
    await h.observe(imei, at('2025-06-05'), 'tele2-altel');
    const seen = await h.entry(imei, (e) => e.operators.length === 2, 'second operator');
    expect(seen.version).toBe(1);
    expect(seen.lastSeenDay).toBeGreaterThan(first.lastSeenDay!);
    expect(await h.changes(imei)).toHaveLength(1);
  });

  it('a stored IMEI the cache forgot is inserted as new, found stored, read and decided again: no second version 1', async () => {
    const imei = nextImei();
    await h.observe(imei, at('2025-06-01'));
    const first = await h.entry(imei);
    // The batch remembers its entries in the cache after its other writes: wait for that before
    // forgetting, or the batch's last step re-teaches the cache after the clear.
    await waitFor('the first sighting remembered', () => h.app.cache.knows(imei));
    // A member that just took the partition over: empty cache, and a read model that does not help.
    h.app.cache.clear();
    h.app.feed!.ready = false;
    try {
      const wrongBefore = h.outcomes.reduce((n, o) => n + o.guessedStored, 0);
      await h.observe(imei, at('2025-06-05'), 'tele2-altel');
      const seen = await h.entry(imei, (e) => e.operators.length === 2, 'second operator');
      expect(seen).toMatchObject({ version: 1, firstSeenMs: first.firstSeenMs, state: 'grey' });
      expect(seen.lastSeenDay).toBeGreaterThan(first.lastSeenDay!);
      // The batch's outcome is reported after its writes, so the entry can be read before it lands.
      await waitFor('the wrong guess counted', () => h.outcomes.reduce((n, o) => n + o.guessedStored, 0) >= wrongBefore + 1);
      expect(h.outcomes.reduce((n, o) => n + o.guessedStored, 0)).toBe(wrongBefore + 1);
    } finally {
      h.app.feed!.ready = true;
    }
    expect(await h.changes(imei)).toHaveLength(1);
    const history = await call(h.client('officer:demo'), 'getHistory', { imei });
    expect(history.records.map((r) => r.version)).toEqual([1]);
  });

  it('officer block and unblock via gRPC travel as keyed commands through the consumer', async () => {
    const imei = nextImei();
    await h.observe(imei, at('2025-06-01'));
    await h.entry(imei);
    const receipt = await call(h.client('officer:demo'), 'blockImei', { imei, reason: 'stolen: police report 17' });
    expect(receipt).toMatchObject({ imei14: imei, commandId: expect.stringMatching(/^officer-/) });
    expect(await h.entry(imei, (e) => e.state === 'black', 'officer block')).toMatchObject({ reason: 'officer-decision', blockDate: '2025-06-10' });
    await expect(call(h.client('operator:kcell'), 'blockImei', { imei, reason: 'x' })).rejects.toMatchObject({ code: 7 });
    await expect(call(h.client('officer:demo'), 'unblockImei', { imei, reason: ' ' })).rejects.toMatchObject({ code: 3 });
    await call(h.client('officer:demo'), 'unblockImei', { imei, reason: 'found by owner' });
    expect(await h.entry(imei, (e) => e.state === 'white', 'officer unblock')).toMatchObject({ reason: 'officer-unblock', version: 3 });
  });

  it('checks any input form, reports unknown IMEIs, and counts IMEIs per state and reason', async () => {
    const imei = nextImei();
    await h.observe(imei, at('2025-06-01'));
    await h.entry(imei);
    const client = h.client('operator:kcell');
    const single = await call(client, 'checkImei', { imei: `${imei}99` });
    expect(single).toMatchObject({ imei14: imei, known: true, state: ListState.LIST_STATE_GREY, reason: ListReason.LIST_REASON_UNVERIFIED, malformed: false });
    const batch = await call(client, 'checkImeis', { imeis: [imei, '99999999999999', 'ABC*'] });
    expect(batch.statuses.map((s) => [s.imei14, s.known, s.malformed])).toEqual([[imei, true, false], ['99999999999999', false, false], ['ABC*', false, true]]);
    const stats = await call(client, 'getStatistics', { date: '' });
    const grey = stats.counts.find((c) => c.state === ListState.LIST_STATE_GREY && c.reason === ListReason.LIST_REASON_UNVERIFIED);
    expect(grey?.imeis).toBeGreaterThanOrEqual(1);
  });

  it('replay idempotence: a second consumer group re-reading every input adds no version and no record', async () => {
    const imei = nextImei();
    await h.observe(imei, at('2025-06-01'));
    await h.fact(imei, GroupingFact.GROUPING_FACT_REGISTERED);
    await h.entry(imei, (e) => e.version === 2);
    const before = await h.changes(imei);
    const replays = h.outcomes.reduce((n, o) => n + o.replays, 0);
    const replay = await h.startConsumer(`list-state.replay-${Date.now()}`);
    await waitFor('inputs replayed', () => h.outcomes.reduce((n, o) => n + o.replays, 0) >= replays + 2, 30_000);
    await replay.stop();
    expect(await h.entry(imei)).toMatchObject({ version: 2, state: 'white' });
    expect((await h.changes(imei)).map((c) => c.version)).toEqual(before.map((c) => c.version));
  });
});
