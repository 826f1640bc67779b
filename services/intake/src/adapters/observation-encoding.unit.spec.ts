import fc from 'fast-check';
import { Observation } from '@imei/contracts';
import type { NormalisedObservation } from '../domain/observation-intake';
import { ObservationEncoder, observationMessage } from './observation-encoding';

const generated = (o: NormalisedObservation, id: string) => Buffer.from(Observation.encode(observationMessage(o, id)).finish());

const observation = fc.record({
  imei14: fc.oneof(fc.stringMatching(/^\d{14}$/), fc.string({ unit: 'grapheme', maxLength: 40 })),
  imeiRaw: fc.string({ unit: 'grapheme', maxLength: 40 }),
  malformed: fc.boolean(),
  checkDigitInvalid: fc.boolean(),
  imsi: fc.stringMatching(/^\d{0,15}$/),
  msisdn: fc.stringMatching(/^(\+\d{8,15})?$/),
  operatorId: fc.constantFrom('kcell', 'beeline', 'tele2-altel', ''),
  seenAtMs: fc.oneof(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.constant(0), fc.integer({ min: -1e12, max: -1 })),
  day: fc.integer({ min: 0, max: 50_000 }),
  rat: fc.integer({ min: 0, max: 4 }),
});

describe('ObservationEncoder', () => {
  const encoder = new ObservationEncoder();

  it('writes the bytes of the generated codec (property)', () => {
    fc.assert(
      fc.property(observation, fc.string({ maxLength: 30 }), (o, id) => expect(encoder.encode(o, id).equals(generated(o, id))).toBe(true)),
      { numRuns: 5000 },
    );
  });

  it('decodes back to the message', () => {
    const o: NormalisedObservation = {
      imei14: '49015420323751', imeiRaw: '490154203237518', malformed: false, checkDigitInvalid: true, imsi: '401011234567890',
      msisdn: '+77011234567', operatorId: 'kcell', seenAtMs: 1_764_000_000_123, day: 20416, rat: 3,
    };
    expect(Observation.decode(encoder.encode(o, 'obs-x'))).toEqual(observationMessage(o, 'obs-x'));
  });

  it('keeps earlier payloads intact while later ones fill new slabs', () => {
    const o: NormalisedObservation = { imei14: 'X'.repeat(3000), imeiRaw: 'x', malformed: true, checkDigitInvalid: false, imsi: '4', msisdn: '+7', operatorId: 'kcell', seenAtMs: 5, day: 0, rat: 0 };
    const first = encoder.encode(o, 'a');
    const copy = Buffer.from(first);
    for (let i = 0; i < 300; i++) encoder.encode(o, `b${i}`);
    expect(first.equals(copy)).toBe(true);
  });
});
