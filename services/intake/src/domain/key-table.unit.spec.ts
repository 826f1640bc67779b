import fc from 'fast-check';
import { KeyTable } from './key-table';

const bytesOf = (text: string) => Buffer.from(text, 'utf8');

describe('KeyTable', () => {
  it('answers exactly as a Set through adds, deletes and clears (property)', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), key: fc.string({ maxLength: 6 }) }),
      fc.record({ kind: fc.constant('delete' as const), key: fc.string({ maxLength: 6 }) }),
      fc.record({ kind: fc.constant('clear' as const), key: fc.constant('') }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.array(op, { maxLength: 300 }), (maxKeys, ops) => {
        const table = new KeyTable(maxKeys);
        const model = new Set<string>();
        for (const { kind, key } of ops) {
          const bytes = bytesOf(key);
          if (kind === 'clear') {
            table.clear();
            model.clear();
          } else if (kind === 'delete') {
            table.delete(bytes, bytes.length, key);
            model.delete(key);
          } else if (!table.has(bytes, bytes.length, key) && !table.isFull(bytes.length)) {
            table.add(bytes, bytes.length, key);
            model.add(key);
          }
          expect(table.size).toBe(model.size);
          expect(table.size).toBeLessThanOrEqual(maxKeys);
          for (const known of model) expect(table.has(bytesOf(known), bytesOf(known).length, known)).toBe(true);
          expect(table.has(bytes, bytes.length, key)).toBe(model.has(key));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('tells apart keys that share a prefix, a length or a hash bucket', () => {
    const table = new KeyTable(10_000);
    for (let i = 0; i < 7000; i++) {
      const key = `k${i}`;
      table.add(bytesOf(key), bytesOf(key).length, key);
    }
    for (let i = 0; i < 7000; i++) expect(table.has(bytesOf(`k${i}`), bytesOf(`k${i}`).length, `k${i}`)).toBe(true);
    for (let i = 7000; i < 14_000; i++) expect(table.has(bytesOf(`k${i}`), bytesOf(`k${i}`).length, `k${i}`)).toBe(false);
  });

  it('is full at its key count, and when the arena cannot take a key', () => {
    const table = new KeyTable(3);
    for (const key of ['a', 'b', 'c']) table.add(bytesOf(key), 1, key);
    expect(table.isFull(1)).toBe(true);
    const small = new KeyTable(2);
    expect(small.isFull(5000)).toBe(true); // arena of 1 KiB
    expect(small.isFull(-1)).toBe(false); // kept on the heap by its text
  });

  it('keeps oversized and text-only keys exact too', () => {
    const table = new KeyTable(10);
    const long = 'x'.repeat(70_000);
    table.add(bytesOf(long), bytesOf(long).length, long);
    table.add(Buffer.alloc(0), -1, '\ud800a');
    expect(table.has(bytesOf(long), bytesOf(long).length, long)).toBe(true);
    expect(table.has(Buffer.alloc(0), -1, '\ud800a')).toBe(true);
    expect(table.has(Buffer.alloc(0), -1, '\udc00a')).toBe(false);
    expect(table.size).toBe(2);
  });
});
