import { normaliseMsisdn } from './index';

describe('normaliseMsisdn', () => {
  it.each([
    ['+77011234567', '+77011234567'],
    ['77011234567', '+77011234567'],
    ['0077011234567', '+77011234567'],
    [' +77011234567\n', '+77011234567'],
    ['+12345678', '+12345678'],
    ['+123456789012345', '+123456789012345'],
  ])('%j → %j', (raw, msisdn) => {
    expect(normaliseMsisdn(raw)).toEqual({ ok: true, msisdn });
  });

  it.each([
    ['', 'empty'],
    ['+', 'length'],
    ['00', 'length'],
    ['+1234567', 'length'],
    ['+1234567890123456', 'length'],
    ['+07011234567', 'leading-zero'],
    ['07011234567', 'leading-zero'],
    ['0007011234567', 'leading-zero'],
    ['+7 701 123 45 67', 'non-digit'],
    ['++77011234567', 'non-digit'],
    ['+7(701)1234567', 'non-digit'],
  ])('refuses %j with %s, naming the value', (raw, code) => {
    const result = normaliseMsisdn(raw);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result).toMatchObject({ field: 'msisdn', value: raw, code });
    if (raw !== '') expect(result.message).toContain(JSON.stringify(raw.trim()));
  });
});
