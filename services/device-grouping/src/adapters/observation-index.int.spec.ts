import { testStore } from '@imei/testing';
import { DEFAULT_GROUPING_POLICY } from '../domain/grouping-policy';
import { observation } from '../grouping-harness.test-helper';
import { ObservationIndex } from './observation-index';
import { SubscriberKeys } from './subscriber-keys';

describe('ObservationIndex segments in FerretDB', () => {
  let store: Awaited<ReturnType<typeof testStore>>;
  const keys = new SubscriberKeys('test-secret');
  const now = Date.now();
  const index = () => new ObservationIndex(store.db, keys, DEFAULT_GROUPING_POLICY, 7 * 86_400_000, () => now);

  beforeEach(async () => {
    store = await testStore('observation-index');
  });
  afterEach(() => store.drop());

  it('persists a batch as one segment with a BSON body, and a new index rebuilt from it knows its subscribers', async () => {
    await index().record([observation('35111111111111', '401010000000001', 'kcell', new Date(now - 1000))], now);
    const docs = await store.db.collection('index_segments').find({}).toArray();
    expect(docs).toHaveLength(1);
    expect(Object.keys(docs[0]!).sort()).toEqual(['_id', 'body', 'maxAtMs']);
    const rebuilt = await index().subscribersOf(['35111111111111'], now);
    expect([...rebuilt.get('35111111111111')!.keys()]).toEqual([keys.imsi('401010000000001')]);
  });

  it('rebuilds from segments of the older form (columns as fields) too', async () => {
    await store.db.collection('index_segments').insertOne({
      _id: '000000001-legacy' as never, maxAtMs: now - 2000,
      imeis: ['35222222222222'], imsiKeys: [keys.imsi('401010000000002')], msisdnKeys: [''], operators: ['kcell'], atMs: [now - 2000],
    });
    const rebuilt = await index().subscribersOf(['35222222222222'], now);
    expect(rebuilt.get('35222222222222')?.get(keys.imsi('401010000000002'))).toBe(now - 2000);
  });
});
