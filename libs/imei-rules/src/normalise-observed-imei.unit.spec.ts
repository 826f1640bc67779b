import { normaliseObservedImei } from './index';

describe('normaliseObservedImei', () => {
  it('keeps a 15-digit IMEI whose check digit networks zeroed, flagging it', () => {
    expect(normaliseObservedImei('490154203237510')).toEqual({
      imei14: '49015420323751',
      malformed: false,
      checkDigitInvalid: true,
      form: 'imei15',
    });
  });

  it.each([
    ['49015420323751', 'body14'],
    ['490154203237518', 'imei15'],
    ['4901542032375100', 'imeisv16'],
    ['49015420323751#', 'other'],
    ['4901542032375123X', 'other'],
    ['49015420323751234', 'other'],
    ['49015420323751 8', 'other'],
  ] as const)('%j has form %s and key 49015420323751, never flagged unless 15 digits', (input, form) => {
    expect(normaliseObservedImei(input)).toEqual({ imei14: '49015420323751', malformed: false, checkDigitInvalid: false, form });
  });

  it.each([
    ['\t490154203237518\r\n', 'tabs and CRLF'],
    ['\u00a0490154203237518\u00a0', 'no-break spaces'],
    ['\ufeff490154203237518', 'a byte-order mark'],
  ])('trims %j (%s) like String.prototype.trim', (input) => {
    expect(normaliseObservedImei(input).imei14).toBe('49015420323751');
    expect(normaliseObservedImei(input).form).toBe('imei15');
  });

  it.each([
    ['', ''],
    ['   ', ''],
    ['3520990017614', '3520990017614'],
    [' 35a09900176148 ', '35A09900176148'],
    ['*#06#', '*#06#'],
    ['٣٥٢٠٩٩٠٠١٧٦١٤٨١', '٣٥٢٠٩٩٠٠١٧٦١٤٨١'], // Arabic-Indic digits are not digits here
    ['null', 'NULL'],
  ])('keeps malformed %j as key %j', (input, key) => {
    expect(normaliseObservedImei(input)).toEqual({ imei14: key, malformed: true, checkDigitInvalid: false, form: 'other' });
  });

  it('returns a 14-digit input itself as the key, allocating no new string', () => {
    const raw = '35209900176148';
    expect(normaliseObservedImei(raw).imei14).toBe(raw);
  });
});
