import { validateImsi } from './index';

describe('validateImsi', () => {
  it('accepts a Kazakh IMSI as home', () => {
    expect(validateImsi('401021234567890')).toEqual({ ok: true, imsi: '401021234567890', mcc: '401', home: true });
  });

  it('accepts a roamer, trimmed, with its MCC', () => {
    expect(validateImsi(' 25001123456789 ')).toEqual({ ok: true, imsi: '25001123456789', mcc: '250', home: false });
  });

  it.each([
    ['', 'empty'],
    [' ', 'empty'],
    ['4010212345678', 'length'],
    ['4010212345678901', 'length'],
    ['40102123456789X', 'non-digit'],
    ['+401021234567890', 'non-digit'],
  ])('refuses %j with %s, naming the value', (raw, code) => {
    const result = validateImsi(raw);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result).toMatchObject({ field: 'imsi', value: raw, code });
    if (raw.trim() !== '') expect(result.message).toContain(JSON.stringify(raw.trim()));
  });
});
