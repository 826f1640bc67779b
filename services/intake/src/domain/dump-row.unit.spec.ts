import { startOfAlmatyDay } from '@imei/imei-rules';
import { observationOfDumpRow, parseDumpDate, parseRat } from './dump-row';

describe('parseDumpDate', () => {
  it('reads ISO with a zone exactly, zone-less times as Almaty local, bare dates as the Almaty day start, epochs', () => {
    expect(parseDumpDate('2025-08-01T10:00:00Z')).toBe(Date.parse('2025-08-01T10:00:00Z'));
    expect(parseDumpDate('2025-08-01T10:00:00+0500')).toBe(Date.parse('2025-08-01T05:00:00Z'));
    expect(parseDumpDate('2025-08-01 10:00:00')).toBe(Date.parse('2025-08-01T05:00:00Z'));
    expect(parseDumpDate('2025-08-01 10:00:00.250')).toBe(Date.parse('2025-08-01T05:00:00.250Z'));
    expect(parseDumpDate('2025-08-01')).toBe(startOfAlmatyDay('2025-08-01'));
    expect(parseDumpDate('1754042400')).toBe(1754042400000);
    expect(parseDumpDate('1754042400123')).toBe(1754042400123);
  });

  it('refuses what is not a time', () => {
    for (const bad of ['', 'yesterday', '2025-02-30', '2025-08-01 25:00', '01/08/2025', '2025-08-01T10:00:00+5']) expect(parseDumpDate(bad)).toBeUndefined();
  });
});

describe('parseRat', () => {
  it('reads numbers and common names, empty as unspecified', () => {
    expect(['', '1', '2G', 'gsm', 'UMTS', 'lte', '4G', '5g', 'NR'].map(parseRat)).toEqual([0, 1, 1, 1, 2, 3, 3, 4, 4]);
    expect(parseRat('6G')).toBeUndefined();
  });
});

describe('observationOfDumpRow', () => {
  const columns = { date: 4, imei: 0, imsi: 1, msisdn: 2, rat: 3 };
  it('builds the observation numbered with its file row', () => {
    const verdict = observationOfDumpRow(['490154203237518', '401011234567890', '77011234567', 'LTE', '2025-08-01T10:00:00Z'], columns, 7);
    expect(verdict).toEqual({ ok: true, input: { imei: '490154203237518', imsi: '401011234567890', msisdn: '77011234567', rat: 3, seenAt: new Date('2025-08-01T10:00:00Z'), row: 7 } });
  });

  it('names a bad date or RAT with its row', () => {
    expect(observationOfDumpRow(['1', '2', '3', 'LTE', 'soon'], columns, 9)).toMatchObject({ ok: false, violation: { index: 9, field: 'date', value: 'soon' } });
    expect(observationOfDumpRow(['1', '2', '3', 'wifi', '2025-08-01'], columns, 9)).toMatchObject({ ok: false, violation: { index: 9, field: 'rat' } });
    expect(observationOfDumpRow(['1'], columns, 3)).toMatchObject({ ok: false, violation: { field: 'date' } });
  });
});
