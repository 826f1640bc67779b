import { MAX_VALUE_CHARS, validateApplicationImei } from './index';

function refusal(raw: string) {
  const result = validateApplicationImei(raw);
  if (result.ok) throw new Error(`expected ${JSON.stringify(raw)} to be refused`);
  return result;
}

describe('validateApplicationImei', () => {
  it('accepts a 14-digit body and completes it with its check digit', () => {
    expect(validateApplicationImei('35209900176148')).toEqual({ ok: true, imei14: '35209900176148', imei: '352099001761481' });
  });

  it('refuses an IMEISV, asking for the 15-digit IMEI shown by *#06#', () => {
    const { code, field, value, message } = refusal('3520990017614812');
    expect({ code, field, value }).toEqual({ code: 'imeisv', field: 'imei', value: '3520990017614812' });
    expect(message).toContain('"3520990017614812"');
    expect(message).toContain('15-digit IMEI');
    expect(message).toContain('*#06#');
  });

  it('refuses a wrong check digit, naming the value', () => {
    const { code, message } = refusal('352099001761480');
    expect(code).toBe('check-digit');
    expect(message).toContain('"352099001761480"');
  });

  it.each([
    ['1', 'length', '1 digits'],
    ['35209900176148123', 'length', '17 digits'],
    ['3520-9900-1761-481', 'non-digit', '"-"'],
    ['352099 001761481', 'non-digit', '" "'],
    ['35209900176148😀', 'non-digit', '"😀"'],
    ['IMEI 352099001761481', 'non-digit', '"I"'],
    ['   ', 'empty', '*#06#'],
  ])('refuses %j with %s and a message mentioning %s', (raw, code, mentioned) => {
    const result = refusal(raw);
    expect(result.code).toBe(code);
    expect(result.message).toContain(mentioned);
    expect(result.value).toBe(raw);
  });

  it('clips a huge value so an error cannot carry megabytes', () => {
    const raw = '9'.repeat(100_000);
    const result = refusal(raw);
    expect(result.code).toBe('length');
    expect(result.value).toBe(`${'9'.repeat(MAX_VALUE_CHARS)}…`);
    expect(result.message.length).toBeLessThan(300);
    expect(result.message).toContain('100000 digits');
  });
});
