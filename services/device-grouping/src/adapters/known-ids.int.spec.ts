import { testStore } from '@imei/testing';
import { KnownIdLog, type KnownIds } from './known-ids';

describe('KnownIdLog against FerretDB', () => {
  let store: Awaited<ReturnType<typeof testStore>>;
  let sequence = 0;
  const newId = () => `${Date.now().toString(36).padStart(9, '0')}-${String(++sequence).padStart(6, '0')}`;
  const scanOf = (known: KnownIds) => {
    const scan = jest.fn(async () => known);
    return scan;
  };
  const empty = (): KnownIds => ({ devices: new Set(), imeis: new Map() });

  beforeEach(async () => {
    store = await testStore('known-ids');
  });
  afterEach(() => store.drop());

  it('scans a store the log does not describe once, then loads from the log with later links winning', async () => {
    const log = new KnownIdLog(store.db);
    const scanned: KnownIds = { devices: new Set(['d-old']), imeis: new Map([['11111111111111', 'd-old'], ['22222222222222', '']]) };
    const firstScan = scanOf(scanned);
    expect(await log.load(firstScan, newId)).toEqual(scanned);
    expect(firstScan).toHaveBeenCalledTimes(1);

    await log.append(newId(), ['d-new'], [['22222222222222', 'd-new'], ['33333333333333', 'd-new']]);
    await log.append(newId(), [], [['33333333333333', '']]);
    const secondScan = scanOf(empty());
    const known = await log.load(secondScan, newId);
    expect(secondScan).not.toHaveBeenCalled();
    expect([...known.devices].sort()).toEqual(['d-new', 'd-old']);
    expect(Object.fromEntries(known.imeis)).toEqual({ '11111111111111': 'd-old', '22222222222222': 'd-new', '33333333333333': '' });
  });

  it('compacts many entries into a few documents that load the same', async () => {
    const log = new KnownIdLog(store.db, 3);
    await log.load(scanOf(empty()), newId);
    for (let i = 0; i < 6; i++) await log.append(newId(), [`d-${i}`], [[`4444444444444${i}`, `d-${i}`]]);
    await log.append(newId(), [], [['44444444444440', '']]);
    const before = await log.load(scanOf(empty()), newId);
    const documents = await store.db.collection('known_ids').countDocuments();
    expect(documents).toBe(2); // the marker and one compacted chunk
    const after = await log.load(scanOf(empty()), newId);
    expect(after).toEqual(before);
    expect(after.devices.size).toBe(6);
    expect(after.imeis.get('44444444444440')).toBe('');
    expect(after.imeis.get('44444444444445')).toBe('d-5');
  });
});
