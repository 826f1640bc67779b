import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Metadata } from '@grpc/grpc-js';
import { DomainError } from '@imei/errors';
import { devIdentities, devToken } from './dev-tokens';
import { roles, trustedSources, type Authenticator, type Identity } from './identity';

/**
 * One line of a token file: an identity and its token, either in clear (`token`) or, better for
 * shared deployment files, as the lower-case hex SHA-256 of the token (`tokenSha256`).
 */
export interface TokenEntry extends Identity {
  token?: string;
  tokenSha256?: string;
}

const sha256 = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');
const operatorSlug = /^[a-z0-9]+(-[a-z0-9]+)*$/;
/** Distinct accepted `authorization` values remembered (a deployment has a few dozen callers). */
const MAX_ACCEPTED = 1024;

/**
 * Bearer tokens → identities. Presented tokens are hashed before the lookup, so the comparison
 * never runs over the secret itself: timing reveals at most something about a SHA-256 digest, which
 * an attacker cannot steer towards a valid token.
 */
export class TokenTable implements Authenticator {
  /**
   * `authorization` values already accepted → their identity, so a caller's every call after the first
   * costs one map lookup instead of a regex and a SHA-256. Only accepted values are kept (a refused
   * one is hashed again each time), and the table never changes, so an entry never goes stale; it is
   * emptied when it reaches `MAX_ACCEPTED` distinct values. The lookup compares a presented value with
   * a remembered one only when their (per-process randomly seeded) string hashes are equal, which a
   * caller cannot steer; anything not remembered goes through the hashed lookup as before.
   */
  private readonly accepted = new Map<string, Identity>();

  private constructor(private readonly byHash: ReadonlyMap<string, Identity>) {}

  /** The local-stack identities of `devIdentities` with their `devToken`s. */
  static dev(): TokenTable {
    return TokenTable.fromEntries(devIdentities.map((identity) => ({ ...identity, token: devToken(identity.principal) })));
  }

  /** Validates every entry (role, operator id, source, one token each, no duplicates). */
  static fromEntries(entries: readonly TokenEntry[], origin = 'token table'): TokenTable {
    const byHash = new Map<string, Identity>();
    entries.forEach((entry, index) => {
      const { token, tokenSha256, ...identity } = entry;
      const problem = identityProblem(identity) ?? tokenProblem(token, tokenSha256);
      if (problem) throw new Error(`${origin}[${index}] (${String(entry.principal)}): ${problem}`);
      const hash = tokenSha256 ?? sha256(token!);
      if (byHash.has(hash)) throw new Error(`${origin}[${index}] (${entry.principal}): token already used by ${byHash.get(hash)!.principal}`);
      byHash.set(hash, identity);
    });
    return new TokenTable(byHash);
  }

  /**
   * Reads a JSON array of `TokenEntry` from `file` (services pass `GRPC_TOKENS_FILE`); without a
   * file, the dev table, which is meant for the local stack only.
   */
  static load(file?: string): TokenTable {
    if (file === undefined || file === '') return TokenTable.dev();
    const entries: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (!Array.isArray(entries)) throw new Error(`${file}: expected a JSON array of token entries`);
    return TokenTable.fromEntries(entries as TokenEntry[], file);
  }

  /** The identity holding `token`, if any. */
  identify(token: string): Identity | undefined {
    return this.byHash.get(sha256(token));
  }

  /** Reads `authorization: Bearer <token>`; throws `DomainError('unauthenticated')` naming what is wrong. */
  authenticate(metadata: Metadata): Identity {
    const [header] = metadata.get('authorization');
    if (header === undefined) {
      throw new DomainError('unauthenticated', "missing credentials: send metadata 'authorization: Bearer <token>'");
    }
    const value = String(header);
    const known = this.accepted.get(value);
    if (known) return known;
    const token = /^Bearer\s+(\S+)\s*$/i.exec(value)?.[1];
    if (token === undefined) throw new DomainError('unauthenticated', "malformed authorization metadata: expected 'Bearer <token>'");
    const identity = this.identify(token);
    if (!identity) throw new DomainError('unauthenticated', 'unknown bearer token');
    if (this.accepted.size >= MAX_ACCEPTED) this.accepted.clear();
    this.accepted.set(value, identity);
    return identity;
  }
}

function identityProblem(identity: Identity): string | undefined {
  if (typeof identity.principal !== 'string' || identity.principal === '') return 'principal is required';
  if (!roles.includes(identity.role)) return `role must be one of ${roles.join(', ')}`;
  if ((identity.role === 'operator') !== (identity.operatorId !== undefined)) return 'operatorId is required for, and only for, role operator';
  if (identity.operatorId !== undefined && !operatorSlug.test(identity.operatorId)) return 'operatorId must be a lower-case slug';
  if ((identity.role === 'trusted-source') !== (identity.source !== undefined)) return 'source is required for, and only for, role trusted-source';
  if (identity.source !== undefined && !trustedSources.includes(identity.source)) return `source must be one of ${trustedSources.join(', ')}`;
  return undefined;
}

function tokenProblem(token: unknown, tokenSha256: unknown): string | undefined {
  if ((token === undefined) === (tokenSha256 === undefined)) return 'give exactly one of token and tokenSha256';
  if (token !== undefined && (typeof token !== 'string' || token.length < 16)) return 'token must be a string of at least 16 characters';
  if (tokenSha256 !== undefined && (typeof tokenSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(tokenSha256))) return 'tokenSha256 must be 64 lower-case hex digits';
  return undefined;
}
