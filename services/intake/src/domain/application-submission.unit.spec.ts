import { ApplicationKind, type SubmitApplicationRequest } from '@imei/contracts';
import { validateSubmission } from './application-submission';

const registration = (change: Partial<SubmitApplicationRequest> = {}): SubmitApplicationRequest => ({
  idempotencyKey: 'k-1',
  kind: ApplicationKind.APPLICATION_KIND_REGISTRATION,
  imeis: ['490154203237518', '35693803564380'],
  ownerRef: 'owner-1',
  model: 'Phone X',
  documents: [{ kind: 'invoice', reference: 'INV-1' }],
  deviceId: '',
  claimedSource: 0,
  ...change,
});

const fieldsOf = (request: SubmitApplicationRequest) => {
  const verdict = validateSubmission(request);
  return verdict.ok ? [] : verdict.violations.map((v) => [v.field, v.index]);
};

describe('validateSubmission', () => {
  it('accepts a registration of 2 IMEIs, completing a 14-digit body', () => {
    expect(validateSubmission(registration())).toMatchObject({ ok: true, submission: { imei14s: ['49015420323751', '35693803564380'], ownerRef: 'owner-1' } });
  });

  it('refuses a 16-digit IMEISV asking for the *#06# IMEI, naming the value and slot', () => {
    const verdict = validateSubmission(registration({ imeis: ['490154203237518', '4901542032375101'] }));
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.violations).toEqual([expect.objectContaining({ field: 'imeis', index: 1, value: '4901542032375101' })]);
    expect(verdict.violations[0]!.description).toContain('*#06#');
  });

  it('refuses a wrong check digit, a non-digit and a wrong length', () => {
    expect(fieldsOf(registration({ imeis: ['490154203237510', '49015420323751A', '1234'] }))).toEqual([['imeis', 0], ['imeis', 1], ['imeis', 2]]);
  });

  it('refuses 0 or 5 IMEIs and a duplicate within one registration', () => {
    expect(fieldsOf(registration({ imeis: [] }))).toEqual([['imeis', -1]]);
    const five = ['490154203237518', '356938035643809', '353456789012347', '012345678901237', '861536030196001'];
    expect(fieldsOf(registration({ imeis: five }))).toContainEqual(['imeis', -1]);
    expect(fieldsOf(registration({ imeis: ['490154203237518', '49015420323751'] }))).toEqual([['imeis', 1]]);
  });

  it('needs kind, idempotency key and, for a registration, an owner', () => {
    expect(fieldsOf(registration({ kind: 0, idempotencyKey: ' ' }))).toEqual([['kind', -1], ['idempotency_key', -1]]);
    expect(fieldsOf(registration({ ownerRef: '' }))).toEqual([['owner_ref', -1]]);
  });

  it('sibling confirmation: device id and exactly one IMEI', () => {
    const sibling = { kind: ApplicationKind.APPLICATION_KIND_SIBLING_CONFIRMATION, ownerRef: '' };
    expect(validateSubmission(registration({ ...sibling, imeis: ['490154203237518'], deviceId: 'dev-1' })).ok).toBe(true);
    expect(fieldsOf(registration({ ...sibling, imeis: ['490154203237518'] }))).toEqual([['device_id', -1]]);
    expect(fieldsOf(registration({ ...sibling, deviceId: 'dev-1' }))).toEqual([['imeis', -1]]);
  });

  it('unblock: one IMEI and at least one complete document', () => {
    const unblock = { kind: ApplicationKind.APPLICATION_KIND_UNBLOCK_WITH_DOCUMENTS, imeis: ['490154203237518'] };
    expect(validateSubmission(registration(unblock)).ok).toBe(true);
    expect(fieldsOf(registration({ ...unblock, documents: [] }))).toEqual([['documents', -1]]);
    expect(fieldsOf(registration({ ...unblock, documents: [{ kind: 'invoice', reference: '' }] }))).toEqual([['documents', 0]]);
  });
});
