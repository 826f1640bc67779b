import fc from 'fast-check';
import { murmur2 } from './kafkajs-murmur2';
import { fastProduceRequest, frameRequest, type Crc32C, type LongFromValue, type ProduceRequestFactory } from './kafkajs-produce-request';
import { fastRecordEncoder, type RecordEncoder, type RecordInput } from './kafkajs-record-encoder';

// kafkajs's own modules, the reference the replacements must match byte for byte.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (key: string | Buffer) => number;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as RecordEncoder;
const fast = fastRecordEncoder(kafkajsRecord);

const bytes = fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a));
const text = fc.string({ unit: 'grapheme', maxLength: 80 });

describe('murmur2 (kafkajs partitioner hash)', () => {
  it('returns what kafkajs returns for any key (property)', () => {
    fc.assert(fc.property(fc.oneof(bytes, text), (key) => expect(murmur2(key)).toBe(kafkajsMurmur2(key))), { numRuns: 3000 });
  });

  it('matches on registry keys', () => {
    for (const key of ['35693803123456', '01332700000000', 'ABC*123', '']) expect(murmur2(key)).toBe(kafkajsMurmur2(key));
  });
});

describe('fast record encoder', () => {
  const record = fc.record(
    {
      offsetDelta: fc.integer({ min: 0, max: 100_000 }),
      timestampDelta: fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: -(2 ** 40), max: 2 ** 40 })),
      key: fc.oneof(bytes, text, fc.constant(null)),
      value: fc.oneof(bytes, text, fc.constant(null)),
      headers: fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), fc.oneof(text, bytes, fc.array(fc.oneof(text, bytes), { maxLength: 3 })), { maxKeys: 4 }),
    },
    { requiredKeys: ['key', 'value'] },
  );

  it('writes the bytes kafkajs writes (property)', () => {
    fc.assert(fc.property(record, (input: RecordInput) => expect(fast(input).buffer.equals(kafkajsRecord(input).buffer)).toBe(true)), { numRuns: 3000 });
  });

  it('writes an observation record as kafkajs does, repeated headers included', () => {
    const input = { offsetDelta: 999, timestampDelta: 0, key: '35693803123456', value: Buffer.alloc(120, 7), headers: { 'content-type': 'application/x-protobuf; messageType=imei.v1.Observation' } };
    for (let i = 0; i < 3; i++) expect(fast(input).buffer.equals(kafkajsRecord(input).buffer)).toBe(true);
  });

  it('leaves what it does not handle to kafkajs (a null header value, a number key)', () => {
    expect(() => fast({ key: 'k', value: 'v', headers: { h: null } })).toThrow(); // kafkajs cannot encode it either
    const numberKey = { key: 42 as unknown as string, value: 'v' };
    expect(() => fast(numberKey)).toThrow();
    expect(() => kafkajsRecord(numberKey)).toThrow();
  });

  it('returns views that later records never overwrite', () => {
    const first = fast({ key: 'a', value: Buffer.alloc(100, 1) }).buffer;
    const copy = Buffer.from(first);
    for (let i = 0; i < 5000; i++) fast({ key: `k${i}`, value: Buffer.alloc(100, i % 256) });
    expect(first.equals(copy)).toBe(true);
  });
});

describe('one-pass produce request and frame', () => {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const kafkajsProduce = require('kafkajs/src/protocol/requests/produce/v3/request') as ProduceRequestFactory;
  const kafkajsFrame = require('kafkajs/src/protocol/request') as typeof frameRequest;
  const crc32C = require('kafkajs/src/protocol/recordBatch/crc32C') as Crc32C;
  const Long = require('kafkajs/src/utils/long') as { fromValue: LongFromValue };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const fastProduce = fastProduceRequest(kafkajsProduce, crc32C, (v) => Long.fromValue(v));

  beforeAll(() => jest.spyOn(Date, 'now').mockReturnValue(1_764_000_000_123));
  afterAll(() => jest.restoreAllMocks());

  const message = fc.record(
    { key: fc.oneof(bytes, text, fc.constant(null)), value: fc.oneof(bytes, text, fc.constant(null)), headers: fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.oneof(text, bytes), { maxKeys: 3 }) },
    { requiredKeys: ['key', 'value'] },
  );
  const args = fc.record({
    acks: fc.constantFrom(-1, 1),
    timeout: fc.integer({ min: 0, max: 60_000 }),
    transactionalId: fc.oneof(fc.constant(null), fc.string({ maxLength: 10 })),
    producerId: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 2 ** 40 })),
    producerEpoch: fc.integer({ min: 0, max: 100 }),
    topicData: fc.array(
      fc.record({
        topic: fc.string({ minLength: 1, maxLength: 30 }),
        partitions: fc.array(fc.record({ partition: fc.integer({ min: 0, max: 11 }), firstSequence: fc.integer({ min: 0, max: 1e6 }), messages: fc.array(message, { maxLength: 12 }) }), { maxLength: 3 }),
      }),
      { maxLength: 2 },
    ),
  });

  it('encodes the bytes kafkajs encodes (property)', async () => {
    await fc.assert(
      fc.asyncProperty(args, async (a) => {
        const [ours, theirs] = await Promise.all([fastProduce(a).encode(), kafkajsProduce(a).encode()]);
        expect(ours.buffer.equals(theirs.buffer)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the request shape and leaves compressed or timestamped requests to kafkajs', async () => {
    const base = { acks: -1, timeout: 30_000, topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ key: 'k', value: 'v', timestamp: '1700000000000' }] }] }] };
    const request = fastProduce(base);
    expect([request.apiKey, request.apiVersion, request.apiName, request.expectResponse()]).toEqual([0, 3, 'Produce', true]);
    expect((await request.encode()).buffer.equals((await kafkajsProduce(base).encode()).buffer)).toBe(true);
  });

  it('frames a request as kafkajs does', async () => {
    await fc.assert(
      fc.asyncProperty(bytes, fc.oneof(fc.constant(null), fc.string({ maxLength: 20 })), fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (payload, clientId, correlationId) => {
        const request = { apiKey: 0, apiVersion: 7, encode: async () => ({ buffer: payload, buf: payload }) };
        const [ours, theirs] = await Promise.all([frameRequest({ correlationId, clientId, request }), kafkajsFrame({ correlationId, clientId, request })]);
        expect(ours.buffer.equals(theirs.buffer)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
