/**
 * One-pass encoding of kafkajs 2.2.4 produce requests (v3, which v4–v7 reuse) and of the request
 * frame, same bytes, installed in place of kafkajs's modules (kafkajs-speedups.ts).
 *
 * kafkajs builds a produce request by nesting encoders: each record batch is copied into a growing
 * buffer, then into the batch, the partition, the topic, the request and the frame, each growing by
 * doubling from 512 bytes: ~16 bytes of short-lived buffers per byte sent. At intake's volume that was
 * hundreds of MB/s of garbage buffers, much of the process's resident memory. Here records are written
 * once into a reused scratch buffer with the batch around them (CRC-32C as kafkajs computes it), then
 * copied once into an exact-size payload; the frame is one more exact copy. A request it does not
 * handle (compression, per-message timestamps, unusual records) is encoded by kafkajs as before.
 */
import { planRecord, writeRecord, type RecordInput } from './kafkajs-record-encoder';

interface Encoded {
  buf: Buffer;
  buffer: Buffer;
  size(): number;
}
interface LongLike {
  getHighBits(): number;
  getLowBits(): number;
}
interface PartitionData {
  partition: number;
  firstSequence?: number;
  messages: (RecordInput & { timestamp?: unknown })[];
}
export interface ProduceArgs {
  acks: number;
  timeout: number;
  transactionalId?: string | null;
  producerId?: unknown;
  producerEpoch?: number;
  compression?: number;
  topicData: { topic: string; partitions: PartitionData[] }[];
}
export interface ProduceRequest {
  apiKey: number;
  apiVersion: number;
  apiName: string;
  expectResponse(): boolean;
  encode(): Promise<{ buffer: Buffer }>;
}
export type ProduceRequestFactory = (args: ProduceArgs) => ProduceRequest;
export type Crc32C = (bytes: Buffer) => number;
export type LongFromValue = (value: unknown) => LongLike;

const MAGIC_BYTE = 2;
const TRANSACTIONAL = 16;

const encoded = (buffer: Buffer): Encoded => ({ buf: buffer, buffer, size: () => buffer.length });

let scratch = Buffer.allocUnsafe(1 << 20);
let at = 0;

function ensure(bytes: number): void {
  if (at + bytes <= scratch.length) return;
  let size = scratch.length * 2;
  while (at + bytes > size) size *= 2;
  const bigger = Buffer.allocUnsafe(size);
  scratch.copy(bigger, 0, 0, at);
  scratch = bigger;
}

function string(text: string | null | undefined): void {
  if (text === null || text === undefined) {
    ensure(2);
    at = scratch.writeInt16BE(-1, at);
    return;
  }
  const length = Buffer.byteLength(text, 'utf8');
  ensure(2 + length);
  at = scratch.writeInt16BE(length, at);
  at += scratch.write(text, at, length, 'utf8');
}

function int64(long: LongLike): void {
  at = scratch.writeInt32BE(long.getHighBits(), at);
  at = scratch.writeInt32BE(long.getLowBits(), at);
}

/** The payload of a produce request, or undefined when kafkajs must encode it. */
function encodeProduce(args: ProduceArgs, crc32C: Crc32C, longOf: LongFromValue): Buffer | undefined {
  if ((args.compression ?? 0) !== 0) return undefined;
  for (const topic of args.topicData) {
    for (const partition of topic.partitions) if (partition.messages.some((m) => m.timestamp !== null && m.timestamp !== undefined)) return undefined;
  }
  const producerId = longOf(args.producerId ?? -1);
  const attributes = args.transactionalId ? TRANSACTIONAL : 0;
  at = 0;
  string(args.transactionalId);
  ensure(10);
  at = scratch.writeInt16BE(args.acks, at);
  at = scratch.writeInt32BE(args.timeout, at);
  at = scratch.writeInt32BE(args.topicData.length, at);
  for (const { topic, partitions } of args.topicData) {
    string(topic);
    ensure(4);
    at = scratch.writeInt32BE(partitions.length, at);
    for (const { partition, messages, firstSequence } of partitions) {
      const now = Date.now();
      const plans = new Array(messages.length);
      let recordBytes = 0;
      for (let i = 0; i < messages.length; i++) {
        const m = messages[i]!;
        const plan = planRecord({ key: m.key, value: m.value, headers: m.headers, offsetDelta: i, timestampDelta: 0 });
        if (plan === undefined) return undefined;
        plans[i] = plan;
        recordBytes += plan.total;
      }
      ensure(4 + 4 + 8 + 4 + 4 + 1 + 4 + 2 + 4 + 8 + 8 + 8 + 2 + 4 + 4 + recordBytes);
      at = scratch.writeInt32BE(partition, at);
      const sizeAt = at;
      at += 4;
      const batchStart = at;
      at = scratch.writeInt32BE(0, at); // first offset (int64 0)
      at = scratch.writeInt32BE(0, at);
      const lengthAt = at;
      at += 4;
      at = scratch.writeInt32BE(0, at); // partition leader epoch
      at = scratch.writeInt8(MAGIC_BYTE, at);
      const crcAt = at;
      at += 4;
      const bodyStart = at;
      at = scratch.writeInt16BE(attributes, at);
      at = scratch.writeInt32BE(messages.length - 1, at); // last offset delta
      int64(longOf(now)); // first timestamp
      int64(longOf(now)); // max timestamp
      int64(producerId);
      at = scratch.writeInt16BE(args.producerEpoch ?? 0, at);
      at = scratch.writeInt32BE(firstSequence ?? 0, at);
      at = scratch.writeInt32BE(messages.length, at);
      for (const plan of plans) at = writeRecord(plan, scratch, at);
      scratch.writeUInt32BE(crc32C(scratch.subarray(bodyStart, at)), crcAt);
      scratch.writeInt32BE(at - lengthAt - 4, lengthAt);
      scratch.writeInt32BE(at - batchStart, sizeAt);
    }
  }
  return Buffer.from(scratch.subarray(0, at));
}

/** kafkajs's v3 produce request factory with the one-pass encoder in front of its own. */
export function fastProduceRequest(original: ProduceRequestFactory, crc32C: Crc32C, longOf: LongFromValue): ProduceRequestFactory {
  return (args) => {
    const request = original(args);
    const kafkajsEncode = request.encode;
    return {
      ...request,
      encode: async () => {
        const payload = encodeProduce(args, crc32C, longOf);
        return payload === undefined ? kafkajsEncode() : encoded(payload);
      },
    };
  };
}

interface FrameArgs {
  correlationId: number;
  clientId: string | null | undefined;
  request: { apiKey: number; apiVersion: number; encode(): Promise<{ buffer: Buffer }> };
}

/** kafkajs's request frame (size, api key and version, correlation id, client id, payload) in one exact copy. */
export async function frameRequest({ correlationId, clientId, request }: FrameArgs): Promise<Encoded> {
  const payload = (await request.encode()).buffer;
  const idLength = clientId === null || clientId === undefined ? -1 : Buffer.byteLength(clientId, 'utf8');
  const size = 2 + 2 + 4 + 2 + Math.max(0, idLength) + payload.length;
  const frame = Buffer.allocUnsafe(4 + size);
  let offset = frame.writeInt32BE(size, 0);
  offset = frame.writeInt16BE(request.apiKey, offset);
  offset = frame.writeInt16BE(request.apiVersion, offset);
  offset = frame.writeInt32BE(correlationId, offset);
  offset = frame.writeInt16BE(idLength, offset);
  if (idLength > 0) offset += frame.write(clientId!, offset, idLength, 'utf8');
  payload.copy(frame, offset);
  return encoded(frame);
}
