import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { topics } from '@imei/contracts';
import { TopicProducer } from '@imei/kafka';
import { createLogger } from '@imei/log';
import { createTestTopic, deleteTopics, readTopic, repoRoot, testKafka, testStore, topicRecordCount, uniqueName, waitFor } from '@imei/testing';
import { Outbox } from './outbox';
import type { OutboxFields } from './outbox-event';

interface Entry extends OutboxFields {
  state: string;
}

describe('outbox', () => {
  const kafka = testKafka();
  const producer = new TopicProducer(kafka);
  const created: string[] = [];
  beforeAll(() => producer.connect());
  afterAll(async () => {
    await producer.disconnect();
    await deleteTopics(created);
  });

  it('re-publishes exactly once after a SIGKILL between the stored change and its publish', async () => {
    const store = await testStore('outbox_crash');
    const spec = await createTestTopic(topics.listChanges, kafka, 1);
    created.push(spec.name);
    const id = '35693803564380';

    const child = spawn(process.execPath, [join(repoRoot, 'libs/outbox/test-fixtures/store-then-hang.cjs'), store.db.databaseName, spec.name, id], { stdio: ['ignore', 'pipe', 'inherit'], cwd: repoRoot });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('stored') && resolve());
      child.on('exit', (code) => reject(new Error(`child exited ${code} before storing`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    expect(await topicRecordCount(spec.name, kafka)).toBe(0);

    const collection = store.db.collection<Entry>('entries');
    const outbox = new Outbox<Entry>(collection, producer, createLogger('test', 'silent'));
    expect(await outbox.sweep()).toBe(1);
    expect(await outbox.sweep()).toBe(0);
    const [record] = await readTopic(spec.name, 1, 20_000, kafka);
    expect(spec.codec.decode(record!.value!)).toMatchObject({ imei14: id, version: 1, cause: 'cmd-1' });
    expect(await topicRecordCount(spec.name, kafka)).toBe(1);

    // Replaying the input finds its stored event: same bytes, same version, no second version.
    const doc = (await collection.findOne({ _id: id }))!;
    expect(doc).toMatchObject({ version: 1, outboxPending: false, outboxSentVersion: 1 });
    const replay = outbox.replayEvents(doc, 'cmd-1');
    expect(replay).toHaveLength(1);
    expect(replay[0]!.version).toBe(1);
    await outbox.publish([{ id, version: doc.version, events: replay }]);
    const both = await readTopic(spec.name, 2, 20_000, kafka);
    expect(both[1]!.value!.equals(both[0]!.value!)).toBe(true);
    await store.drop();
  });

  it('refuses a change decided against a stale version', async () => {
    const store = await testStore('outbox_conflict');
    const spec = await createTestTopic(topics.listChanges, kafka, 1);
    created.push(spec.name);
    const outbox = new Outbox<Entry>(store.db.collection<Entry>('entries'), producer, createLogger('test', 'silent'));
    const change = { id: uniqueName('e'), expectedVersion: 0, state: { state: 'grey' }, events: [], previousOutbox: [] };
    await outbox.storeAndPublish([change]);
    await expect(outbox.store([change])).rejects.toMatchObject({ name: 'VersionConflictError', ids: [change.id] });
    await outbox.store([{ ...change, expectedVersion: 1, state: { state: 'white' } }]);
    await waitFor('version 2', async () => (await store.db.collection<Entry>('entries').findOne({ _id: change.id }))?.version === 2);
    await store.drop();
  });
});
