import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  canonicalImei,
  luhnCheckDigit,
  normaliseObservedImei,
  validateApplicationImei,
  type ApplicationImeiRefusal,
} from './index';

/** Reference cases of design §2, kept beside the repository: <repo>/../shared/data/imei-vectors.json. */
const VECTORS_PATH = resolve(__dirname, '..', '..', '..', '..', 'shared', 'data', 'imei-vectors.json');

interface ImeiVectors {
  luhn: { body: string; check: string; imei: string }[];
  normalise: { input: string; imei14: string; malformed: boolean; note?: string }[];
  strict: { input: string; ok: boolean; imei14?: string; why?: string; note?: string }[];
}

/** The vectors say why in words; the validator answers with a code. Unknown words fail the test. */
function refusalOf(why: string): ApplicationImeiRefusal | undefined {
  if (why.startsWith('IMEISV')) return 'imeisv';
  const known: Record<string, ApplicationImeiRefusal> = {
    'check digit': 'check-digit',
    length: 'length',
    'non-digit': 'non-digit',
    empty: 'empty',
  };
  return known[why];
}

if (!existsSync(VECTORS_PATH)) {
  console.warn(`IMEI reference vectors SKIPPED: ${VECTORS_PATH} is absent (shared/ must sit beside the repository).`);
  describe.skip(`shared IMEI vectors (missing ${VECTORS_PATH})`, () => {
    it('checks every reference case', () => undefined);
  });
} else {
  const vectors = JSON.parse(readFileSync(VECTORS_PATH, 'utf8')) as ImeiVectors;

  describe('shared IMEI vectors', () => {
    it('has cases in every section, so an emptied file cannot pass silently', () => {
      expect(vectors.luhn.length).toBeGreaterThan(0);
      expect(vectors.normalise.length).toBeGreaterThan(0);
      expect(vectors.strict.length).toBeGreaterThan(0);
    });

    describe('luhn', () => {
      it.each(vectors.luhn)('$body → check digit $check, IMEI $imei', ({ body, check, imei }) => {
        expect(luhnCheckDigit(body)).toBe(check);
        expect(canonicalImei(body)).toBe(imei);
        expect(validateApplicationImei(imei)).toEqual({ ok: true, imei14: body, imei });
      });
    });

    describe('normalise', () => {
      it.each(vectors.normalise)('$input → $imei14 (malformed $malformed)', ({ input, imei14, malformed }) => {
        const observed = normaliseObservedImei(input);
        expect(observed.imei14).toBe(imei14);
        expect(observed.malformed).toBe(malformed);
      });
    });

    describe('strict', () => {
      it.each(vectors.strict)('$input → ok $ok $imei14 $why', ({ input, ok, imei14, why }) => {
        const result = validateApplicationImei(input);
        expect(result.ok).toBe(ok);
        if (result.ok) {
          expect(result.imei14).toBe(imei14);
          expect(result.imei).toBe(canonicalImei(result.imei14));
        } else {
          expect(refusalOf(why ?? '')).toBeDefined();
          expect(result.code).toBe(refusalOf(why ?? ''));
          expect(result.field).toBe('imei');
          expect(result.value).toBe(input);
          if (input.trim() !== '') expect(result.message).toContain(`"${input.trim()}"`);
        }
      });
    });
  });
}
