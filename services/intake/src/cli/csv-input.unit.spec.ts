import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { mapHeader, splitCsvLine } from './csv-fields';
import { readCsvLines, type CsvLine } from './csv-lines';

const dir = mkdtempSync(join(tmpdir(), 'csv-input-'));
let n = 0;
function file(content: Buffer | string): string {
  const path = join(dir, `f${(n += 1)}.csv`);
  writeFileSync(path, content);
  return path;
}
async function lines(path: string, maxLineBytes?: number): Promise<CsvLine[]> {
  const out: CsvLine[] = [];
  for await (const batch of readCsvLines(path, { maxLineBytes })) out.push(...batch);
  return out;
}

describe('splitCsvLine', () => {
  it('splits plain and quoted fields', () => {
    expect(splitCsvLine('a,b,,c')).toEqual(['a', 'b', '', 'c']);
    expect(splitCsvLine('"a,1","say ""hi""",x')).toEqual(['a,1', 'say "hi"', 'x']);
    expect(splitCsvLine('"open,x')).toBeUndefined();
  });
});

describe('mapHeader', () => {
  it('maps any order, case and spacing; refuses missing, duplicate or empty headers', () => {
    expect(mapHeader(' IMSI ,date,rat,imei,msisdn', ['date', 'imei', 'imsi', 'msisdn', 'rat'])).toEqual({ ok: true, columns: { imsi: 0, date: 1, rat: 2, imei: 3, msisdn: 4 } });
    expect(mapHeader('date,imei', ['date', 'imei', 'imsi'])).toMatchObject({ ok: false, problem: expect.stringContaining('imsi') });
    expect(mapHeader('date,date,imei', ['date', 'imei'])).toMatchObject({ ok: false });
    expect(mapHeader(undefined, ['date'])).toMatchObject({ ok: false, problem: expect.stringContaining('empty') });
    expect(mapHeader('a,b', ['a'], ['c'])).toEqual({ ok: true, columns: { a: 0, c: -1 } });
  });
});

describe('readCsvLines', () => {
  it('reads LF and CRLF, drops a BOM, keeps a last line without newline, numbers rows', async () => {
    const got = await lines(file('\ufeffh1,h2\r\na,b\nc,d'));
    expect(got).toEqual([{ row: 1, text: 'h1,h2' }, { row: 2, text: 'a,b' }, { row: 3, text: 'c,d' }]);
  });

  it('reads gzip by its magic bytes', async () => {
    expect(await lines(file(gzipSync('h\nx\n')))).toEqual([{ row: 1, text: 'h' }, { row: 2, text: 'x' }]);
  });

  it('reports invalid UTF-8 and an over-long line as row errors and goes on', async () => {
    const bad = Buffer.concat([Buffer.from('h\nok1\n'), Buffer.from([0xc3, 0x28, 0x0a]), Buffer.from('x'.repeat(1_000_000) + '\nok2\n')]);
    const got = await lines(file(bad), 65_536);
    expect(got).toEqual([
      { row: 1, text: 'h' },
      { row: 2, text: 'ok1' },
      { row: 3, text: '', error: 'invalid-utf8' },
      { row: 4, text: '', error: 'too-long' },
      { row: 5, text: 'ok2' },
    ]);
  });
});
