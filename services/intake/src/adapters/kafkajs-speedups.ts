/**
 * Installs intake's faster kafkajs internals (same bytes on the wire, same partitions) in place of
 * kafkajs's own modules. Imported first by main.ts: the murmur2 hash must be in place before kafkajs
 * loads its partitioners, the record encoder before the first produce request. In a module system
 * other than Node's (jest) nothing is replaced and kafkajs's own code runs.
 */
import Module from 'node:module';
import { murmur2 } from './kafkajs-murmur2';
import { fastRecordEncoder, type RecordEncoder } from './kafkajs-record-encoder';

const MURMUR2 = 'kafkajs/src/producer/partitioners/default/murmur2';
const RECORD = 'kafkajs/src/protocol/recordBatch/record/v0';
/** Modules that capture the ones above when they load: past that point a replacement is too late. */
const MURMUR2_USER = 'kafkajs/src/producer/partitioners/default/index';
const RECORD_USER = 'kafkajs/src/protocol/requests/produce/v3/request';

const marker = Symbol.for('imei.intake.kafkajs-speedup');

function replace(name: string, user: string, make: (original: unknown) => unknown): boolean {
  let path: string;
  let userPath: string;
  try {
    path = require.resolve(name);
    userPath = require.resolve(user);
  } catch {
    return false;
  }
  if (require.cache === undefined) return false;
  const installed = (require.cache[path]?.exports as Record<symbol, unknown> | undefined)?.[marker] === true;
  if (installed || require.cache[userPath]) return installed;
  const original: unknown = require(name);
  const replacement = new Module(path);
  replacement.filename = path;
  replacement.loaded = true;
  replacement.exports = Object.assign(make(original) as object, { [marker]: true });
  require.cache[path] = replacement;
  return true;
}

/** Which replacements are in place (false: kafkajs had already loaded that part, or not Node's loader). */
export function installKafkajsSpeedups(): { murmur2: boolean; recordEncoder: boolean } {
  return {
    murmur2: replace(MURMUR2, MURMUR2_USER, () => (key: string | Buffer) => murmur2(key)),
    recordEncoder: replace(RECORD, RECORD_USER, (original) => fastRecordEncoder(original as RecordEncoder)),
  };
}

export const kafkajsSpeedups = installKafkajsSpeedups();
