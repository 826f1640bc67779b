import { DEFAULT_MAX_CLOCK_SKEW_MS, EARLIEST_OBSERVED_AT_MS, startOfAlmatyDay, validateObservedAt } from './index';

const now = Date.parse('2025-08-18T06:00:00Z');

describe('validateObservedAt', () => {
  it('accepts now, the past, and up to 5 minutes of clock skew, from a Date or epoch ms', () => {
    expect(DEFAULT_MAX_CLOCK_SKEW_MS).toBe(300_000);
    expect(validateObservedAt(now, now)).toEqual({ ok: true, epochMs: now });
    expect(validateObservedAt(new Date(now - 86_400_000), now)).toEqual({ ok: true, epochMs: now - 86_400_000 });
    expect(validateObservedAt(now + 300_000, now)).toEqual({ ok: true, epochMs: now + 300_000 });
  });

  it('refuses a time beyond the skew, naming it and the allowed skew', () => {
    const result = validateObservedAt(now + 300_001, now);
    expect(result).toMatchObject({ ok: false, field: 'observedAt', code: 'future', value: '2025-08-18T06:05:00.001Z' });
    if (!result.ok) expect(result.message).toContain('300 s');
  });

  it('takes a custom skew', () => {
    expect(validateObservedAt(now + 1, now, 0)).toMatchObject({ ok: false, code: 'future' });
    expect(validateObservedAt(now + 60_000, now, 60_000)).toMatchObject({ ok: true });
  });

  it('refuses anything before 2000-01-01 in Almaty, a broken clock', () => {
    expect(EARLIEST_OBSERVED_AT_MS).toBe(startOfAlmatyDay('2000-01-01'));
    expect(validateObservedAt(EARLIEST_OBSERVED_AT_MS, now)).toMatchObject({ ok: true });
    expect(validateObservedAt(EARLIEST_OBSERVED_AT_MS - 1, now)).toMatchObject({ ok: false, code: 'too-old' });
    expect(validateObservedAt(0, now)).toMatchObject({ ok: false, code: 'too-old', value: '1970-01-01T00:00:00.000Z' });
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, 9e15, new Date('not a date')])('refuses %s as invalid', (at) => {
    expect(validateObservedAt(at, now)).toMatchObject({ ok: false, code: 'invalid' });
  });

  it('throws when the injected clock is broken rather than accepting everything', () => {
    expect(() => validateObservedAt(now, Number.NaN)).toThrow(RangeError);
  });
});
