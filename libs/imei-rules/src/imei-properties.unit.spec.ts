import fc from 'fast-check';
import {
  canonicalImei,
  imei14ToNumber,
  luhnCheckDigit,
  normaliseObservedImei,
  numberToImei14,
  tacOf,
  validateApplicationImei,
  type ObservedImei,
} from './index';

const digit = fc.constantFrom(...'0123456789');
const digits = (minLength: number, maxLength: number) => fc.string({ unit: digit, minLength, maxLength });
const body14 = digits(14, 14);
const whitespace = fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r', '\u00a0', '\u2003', '\ufeff'), maxLength: 3 });
/** Inputs shaped like what networks send: padded digits, then sometimes a tail of anything. */
const observedLike = fc
  .tuple(whitespace, digits(0, 18), fc.oneof(fc.constant(''), fc.string({ unit: 'binary', maxLength: 4 })), whitespace)
  .map((parts) => parts.join(''));
const anyString = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), observedLike);

/** Textbook Luhn over a whole number, independent of the library: valid when the weighted sum ends in 0. */
function passesLuhn(number: string): boolean {
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    const value = Number(number[number.length - 1 - i]);
    sum += i % 2 === 1 ? (value * 2) % 10 + Math.floor((value * 2) / 10) : value;
  }
  return sum % 10 === 0;
}

/** Design §2 written as directly as possible (regex, trim): the oracle for the char-code implementation. */
function referenceNormalise(raw: string): ObservedImei {
  const trimmed = raw.trim();
  if (!/^[0-9]{14}/.test(trimmed)) return { imei14: trimmed.toUpperCase(), malformed: true, checkDigitInvalid: false, form: 'other' };
  const imei14 = trimmed.slice(0, 14);
  if (/^[0-9]{15}$/.test(trimmed)) {
    return { imei14, malformed: false, checkDigitInvalid: !passesLuhn(trimmed), form: 'imei15' };
  }
  const form = trimmed.length === 14 ? 'body14' : /^[0-9]{16}$/.test(trimmed) ? 'imeisv16' : 'other';
  return { imei14, malformed: false, checkDigitInvalid: false, form };
}

describe('IMEI properties', () => {
  it('the Luhn digit completes any 14-digit body into a valid 15-digit IMEI', () => {
    fc.assert(fc.property(body14, (body) => passesLuhn(body + luhnCheckDigit(body))));
  });

  it('any 14-digit body round-trips through canonical form, normalisation and strict validation', () => {
    fc.assert(
      fc.property(body14, (body) => {
        const imei = canonicalImei(body);
        expect(imei).toHaveLength(15);
        expect(imei.startsWith(body)).toBe(true);
        expect(normaliseObservedImei(imei)).toEqual({ imei14: body, malformed: false, checkDigitInvalid: false, form: 'imei15' });
        expect(normaliseObservedImei(body)).toEqual({ imei14: body, malformed: false, checkDigitInvalid: false, form: 'body14' });
        expect(validateApplicationImei(imei)).toEqual({ ok: true, imei14: body, imei });
        expect(validateApplicationImei(` ${body} `)).toEqual({ ok: true, imei14: body, imei });
        expect(tacOf(body)).toBe(body.slice(0, 8));
      }),
    );
  });

  it('flags checkDigitInvalid exactly when a 15-digit IMEI carries the wrong digit, and strict refuses it', () => {
    fc.assert(
      fc.property(body14, digit, (body, last) => {
        const wrong = last !== luhnCheckDigit(body);
        expect(normaliseObservedImei(body + last).checkDigitInvalid).toBe(wrong);
        const strict = validateApplicationImei(body + last);
        expect(strict.ok ? undefined : strict.code).toBe(wrong ? 'check-digit' : undefined);
      }),
    );
  });

  it('an IMEISV keeps its body as key, is never flagged, and strict asks for the IMEI instead', () => {
    fc.assert(
      fc.property(body14, digits(2, 2), (body, svn) => {
        expect(normaliseObservedImei(body + svn)).toEqual({ imei14: body, malformed: false, checkDigitInvalid: false, form: 'imeisv16' });
        const strict = validateApplicationImei(body + svn);
        expect(strict.ok ? undefined : strict.code).toBe('imeisv');
      }),
    );
  });

  it('normalisation never throws for any string and matches the design text exactly', () => {
    fc.assert(
      fc.property(anyString, (raw) => {
        expect(normaliseObservedImei(raw)).toEqual(referenceNormalise(raw));
      }),
      { numRuns: 5000 },
    );
  });

  it('strict validation never throws, and every refusal names the value it refused', () => {
    fc.assert(
      fc.property(anyString, (raw) => {
        const result = validateApplicationImei(raw);
        if (!result.ok && raw.trim() !== '') expect(result.message).toContain(JSON.stringify(raw.trim()).slice(0, 20));
      }),
      { numRuns: 2000 },
    );
  });

  it('well-formed keys round-trip through the number encoding, keeping their order', () => {
    fc.assert(
      fc.property(body14, body14, (a, b) => {
        expect(numberToImei14(imei14ToNumber(a))).toBe(a);
        expect(Number.isSafeInteger(imei14ToNumber(a))).toBe(true);
        expect(Math.sign(imei14ToNumber(a) - imei14ToNumber(b))).toBe(a < b ? -1 : a > b ? 1 : 0);
      }),
    );
  });
});
