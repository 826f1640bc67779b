import { readFileSync } from 'node:fs';
import { parseListPolicy, type ListPolicy } from '../domain/list-policy';

/** Reads and validates the policy JSON file. @throws PolicyError naming the field, or the read error. */
export function readPolicyFile(path: string): ListPolicy {
  return parseListPolicy(JSON.parse(readFileSync(path, 'utf8')));
}
