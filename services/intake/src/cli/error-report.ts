import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';

/** A CSV cell, quoted when it holds a comma, quote or line break. */
function cell(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The per-row error report of an import: a CSV `row,field,value,description`, written as errors
 * arrive (with backpressure, so a file full of bad rows costs no memory). Holds personal data from
 * the caller's own file (IMSI, MSISDN): it is written next to that file, never logged.
 */
export class ErrorReport {
  private readonly out: WriteStream;
  count = 0;

  constructor(readonly path: string) {
    this.out = createWriteStream(path);
    this.out.write('row,field,value,description\n');
  }

  async add(row: number, field: string, value: string, description: string): Promise<void> {
    this.count += 1;
    if (!this.out.write(`${row},${cell(field)},${cell(value)},${cell(description)}\n`)) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    this.out.end();
    await once(this.out, 'finish');
  }
}
