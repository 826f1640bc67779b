import { almatyDayNumber } from '@imei/imei-rules';
import { intakeObservation, type ObservationContext } from './observation-intake';

const now = Date.parse('2025-08-01T12:00:00Z');
const context: ObservationContext = { operatorId: 'kcell', now, maxSkewMs: 300_000 };
const good = { imei: '490154203237518', imsi: '401011234567890', msisdn: '77011234567', seenAt: new Date(now - 60_000), rat: 3, row: 0 };

describe('intakeObservation', () => {
  it('normalises a good record: imei14, E.164 MSISDN, Almaty day, operator from the context', () => {
    const verdict = intakeObservation(good, 0, context);
    expect(verdict).toEqual({
      ok: true,
      observation: {
        imei14: '49015420323751',
        imeiRaw: '490154203237518',
        malformed: false,
        checkDigitInvalid: false,
        imsi: '401011234567890',
        msisdn: '+77011234567',
        operatorId: 'kcell',
        seenAtMs: now - 60_000,
        day: almatyDayNumber(now - 60_000),
        rat: 3,
      },
    });
  });

  it('flags but never rejects a malformed IMEI or a wrong check digit', () => {
    const malformed = intakeObservation({ ...good, imei: ' 35-69650*31022 ' }, 0, context);
    expect(malformed).toMatchObject({ ok: true, observation: { imei14: '35-69650*31022', malformed: true } });
    const badLuhn = intakeObservation({ ...good, imei: '490154203237510' }, 0, context);
    expect(badLuhn).toMatchObject({ ok: true, observation: { imei14: '49015420323751', checkDigitInvalid: true, malformed: false } });
    expect(intakeObservation({ ...good, imei: '' }, 0, context)).toMatchObject({ ok: true, observation: { imei14: '', malformed: true } });
  });

  it('keeps IMEISV and 14-digit bodies under the same key', () => {
    expect(intakeObservation({ ...good, imei: '4901542032375101' }, 0, context)).toMatchObject({ ok: true, observation: { imei14: '49015420323751' } });
    expect(intakeObservation({ ...good, imei: '49015420323751' }, 0, context)).toMatchObject({ ok: true, observation: { imei14: '49015420323751' } });
  });

  it.each([
    ['imsi', { imsi: '40101' }],
    ['imsi', { imsi: '4010112345678X0' }],
    ['msisdn', { msisdn: '' }],
    ['msisdn', { msisdn: '87011234567x' }],
    ['seen_at', { seenAt: undefined }],
    ['seen_at', { seenAt: new Date(now + 301_000) }],
    ['seen_at', { seenAt: new Date('1999-01-01T00:00:00Z') }],
    ['rat', { rat: 9 }],
  ])('rejects a bad %s with index, field, value and description', (field, change) => {
    const verdict = intakeObservation({ ...good, ...change } as typeof good, 7, context);
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.violation.index).toBe(7);
    expect(verdict.violation.field).toBe(`observations.${field}`);
    expect(verdict.violation.description.length).toBeGreaterThan(10);
  });

  it('accepts a seen-at exactly at the skew limit and a roaming IMSI', () => {
    expect(intakeObservation({ ...good, seenAt: new Date(now + 300_000) }, 0, context).ok).toBe(true);
    expect(intakeObservation({ ...good, imsi: '250011234567890' }, 0, context).ok).toBe(true);
  });

  it('puts the Almaty day, not the UTC day, on a late-evening UTC observation', () => {
    const lateUtc = Date.parse('2025-07-31T20:30:00Z'); // 2025-08-01 01:30 in Almaty (UTC+5)
    const verdict = intakeObservation({ ...good, seenAt: new Date(lateUtc) }, 0, context);
    expect(verdict.ok && verdict.observation.day).toBe(almatyDayNumber(Date.parse('2025-08-01T06:00:00Z')));
  });
});

describe('intakeObservation numbering', () => {
  it('names the caller-given row instead of the position when set', () => {
    const verdict = intakeObservation({ ...good, imsi: '', row: 42 }, 3, context);
    expect(!verdict.ok && verdict.violation.index).toBe(42);
  });
});
