import { createHmac } from 'node:crypto';

const key = process.env.LOG_PSEUDONYM_KEY ?? 'imei-registry-dev-pseudonym-key';

/**
 * Keyed one-way pseudonym for personal data (IMSI, MSISDN, owner id): lets an SRE correlate two log
 * lines or spans about the same subscriber without ever seeing the value. Key from LOG_PSEUDONYM_KEY.
 */
export function pseudonymise(value: unknown): string {
  if (value === undefined || value === null || value === '') return '';
  return 'pn:' + createHmac('sha256', key).update(String(value)).digest('hex').slice(0, 16);
}

/** Field names that carry personal data, in every spelling the codebase uses. */
export const personalDataFields: readonly string[] = [
  'imsi', 'msisdn', 'ownerRef', 'owner_ref', 'ownerId', 'owner_id', 'supi', 'gpsi',
];
