import { testStore } from '@imei/testing';
import { SchedulerLease } from './scheduler-lease';

describe('scheduler lease on FerretDB', () => {
  let store: Awaited<ReturnType<typeof testStore>>;
  beforeAll(async () => {
    store = await testStore('list_state_lease');
  });
  afterAll(async () => {
    await store.drop();
  });

  it('one holder at a time: renewed by its holder, taken over only once expired, given up on release', async () => {
    const a = new SchedulerLease(store.db, 'a', 30_000);
    const b = new SchedulerLease(store.db, 'b', 30_000);
    expect(await a.acquire(1_000)).toBe(true);
    expect(await b.acquire(2_000)).toBe(false);
    expect(await a.acquire(20_000)).toBe(true); // renewed: expires at 50,000 now
    expect(await b.acquire(45_000)).toBe(false);
    expect(await b.acquire(50_001)).toBe(true); // a stopped renewing
    expect(await a.acquire(50_002)).toBe(false);
    await b.release();
    expect(await a.acquire(50_003)).toBe(true);
  });

  it('two schedulers racing for a free lease: exactly one wins', async () => {
    const racers = Array.from({ length: 4 }, (_, i) => new SchedulerLease(store.db, `r${i}`, 30_000, 'race'));
    const won = await Promise.all(racers.map((r) => r.acquire(1_000)));
    expect(won.filter(Boolean)).toHaveLength(1);
  });
});
