import { ApplicationKind, type DocumentRef, type SubmitApplicationRequest } from '@imei/contracts';
import type { FieldViolation } from '@imei/errors';
import { validateApplicationImei } from '@imei/imei-rules';

/** A submitted application that passed strict validation (design §2). */
export interface ValidSubmission {
  readonly kind: ApplicationKind;
  readonly idempotencyKey: string;
  /** Registry keys in slot order, no duplicates. */
  readonly imei14s: readonly string[];
  readonly ownerRef: string;
  readonly model: string;
  readonly documents: readonly DocumentRef[];
  /** Given for a sibling confirmation (the device the IMEI belongs to); empty otherwise. */
  readonly deviceId: string;
}

export type SubmissionVerdict = { readonly ok: true; readonly submission: ValidSubmission } | { readonly ok: false; readonly violations: FieldViolation[] };

/** Longest free-text reference accepted (idempotency key, owner, model, document references). */
export const MAX_REFERENCE_CHARS = 200;

const kindNames: Record<number, string> = {
  [ApplicationKind.APPLICATION_KIND_REGISTRATION]: 'registration',
  [ApplicationKind.APPLICATION_KIND_SIBLING_CONFIRMATION]: 'sibling confirmation',
  [ApplicationKind.APPLICATION_KIND_UNBLOCK_WITH_DOCUMENTS]: 'unblock with documents',
};

/** How many IMEIs each kind takes: a registration 1–4, the others exactly one. */
const imeiCounts: Record<number, readonly [number, number]> = {
  [ApplicationKind.APPLICATION_KIND_REGISTRATION]: [1, 4],
  [ApplicationKind.APPLICATION_KIND_SIBLING_CONFIRMATION]: [1, 1],
  [ApplicationKind.APPLICATION_KIND_UNBLOCK_WITH_DOCUMENTS]: [1, 1],
};

const violation = (field: string, value: string, description: string, index = -1): FieldViolation => ({ index, field, value, description });

function checkText(field: string, value: string, required: boolean, out: FieldViolation[]): void {
  if (required && value.trim().length === 0) out.push(violation(field, value, `${field} is required.`));
  else if (value.length > MAX_REFERENCE_CHARS) out.push(violation(field, value.slice(0, 64), `${field} has ${value.length} characters; at most ${MAX_REFERENCE_CHARS} are allowed.`));
}

/**
 * Strict validation of an application request, collecting every problem: each IMEI strictly (a
 * 16-digit IMEISV is refused asking for the *#06# IMEI), 1–4 distinct IMEIs for a registration,
 * device id and exactly one IMEI for a sibling confirmation, at least one document for an unblock,
 * an idempotency key always. The source is not judged here: it comes from the caller's identity.
 */
export function validateSubmission(request: SubmitApplicationRequest): SubmissionVerdict {
  const violations: FieldViolation[] = [];
  const kindName = kindNames[request.kind];
  if (kindName === undefined) {
    violations.push(violation('kind', String(request.kind), 'kind must be registration (1), sibling confirmation (2) or unblock with documents (3).'));
  }
  checkText('idempotency_key', request.idempotencyKey, true, violations);
  checkText('owner_ref', request.ownerRef, request.kind === ApplicationKind.APPLICATION_KIND_REGISTRATION, violations);
  checkText('model', request.model, false, violations);
  const imei14s: string[] = [];
  request.imeis.forEach((raw, index) => {
    const imei = validateApplicationImei(raw);
    if (!imei.ok) violations.push(violation('imeis', imei.value, imei.message, index));
    else if (imei14s.includes(imei.imei14)) violations.push(violation('imeis', raw, `IMEI ${imei.imei} is listed twice in this application.`, index));
    else imei14s.push(imei.imei14);
  });
  const counts = imeiCounts[request.kind];
  if (counts && (request.imeis.length < counts[0] || request.imeis.length > counts[1])) {
    const expected = counts[0] === counts[1] ? `exactly ${counts[0]} IMEI` : `${counts[0]} to ${counts[1]} IMEIs (one device)`;
    violations.push(violation('imeis', String(request.imeis.length), `A ${kindName} takes ${expected}; ${request.imeis.length} given.`));
  }
  if (request.kind === ApplicationKind.APPLICATION_KIND_SIBLING_CONFIRMATION) checkText('device_id', request.deviceId, true, violations);
  else checkText('device_id', request.deviceId, false, violations);
  if (request.kind === ApplicationKind.APPLICATION_KIND_UNBLOCK_WITH_DOCUMENTS && request.documents.length === 0) {
    violations.push(violation('documents', '', 'An unblock needs at least one document proving legal import.'));
  }
  request.documents.forEach((document, index) => {
    if (document.kind.trim() === '' || document.reference.trim() === '') {
      violations.push(violation('documents', `${document.kind}:${document.reference}`, 'A document needs both a kind and a reference.', index));
    } else if (document.kind.length > MAX_REFERENCE_CHARS || document.reference.length > MAX_REFERENCE_CHARS) {
      violations.push(violation('documents', document.reference.slice(0, 64), `A document kind or reference is longer than ${MAX_REFERENCE_CHARS} characters.`, index));
    }
  });
  if (violations.length > 0) return { ok: false, violations };
  return {
    ok: true,
    submission: {
      kind: request.kind,
      idempotencyKey: request.idempotencyKey,
      imei14s,
      ownerRef: request.ownerRef.trim(),
      model: request.model.trim(),
      documents: request.documents.map((d) => ({ kind: d.kind.trim(), reference: d.reference.trim() })),
      deviceId: request.deviceId.trim(),
    },
  };
}
