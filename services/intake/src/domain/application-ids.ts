import { hash } from 'node:crypto';

const digest = (text: string): string => hash('sha256', text, 'base64url').slice(0, 22);

/** The application id of a submission: derived from who submitted it and its idempotency key, so a resubmission finds the first. */
export function applicationIdOf(principal: string, idempotencyKey: string): string {
  return `app-${digest(`${principal}\n${idempotencyKey}`)}`;
}

/** The device id of a new registration: derived from its application id, so a replay reproduces it. */
export function deviceIdOf(applicationId: string): string {
  return `dev-${digest(applicationId)}`;
}
