import fc from 'fast-check';
import { SubmitObservationsRequest } from '@imei/contracts';
import { ObservationChunk } from './observation-chunk';

const input = fc.record({
  imei: fc.string({ unit: 'grapheme', maxLength: 30 }),
  imsi: fc.string({ maxLength: 16 }),
  msisdn: fc.string({ maxLength: 16 }),
  seenAtMs: fc.oneof(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.integer({ min: -1e12, max: -1 }), fc.constant(0)),
  rat: fc.integer({ min: 0, max: 4 }),
  row: fc.integer({ min: 0, max: 2 ** 40 }),
});

describe('ObservationChunk', () => {
  it('encodes the request the generated codec encodes, chunk after chunk (property)', () => {
    const chunk = new ObservationChunk();
    fc.assert(
      fc.property(fc.array(input, { maxLength: 40 }), (rows) => {
        for (const r of rows) chunk.add(r.imei, r.imsi, r.msisdn, r.seenAtMs, r.rat, r.row);
        expect(chunk.count).toBe(rows.length);
        const expected = SubmitObservationsRequest.encode({ observations: rows.map((r) => ({ ...r, seenAt: new Date(r.seenAtMs) })) }).finish();
        expect(chunk.take().equals(Buffer.from(expected))).toBe(true);
        expect(chunk.count).toBe(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('grows past its first buffer', () => {
    const chunk = new ObservationChunk();
    for (let i = 0; i < 5000; i++) chunk.add('490154203237518', '401011234567890', '+77011234567', 1_764_000_000_000 + i, 3, i + 2);
    const decoded = SubmitObservationsRequest.decode(chunk.take());
    expect(decoded.observations).toHaveLength(5000);
    expect(decoded.observations[4999]).toEqual({ imei: '490154203237518', imsi: '401011234567890', msisdn: '+77011234567', seenAt: new Date(1_764_000_004_999), rat: 3, row: 5001 });
  });
});
