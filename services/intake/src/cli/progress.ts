/** How progress is shown: a redrawn line on a terminal, plain periodic lines otherwise, or nothing. */
export type ProgressMode = 'tty' | 'plain' | 'off';

/**
 * Progress of an import: rows, rows/s and, when the input size is known, ETA. On a terminal one line
 * is redrawn at most 5 times a second; otherwise a plain line is printed every `plainEveryMs` (10 s).
 */
export class Progress {
  private readonly started = Date.now();
  private lastDraw = 0;
  private rows = 0;
  private bytes = 0;

  constructor(
    private readonly mode: ProgressMode,
    private readonly totalBytes: number,
    private readonly label: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly plainEveryMs = 10_000,
  ) {}

  static modeFor(stream: NodeJS.WriteStream, requested: 'auto' | ProgressMode): ProgressMode {
    return requested === 'auto' ? (stream.isTTY ? 'tty' : 'plain') : requested;
  }

  update(rows: number, bytes: number = this.bytes): void {
    this.rows = rows;
    this.bytes = bytes;
    if (this.mode === 'off') return;
    const now = Date.now();
    if (now - this.lastDraw < (this.mode === 'tty' ? 200 : this.plainEveryMs)) return;
    this.lastDraw = now;
    this.draw(now);
  }

  done(): void {
    if (this.mode === 'off') return;
    this.draw(Date.now());
    if (this.mode === 'tty') this.out.write('\n');
  }

  private draw(now: number): void {
    const seconds = Math.max(0.001, (now - this.started) / 1000);
    const rate = this.rows / seconds;
    const fraction = this.totalBytes > 0 ? Math.min(1, this.bytes / this.totalBytes) : 0;
    const eta = fraction > 0 && fraction < 1 ? `, ETA ${Math.ceil((seconds / fraction) * (1 - fraction))} s` : '';
    const line = `${this.label}: ${this.rows.toLocaleString('en')} rows, ${Math.round(rate).toLocaleString('en')} rows/s, ${(fraction * 100).toFixed(1)}%${eta}`;
    if (this.mode === 'tty') this.out.write(`\r\x1b[K${line}`);
    else this.out.write(`${new Date(now).toISOString()} ${line}\n`);
  }
}
