import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Imports remembered per operator for the row-volume gate. */
const KEEP = 10;

type History = Record<string, number[]>;

/**
 * Row counts of an operator's recent accepted dumps, in a small JSON file. The operator is known to
 * the CLI only through its token, so entries are keyed by a digest of the token, never the token.
 */
export class ImportHistory {
  constructor(private readonly path: string) {}

  static keyOf(token: string): string {
    return createHash('sha256').update(token).digest('hex').slice(0, 16);
  }

  async recent(key: string): Promise<number[]> {
    return (await this.read())[key] ?? [];
  }

  async record(key: string, rows: number): Promise<void> {
    const history = await this.read();
    history[key] = [...(history[key] ?? []), rows].slice(-KEEP);
    await mkdir(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(history, null, 2));
    await rename(temporary, this.path);
  }

  private async read(): Promise<History> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as History;
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return {};
      throw new Error(`import history ${this.path} is unreadable: ${(error as Error).message}`);
    }
  }
}
