import { canonicalImei, imei14ToNumber, isDigits, isImeiBody, luhnCheckDigit, numberToImei14, tacOf } from './index';

describe('isDigits', () => {
  it.each([
    ['0', true],
    ['0123456789', true],
    ['', false],
    [' 1', false],
    ['-1', false],
    ['1e5', false],
    ['١٢٣', false], // Arabic-Indic digits are not IMEI digits
    ['12/', false],
    ['12:', false],
  ])('%j → %s', (text, expected) => {
    expect(isDigits(text)).toBe(expected);
  });
});

describe('luhnCheckDigit', () => {
  it('computes the 15th digit of an IMEI body', () => {
    expect(luhnCheckDigit('49015420323751')).toBe('8');
    expect(luhnCheckDigit('00000000000000')).toBe('0');
    expect(luhnCheckDigit('99999999999999')).toBe('4'); // 7 × 9 + 7 × (18 - 9) = 126 → 4
  });

  it.each(['', '4901542032375', '490154203237518', '4901542032375X', ' 49015420323751'])(
    'refuses %j, which is not a 14-digit body, with a RangeError naming it',
    (body) => {
      expect(() => luhnCheckDigit(body)).toThrow(RangeError);
      expect(() => luhnCheckDigit(body)).toThrow(JSON.stringify(body));
    },
  );
});

describe('canonicalImei, tacOf, isImeiBody', () => {
  it('completes a well-formed key with its check digit', () => {
    expect(canonicalImei('35209900176148')).toBe('352099001761481');
    expect(isImeiBody('35209900176148')).toBe(true);
  });

  it.each(['AA', 'A1234', '22A456789012345', '', '4901542032375'])('shows the malformed key %j as it is', (key) => {
    expect(canonicalImei(key)).toBe(key);
    expect(isImeiBody(key)).toBe(false);
    expect(tacOf(key)).toBeUndefined();
  });

  it('takes the TAC from the first 8 digits, leading zeros kept', () => {
    expect(tacOf('01234567890123')).toBe('01234567');
  });
});

describe('imei14ToNumber / numberToImei14', () => {
  it('encodes the extremes exactly', () => {
    expect(imei14ToNumber('00000000000000')).toBe(0);
    expect(imei14ToNumber('99999999999999')).toBe(99_999_999_999_999);
    expect(numberToImei14(0)).toBe('00000000000000');
    expect(numberToImei14(1_234_567_890_123)).toBe('01234567890123');
  });

  it.each(['AA', '4901542032375', '490154203237518', ''])('refuses to encode the malformed key %j', (key) => {
    expect(() => imei14ToNumber(key)).toThrow(RangeError);
  });

  it.each([-1, 1e14, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses to decode %s', (value) => {
    expect(() => numberToImei14(value)).toThrow(RangeError);
  });
});
