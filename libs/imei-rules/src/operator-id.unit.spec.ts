import fc from 'fast-check';
import { DEFAULT_OPERATORS, DEFAULT_OPERATOR_IDS, isOperatorSlug, validateOperatorId } from './index';

describe('operators', () => {
  it('knows the three operators with their display names', () => {
    expect(DEFAULT_OPERATORS).toEqual([
      { id: 'kcell', displayName: 'Kcell' },
      { id: 'beeline', displayName: 'Beeline' },
      { id: 'tele2-altel', displayName: 'Tele2/Altel' },
    ]);
    expect([...DEFAULT_OPERATOR_IDS]).toEqual(['kcell', 'beeline', 'tele2-altel']);
    expect(Object.isFrozen(DEFAULT_OPERATORS[0])).toBe(true);
  });

  it.each([...DEFAULT_OPERATOR_IDS])('accepts %s from the default set', (id) => {
    expect(validateOperatorId(id, DEFAULT_OPERATOR_IDS)).toEqual({ ok: true, operatorId: id });
  });

  it('accepts any slug in a configured set and refuses the defaults outside it', () => {
    const allowed = new Set(['test-op-2']);
    expect(validateOperatorId('test-op-2', allowed)).toEqual({ ok: true, operatorId: 'test-op-2' });
    expect(validateOperatorId('kcell', allowed)).toMatchObject({ ok: false, code: 'unknown' });
  });

  it.each([
    ['', 'empty'],
    ['Kcell', 'format'],
    [' kcell', 'format'],
    ['tele2_altel', 'format'],
    ['tele2--altel', 'format'],
    ['-kcell', 'format'],
    ['kcell-', 'format'],
    ['-', 'format'],
    ['mts', 'unknown'],
  ])('refuses %j with %s, naming the value', (id, code) => {
    const result = validateOperatorId(id, DEFAULT_OPERATOR_IDS);
    expect(result).toMatchObject({ ok: false, field: 'operatorId', value: id, code });
    if (!result.ok && id !== '') expect(result.message).toContain(JSON.stringify(id));
  });

  it('scans slugs exactly like ^[a-z0-9]+(-[a-z0-9]+)*$', () => {
    const slugLike = fc.string({ unit: fc.constantFrom('a', 'z', '0', '9', '-', 'A', '_', ' '), maxLength: 8 });
    fc.assert(fc.property(slugLike, (id) => isOperatorSlug(id) === /^[a-z0-9]+(-[a-z0-9]+)*$/.test(id)), { numRuns: 3000 });
  });
});
