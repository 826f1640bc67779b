import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metadata } from '@grpc/grpc-js';
import { DomainError } from '@imei/errors';
import { devIdentities, devToken } from './dev-tokens';
import { TokenTable, type TokenEntry } from './token-table';

const bearer = (value?: string) => {
  const metadata = new Metadata();
  if (value !== undefined) metadata.set('authorization', value);
  return metadata;
};

const unauthenticatedError = (table: TokenTable, metadata: Metadata) => {
  try {
    table.authenticate(metadata);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('unauthenticated');
    return (error as DomainError).message;
  }
  throw new Error('expected authentication to fail');
};

describe('TokenTable', () => {
  it('knows every dev identity by its dev token', () => {
    const table = TokenTable.load();
    for (const identity of devIdentities) expect(table.identify(devToken(identity.principal))).toEqual(identity);
    expect(table.identify('dev-operator-kcell')).toEqual({ principal: 'operator:kcell', role: 'operator', operatorId: 'kcell' });
    expect(table.identify('dev-distributor-demo')).toMatchObject({ role: 'trusted-source', source: 'official-distributor' });
  });

  it('authenticates a bearer token from metadata', () => {
    expect(TokenTable.dev().authenticate(bearer('Bearer dev-officer-demo'))).toEqual({ principal: 'officer:demo', role: 'officer' });
  });

  it('refuses a missing, malformed or unknown token with a clear message', () => {
    const table = TokenTable.dev();
    expect(unauthenticatedError(table, bearer())).toMatch(/missing credentials.*Bearer <token>/);
    expect(unauthenticatedError(table, bearer('Basic abc'))).toMatch(/malformed authorization/);
    expect(unauthenticatedError(table, bearer('Bearer dev-operator-kcel'))).toBe('unknown bearer token');
  });

  it('answers repeated calls from the accepted values and still refuses what it refused before', () => {
    const table = TokenTable.dev();
    const hashes = jest.spyOn(table, 'identify');
    for (let i = 0; i < 3; i++) expect(table.authenticate(bearer('Bearer dev-officer-demo'))).toEqual({ principal: 'officer:demo', role: 'officer' });
    expect(hashes).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 2; i++) expect(unauthenticatedError(table, bearer('Bearer dev-officer-dem'))).toBe('unknown bearer token');
    expect(hashes).toHaveBeenCalledTimes(3);
    // More distinct accepted values than it remembers (whitespace variants of two tokens): each still maps to its own identity.
    for (let spaces = 1; spaces <= 1100; spaces++) {
      expect(table.authenticate(bearer(`Bearer${' '.repeat(spaces)}dev-operator-kcell`)).principal).toBe('operator:kcell');
      expect(table.authenticate(bearer(`bearer${' '.repeat(spaces)}dev-officer-demo `)).principal).toBe('officer:demo');
    }
    expect(table.authenticate(bearer('Bearer dev-operator-beeline'))).toMatchObject({ operatorId: 'beeline' });
    expect(unauthenticatedError(table, bearer('Bearer  dev-operator-kcel'))).toBe('unknown bearer token');
  });

  it('loads a token file with clear or hashed tokens, replacing the dev table', () => {
    const hashed = createHash('sha256').update('s3cret-token-of-beeline').digest('hex');
    const entries: TokenEntry[] = [
      { principal: 'service:list-state', role: 'service', token: 'prod-token-of-list-state' },
      { principal: 'operator:beeline', role: 'operator', operatorId: 'beeline', tokenSha256: hashed },
    ];
    const file = join(mkdtempSync(join(tmpdir(), 'tokens-')), 'tokens.json');
    writeFileSync(file, JSON.stringify(entries));
    const table = TokenTable.load(file);
    expect(table.identify('prod-token-of-list-state')).toEqual({ principal: 'service:list-state', role: 'service' });
    expect(table.identify('s3cret-token-of-beeline')).toEqual({ principal: 'operator:beeline', role: 'operator', operatorId: 'beeline' });
    expect(table.identify('dev-service-list-state')).toBeUndefined();
  });

  it.each<[string, TokenEntry, RegExp]>([
    ['unknown role', { principal: 'x:y', role: 'admin' as never, token: 'a-long-enough-token' }, /role must be one of/],
    ['operator without id', { principal: 'operator:kcell', role: 'operator', token: 'a-long-enough-token' }, /operatorId is required/],
    ['operator id not a slug', { principal: 'operator:kcell', role: 'operator', operatorId: 'Kcell', token: 'a-long-enough-token' }, /slug/],
    ['trusted source without kind', { principal: 'customs:x', role: 'trusted-source', token: 'a-long-enough-token' }, /source is required/],
    ['short token', { principal: 'officer:x', role: 'officer', token: 'short' }, /at least 16/],
    ['no token', { principal: 'officer:x', role: 'officer' }, /exactly one of token and tokenSha256/],
  ])('rejects an entry with %s, naming it', (_, entry, problem) => {
    expect(() => TokenTable.fromEntries([entry], 'tokens.json')).toThrow(problem);
    expect(() => TokenTable.fromEntries([entry], 'tokens.json')).toThrow(/^tokens\.json\[0\]/);
  });

  it('rejects two identities sharing a token', () => {
    const token = 'one-token-for-two-callers';
    expect(() =>
      TokenTable.fromEntries([
        { principal: 'officer:a', role: 'officer', token },
        { principal: 'officer:b', role: 'officer', token },
      ]),
    ).toThrow(/\[1\] \(officer:b\): token already used by officer:a/);
  });
});
