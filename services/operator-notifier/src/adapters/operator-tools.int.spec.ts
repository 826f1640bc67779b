import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlockListChunk } from '@imei/contracts';
import { ListState } from '@imei/contracts';
import { call } from '@imei/grpc';
import { canonicalImei } from '@imei/imei-rules';
import { testKafka, uniqueName } from '@imei/testing';
import { digestOf, startNotifierHarness, type NotifierHarness } from '../notifier-harness.test-helper';
import { mirrorBlockList } from './block-list-mirror';
import { csvHeader, writeBlockListCsv } from './block-list-csv';
import { MirrorTable } from './mirror-table';

const BLACK = ListState.LIST_STATE_BLACK;
const WHITE = ListState.LIST_STATE_WHITE;
let seq = 0;
const imei = (): string => `49${String(Date.now() % 1e8).padStart(8, '0')}${String(++seq).padStart(4, '0')}`;

describe('operator tools: CSV export and the reference mirror, against the topic', () => {
  let h: NotifierHarness;
  let dir: string;
  const blocked = new Set<string>();
  beforeAll(async () => {
    h = await startNotifierHarness();
    dir = mkdtempSync(join(tmpdir(), 'notifier-tools-'));
    const ids = Array.from({ length: 2500 }, imei);
    await h.publish(ids.map((id) => h.listChange(id, 1, BLACK)));
    await h.caughtUp();
    await h.publish(ids.slice(0, 300).map((id) => h.listChange(id, 2, WHITE)));
    await h.caughtUp();
    for (const id of ids.slice(300)) blocked.add(id);
  });
  afterAll(async () => {
    await h.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the CSV export equals the topic at the offsets it states', async () => {
    const file = join(dir, 'blocklist.csv');
    const client = h.client('operator:kcell');
    const { rows, offsets } = await writeBlockListCsv(client.streamBlockList({ since: [] }) as AsyncIterable<BlockListChunk>, file);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe(csvHeader);
    expect(rows).toBe(blocked.size);
    const imei14s = lines.slice(1).map((l) => l.split(',')[1]!);
    expect(digestOf(imei14s)).toEqual(digestOf(blocked));
    expect(lines[1]).toMatch(/^\d{15},\d{14},LIST_REASON_OFFICER_DECISION,\d{4}-\d\d-\d\dT[^,]+,1$/);
    expect(JSON.parse(readFileSync(`${file}.offsets.json`, 'utf8')).offsets).toEqual(offsets);
    expect(await call(client, 'reconcile', { offsets })).toMatchObject(digestOf(blocked));
  });

  it('the mirror loads the list into its file, answers is-blocked, resumes after a restart and reconciles exactly', async () => {
    const file = join(dir, 'kcell.mirror');
    const group = uniqueName('op-kcell.mirror');
    let table = new MirrorTable(file).open();
    let offsets = await mirrorBlockList({ kafka: testKafka(), topic: h.topics.blockList.name, groupId: group, table });
    expect(table.rows.size).toBe(blocked.size);
    const one = [...blocked][7]!;
    expect(table.isBlocked(one)).toMatchObject({ imei: canonicalImei(one), listVersion: 1 });
    table.close();

    // Changes while the mirror is down; a restart from the file catches up with them only.
    const unblock = [...blocked][0]!;
    const fresh = imei();
    await h.publish([h.listChange(unblock, 2, WHITE), h.listChange(fresh, 1, BLACK)]);
    await h.caughtUp();
    blocked.delete(unblock);
    blocked.add(fresh);
    table = new MirrorTable(file).open();
    expect(table.rows.size).toBe(blocked.size - 1 + 1);
    offsets = await mirrorBlockList({ kafka: testKafka(), topic: h.topics.blockList.name, groupId: group, table });
    expect(table.isBlocked(unblock)).toBeUndefined();
    expect(table.isBlocked(fresh)).toBeDefined();
    expect(digestOf(table.rows.keys())).toEqual(digestOf(blocked));
    expect(await call(h.client('operator:kcell'), 'reconcile', { offsets })).toMatchObject(digestOf(table.rows.keys()));
    table.compact();
    table.close();
    expect(new MirrorTable(file).open().rows.size).toBe(blocked.size);
  });
});
