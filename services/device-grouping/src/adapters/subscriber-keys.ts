import { createHmac } from 'node:crypto';

/**
 * Pseudonymous keys of subscribers for the subscriber index and clone evidence: a keyed HMAC of the
 * IMSI or MSISDN, so the store never holds either in clear (design §4) while equal subscribers still
 * meet. `i:` and `m:` keep an IMSI and an MSISDN with the same digits apart.
 */
export class SubscriberKeys {
  constructor(private readonly secret: string) {}

  private key(prefix: string, value: string): string {
    return prefix + createHmac('sha256', this.secret).update(value).digest('base64url').slice(0, 16);
  }

  imsi(imsi: string): string {
    return this.key('i:', imsi);
  }

  msisdn(msisdn: string): string {
    return this.key('m:', msisdn);
  }
}
