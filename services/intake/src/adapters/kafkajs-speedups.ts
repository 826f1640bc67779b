/**
 * Installs intake's faster kafkajs internals (same bytes on the wire, same partitions) in place of
 * kafkajs's own modules. Imported first by main.ts: the murmur2 hash must be in place before kafkajs
 * loads its partitioners, the record encoder before the first produce request. In a module system
 * other than Node's (jest) nothing is replaced and kafkajs's own code runs.
 */
import Module from 'node:module';
import { murmur2 } from './kafkajs-murmur2';
import { fastProduceRequest, frameRequest, type Crc32C, type LongFromValue, type ProduceRequestFactory } from './kafkajs-produce-request';
import { fastRecordEncoder, type RecordEncoder } from './kafkajs-record-encoder';

const MURMUR2 = 'kafkajs/src/producer/partitioners/default/murmur2';
const RECORD = 'kafkajs/src/protocol/recordBatch/record/v0';
const FRAME = 'kafkajs/src/protocol/request';
const PRODUCE = 'kafkajs/src/protocol/requests/produce/v3/request';
/** Modules that capture the ones above when they load: past that point a replacement is too late. */
const MURMUR2_USER = 'kafkajs/src/producer/partitioners/default/index';
const RECORD_USER = PRODUCE;
const FRAME_USER = 'kafkajs/src/network/connection';

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

/**
 * Which replacements are in place (false: kafkajs had already loaded that part, or not Node's
 * loader). Order matters: the produce request (v4–v7 reuse v3) loads the record encoder it wraps.
 */
export function installKafkajsSpeedups(): { murmur2: boolean; recordEncoder: boolean; requestFrame: boolean; produceRequest: boolean } {
  const murmur2Installed = replace(MURMUR2, MURMUR2_USER, () => (key: string | Buffer) => murmur2(key));
  const recordEncoder = replace(RECORD, RECORD_USER, (original) => fastRecordEncoder(original as RecordEncoder));
  const requestFrame = replace(FRAME, FRAME_USER, () => frameRequest);
  const produceRequest = replace(PRODUCE, PRODUCE, (original) => {
    const crc32C = require('kafkajs/src/protocol/recordBatch/crc32C') as Crc32C;
    const Long = require('kafkajs/src/utils/long') as { fromValue: LongFromValue };
    return fastProduceRequest(original as ProduceRequestFactory, crc32C, (value) => Long.fromValue(value));
  });
  return { murmur2: murmur2Installed, recordEncoder, requestFrame, produceRequest };
}

export const kafkajsSpeedups = installKafkajsSpeedups();
