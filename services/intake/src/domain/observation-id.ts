import { hash } from 'node:crypto';

/**
 * Deterministic id of an observation's de-duplication key: the same (day, operator, IMSI, MSISDN,
 * imei14) always gets the same id, so a replayed feed reproduces it. A digest, so the id carries no
 * personal data in clear text.
 */
export function observationId(deduplicationKey: string): string {
  return `obs-${hash('sha256', deduplicationKey, 'base64url').slice(0, 22)}`;
}
