import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';

/** One physical line of a CSV file: its text, or why it could not be read. */
export interface CsvLine {
  /** 1-based line number in the (decompressed) file: the header is row 1. */
  readonly row: number;
  /** The line without its CR/LF; empty when `error` is set. */
  readonly text: string;
  readonly error?: 'too-long' | 'invalid-utf8';
}

export interface CsvLineOptions {
  /** Longest line kept, in bytes; a longer one is reported as a row error and skipped. Default 65536. */
  maxLineBytes?: number;
  /** Told how many raw (possibly compressed) bytes were read so far, for progress. */
  onBytes?: (bytes: number) => void;
}

const LF = 10;
const CR = 13;
const GZIP_MAGIC = [0x1f, 0x8b];

/** True when the file starts with the gzip magic bytes. */
export async function isGzipFile(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  } finally {
    await handle.close();
  }
}

/**
 * Streams a CSV file's lines in batches, in constant memory: gzip is detected by its magic bytes, LF
 * and CRLF both end a line, a UTF-8 BOM is dropped, a line that is not valid UTF-8 or longer than
 * `maxLineBytes` is yielded as an error (its bytes are discarded as they stream past, so a 1 MB line
 * costs no more memory than a short one). Quoted fields spanning lines are not supported: one row, one line.
 */
export async function* readCsvLines(path: string, options: CsvLineOptions = {}): AsyncGenerator<CsvLine[]> {
  const maxLineBytes = options.maxLineBytes ?? 65_536;
  const gzip = await isGzipFile(path);
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  let rawBytes = 0;
  const countRaw = (length: number) => options.onBytes?.((rawBytes += length));
  // A 'data' listener would set a plain stream flowing before it is iterated; piping already does.
  if (gzip) raw.on('data', (chunk) => countRaw(chunk.length));
  const source = gzip ? raw.pipe(createGunzip()) : raw;
  if (gzip) raw.on('error', (error) => source.destroy(error));
  let carry: Buffer | undefined;
  let overflow = false;
  let row = 0;
  let first = true;

  const lineOf = (bytes: Buffer): CsvLine => {
    row += 1;
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === CR) end -= 1;
    let start = 0;
    if (first && end >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
    first = false;
    const body = bytes.subarray(start, end);
    if (!isUtf8(body)) return { row, text: '', error: 'invalid-utf8' };
    return { row, text: body.toString('utf8') };
  };

  for await (const chunk of source as AsyncIterable<Buffer>) {
    if (!gzip) countRaw(chunk.length);
    const lines: CsvLine[] = [];
    let from = 0;
    for (;;) {
      const newline = chunk.indexOf(LF, from);
      if (newline < 0) break;
      const piece = chunk.subarray(from, newline);
      from = newline + 1;
      if (overflow) {
        overflow = false;
        row += 1;
        first = false;
        lines.push({ row, text: '', error: 'too-long' });
      } else if (carry) {
        const whole = Buffer.concat([carry, piece]);
        carry = undefined;
        if (whole.length > maxLineBytes) {
          row += 1;
          first = false;
          lines.push({ row, text: '', error: 'too-long' });
        } else lines.push(lineOf(whole));
      } else if (piece.length > maxLineBytes) {
        row += 1;
        first = false;
        lines.push({ row, text: '', error: 'too-long' });
      } else lines.push(lineOf(piece));
    }
    if (from < chunk.length && !overflow) {
      const rest = chunk.subarray(from);
      if ((carry?.length ?? 0) + rest.length > maxLineBytes) {
        carry = undefined;
        overflow = true;
      } else carry = carry ? Buffer.concat([carry, rest]) : Buffer.from(rest);
    }
    if (lines.length > 0) yield lines;
  }
  if (overflow) {
    row += 1;
    yield [{ row, text: '', error: 'too-long' }];
  } else if (carry && carry.length > 0) yield [lineOf(carry)];
}
