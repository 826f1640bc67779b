import { Binary, BSON } from 'mongodb';
import type { TopicProducer } from '@imei/kafka';
import { createLogger } from '@imei/log';
import { testStore } from '@imei/testing';
import { MemoryGrouping, application, now } from '../domain/grouping-fixtures.test-helper';
import { GroupingRepository } from './grouping-repository';

describe('grouping documents in FerretDB', () => {
  let store: Awaited<ReturnType<typeof testStore>>;
  let repository: GroupingRepository;
  const sent: unknown[] = [];
  const producer = { sendEncoded: async (records: unknown[]) => void sent.push(...records) } as unknown as TopicProducer;

  beforeEach(async () => {
    store = await testStore('grouping-documents');
    repository = new GroupingRepository(store.db, producer, createLogger('test', 'silent'));
  });
  afterEach(() => store.drop());

  it('keeps only the version, batch and owner as fields; the bookkeeping comes back from the body', async () => {
    const grouping = new MemoryGrouping();
    const events = grouping.run({ type: 'register', application: application({ applicationId: 'a1', imei14s: ['35000000000001'] }) }, now);
    const device = grouping.devices.get('dev-a1')!;
    const batchId = repository.ledger.newBatchId();
    await repository.ledger.open(batchId, []);
    const prepared = repository.prepareDevices([{ before: undefined, after: device, events: events.filter((e) => e.entity === 'device') as never, cause: 'a1' }], batchId);
    await repository.write(prepared);
    const doc = await store.db.collection('devices').findOne({ _id: 'dev-a1' as never });
    expect(Object.keys(doc!).sort()).toEqual(['_id', 'body', 'outboxBatch', 'ownerRef', 'version']);
    expect((await repository.loadDevices(['dev-a1'])).get('dev-a1')).toMatchObject({ outboxPending: true, outboxSentVersion: 0, legacyFields: false });
    await repository.ledger.close([batchId]);
    // A closed batch: its events were published.
    expect((await repository.loadDevices(['dev-a1'])).get('dev-a1')).toMatchObject({ outboxPending: false, outboxSentVersion: 1 });
  });

  it('reads documents of the older form (bookkeeping as fields) and removes those fields with the next update', async () => {
    const grouping = new MemoryGrouping();
    const events = grouping.run({ type: 'register', application: application({ applicationId: 'a2', imei14s: ['35000000000002'] }) }, now);
    const { version: _v, ...device } = grouping.devices.get('dev-a2')!;
    // Written by an older version: the sweep had marked it sent with fields on top.
    await store.db.collection('devices').insertOne({
      _id: 'dev-a2' as never, version: 1, ownerRef: device.ownerRef, outboxPending: false, outboxSentVersion: 1, outboxBatch: 'old-batch',
      body: new Binary(BSON.serialize({ device, outbox: [], outboxPending: true, outboxSentVersion: 0 })),
    });
    const loaded = (await repository.loadDevices(['dev-a2'])).get('dev-a2')!;
    expect(loaded).toMatchObject({ outboxPending: false, outboxSentVersion: 1, legacyFields: true });

    const next = grouping.run({ type: 'register', application: application({ applicationId: 'a3', deviceId: 'dev-a2', imei14s: ['35000000000002', '35000000000003'] }) }, now);
    expect(next.some((e) => e.entity === 'device')).toBe(true);
    const batchId = repository.ledger.newBatchId();
    await repository.ledger.open(batchId, []);
    await repository.write(repository.prepareDevices([{ before: loaded, after: grouping.devices.get('dev-a2')!, events: next.filter((e) => e.entity === 'device') as never, cause: 'a3' }], batchId));
    const doc = await store.db.collection('devices').findOne({ _id: 'dev-a2' as never });
    expect(doc).not.toHaveProperty('outboxPending');
    expect(doc).not.toHaveProperty('outboxSentVersion');
    expect((await repository.loadDevices(['dev-a2'])).get('dev-a2')).toMatchObject({ state: { version: 2 }, outboxPending: true, outboxSentVersion: 1, legacyFields: false });
  });
});
