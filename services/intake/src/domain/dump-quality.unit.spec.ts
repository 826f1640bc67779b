import { DEFAULT_DUMP_QUALITY, DumpQualityScan, evaluateDumpQuality } from './dump-quality';

function scanOf(rows: [string, string, string, string][]): DumpQualityScan {
  const scan = new DumpQualityScan();
  for (const [date, imei, imsi, msisdn] of rows) scan.add(date, imei, imsi, msisdn);
  return scan;
}
const good = (imei: string): [string, string, string, string] => ['2025-08-01', imei, '401011234567890', '77011234567'];
const healthy = () => Array.from({ length: 100 }, (_, i) => good(`35693803${String(100000 + i).slice(-6)}0`));
const tripped = (scan: DumpQualityScan, history: number[] = [], known = new Set<string>()) =>
  evaluateDumpQuality(scan, DEFAULT_DUMP_QUALITY, history, known).filter((f) => f.tripped).map((f) => f.gate);

describe('dump quality gates', () => {
  it('pass a healthy dump, and judge volume only with enough history', () => {
    expect(tripped(scanOf(healthy()))).toEqual([]);
    expect(evaluateDumpQuality(scanOf(healthy()), DEFAULT_DUMP_QUALITY, [100]).find((f) => f.gate === 'row-volume')!.detail).toContain('not judged');
  });

  it('trip on too many empty fields', () => {
    const rows = healthy();
    for (let i = 0; i < 6; i++) rows[i] = ['2025-08-01', rows[i]![1], '', '77011234567'];
    expect(tripped(scanOf(rows))).toEqual(['empty-fields']);
  });

  it('trip on too many unusable IMEIs', () => {
    const rows = healthy();
    for (let i = 0; i < 6; i++) rows[i] = good('N/A');
    expect(tripped(scanOf(rows))).toEqual(['unusable-imeis']);
  });

  it('trip on 14-digit values matching a known TAC once a 0 is prepended', () => {
    const rows = healthy();
    rows.push(good('013456780000011'), good('013456780000029')); // full IMEIs with TAC 01345678
    for (let i = 0; i < 3; i++) rows.push(good(`1345678000010${i}`)); // 14 digits: the 0 was stripped
    expect(tripped(scanOf(rows))).toEqual(['stripped-leading-zero']);
    // the TAC can also come from a TAC list
    const listed = healthy();
    for (let i = 0; i < 3; i++) listed.push(good(`9876543000010${i}`));
    expect(tripped(scanOf(listed), [], new Set(['09876543']))).toEqual(['stripped-leading-zero']);
  });

  it('trip when more IMEIs start with 1 than with 0', () => {
    const rows = healthy();
    for (let i = 0; i < 5; i++) rows.push(good(`1${String(i).padStart(13, '0')}5`));
    expect(tripped(scanOf(rows))).toEqual(['stripped-leading-zero']);
  });

  it('trip on a row volume far from the operator average', () => {
    expect(tripped(scanOf(healthy()), [1000, 1000, 1000])).toEqual(['row-volume']);
    expect(tripped(scanOf(healthy()), [100, 90, 110])).toEqual([]);
    expect(tripped(scanOf(healthy()), [10, 10, 10])).toEqual(['row-volume']);
  });
});
