import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, truncateSync, writeSync } from 'node:fs';
import type { BlockListEntry } from '@imei/contracts';
import type { PartitionOffset } from './topic-range-reader';

/** One row of an operator's local copy of the block list. */
export interface MirrorRow {
  imei: string;
  reason: number;
  blockedAtMs: number;
  listVersion: number;
}

/**
 * An operator's local copy of the national block list in one file: an append-only journal of
 * `+imei14<TAB>imei<TAB>reason<TAB>blockedAtMs<TAB>listVersion` (record), `-imei14` (tombstone) and
 * `@partition:offset,...` (the next offsets to read, written after each applied batch) lines. Lines
 * after the last `@` line were never confirmed and are cut off at load, so the table and its offsets
 * always agree after a crash. The journal is rewritten compactly when it grows past twice the table.
 */
export class MirrorTable {
  readonly rows = new Map<string, MirrorRow>();
  offsets: PartitionOffset[] = [];
  private fd = -1;
  private journalLines = 0;

  constructor(readonly file: string) {}

  /** Loads the file (creating it when missing) and opens it for appending. */
  open(): this {
    if (existsSync(this.file)) {
      const lines = readFileSync(this.file, 'utf8').split('\n');
      // The last complete offsets line (one followed by a newline) ends what was confirmed.
      let last = lines.length - 2;
      while (last >= 0 && !lines[last]!.startsWith('@')) last--;
      const confirmed = lines.slice(0, last + 1);
      for (const line of confirmed) if (line) this.applyLine(line);
      const confirmedBytes = confirmed.reduce((n, line) => n + Buffer.byteLength(line) + 1, 0);
      truncateSync(this.file, confirmedBytes);
    }
    this.fd = openSync(this.file, 'a');
    return this;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  /** Applies a batch of records (null value = tombstone) and the offsets after it, durably (fsync). */
  apply(records: ReadonlyArray<{ key: string; entry: BlockListEntry | null }>, offsets: readonly PartitionOffset[]): void {
    const lines: string[] = [];
    for (const { key, entry } of records) {
      lines.push(entry ? `+${key}\t${entry.imei}\t${entry.reason}\t${entry.blockedAt?.getTime() ?? 0}\t${entry.listVersion}` : `-${key}`);
    }
    lines.push(`@${offsets.map((o) => `${o.partition}:${o.offset}`).join(',')}`);
    for (const line of lines) this.applyLine(line);
    writeSync(this.fd, `${lines.join('\n')}\n`);
    fsyncSync(this.fd);
    if (this.journalLines > 2 * this.rows.size + 10_000) this.compact();
  }

  isBlocked(imei14: string): MirrorRow | undefined {
    return this.rows.get(imei14);
  }

  /** Rewrites the journal as the current table plus its offsets (atomic rename). */
  compact(): void {
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w');
    const chunk: string[] = [];
    for (const [key, r] of this.rows) {
      chunk.push(`+${key}\t${r.imei}\t${r.reason}\t${r.blockedAtMs}\t${r.listVersion}`);
      if (chunk.length === 10_000) writeSync(fd, `${chunk.splice(0).join('\n')}\n`);
    }
    chunk.push(`@${this.offsets.map((o) => `${o.partition}:${o.offset}`).join(',')}`);
    writeSync(fd, `${chunk.join('\n')}\n`);
    fsyncSync(fd);
    closeSync(fd);
    this.close();
    renameSync(tmp, this.file);
    this.fd = openSync(this.file, 'a');
    this.journalLines = this.rows.size + 1;
  }

  private applyLine(line: string): void {
    this.journalLines++;
    const kind = line[0];
    if (kind === '+') {
      const [key, imei, reason, blockedAtMs, listVersion] = line.slice(1).split('\t');
      this.rows.set(key!, { imei: imei!, reason: Number(reason), blockedAtMs: Number(blockedAtMs), listVersion: Number(listVersion) });
    } else if (kind === '-') this.rows.delete(line.slice(1));
    else if (kind === '@') {
      this.offsets = line.length > 1 ? line.slice(1).split(',').map((p) => {
        const [partition, offset] = p.split(':');
        return { partition: Number(partition), offset: Number(offset) };
      }) : [];
    }
  }
}
