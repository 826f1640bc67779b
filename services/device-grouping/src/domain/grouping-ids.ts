import { hash } from 'node:crypto';

const digest = (text: string): string => hash('sha256', text, 'base64url').slice(0, 22);

/** The conflict raised by one application claiming one IMEI for one device: a replay finds the same id. */
export function conflictIdOf(imei14: string, claimingDeviceId: string, applicationId: string): string {
  return `cf-${digest(`${imei14}\n${claimingDeviceId}\n${applicationId}`)}`;
}

/** The implicit device of a grandfathered phone, derived from the IMEI that made it one. */
export function grandfatheredDeviceIdOf(imei14: string): string {
  return `gf-${digest(imei14)}`;
}
