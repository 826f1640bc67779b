/** A configuration problem: names the variable and the offending value so start-up fails fast and clearly. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly value: string | undefined,
    readonly expected: string,
  ) {
    super(`config: ${variable}=${value === undefined ? '(unset)' : JSON.stringify(value)} is invalid: expected ${expected}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Typed reads of environment variables. Every service reads its whole configuration through one
 * module built on this, so no other file touches `process.env`.
 */
export class EnvReader {
  constructor(private readonly env: Env = process.env) {}

  /** A string; `fallback` when unset or empty, else required. */
  string(name: string, fallback?: string): string {
    const raw = this.env[name];
    if (raw === undefined || raw === '') {
      if (fallback === undefined) throw new ConfigError(name, raw, 'a non-empty value');
      return fallback;
    }
    return raw;
  }

  /** An optional string: undefined when unset or empty. */
  optional(name: string): string | undefined {
    const raw = this.env[name];
    return raw === undefined || raw === '' ? undefined : raw;
  }

  /** An integer within [min, max]. */
  int(name: string, fallback: number, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new ConfigError(name, raw, `an integer in [${min}, ${max}]`);
    }
    return value;
  }

  /** A boolean: true/false/1/0/yes/no. */
  bool(name: string, fallback: boolean): boolean {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const v = raw.toLowerCase();
    if (v === 'true' || v === '1' || v === 'yes') return true;
    if (v === 'false' || v === '0' || v === 'no') return false;
    throw new ConfigError(name, raw, 'true or false');
  }

  /** One of a fixed set of values. */
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!(allowed as readonly string[]).includes(raw)) throw new ConfigError(name, raw, `one of ${allowed.join(', ')}`);
    return raw as T;
  }

  /** A comma-separated list of non-empty items. */
  list(name: string, fallback: readonly string[]): string[] {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return [...fallback];
    return raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  }

  /** A `host:port` address; services bind loopback by default. */
  address(name: string, fallback: string): { host: string; port: number; address: string } {
    const raw = this.string(name, fallback);
    const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(raw);
    const port = m ? Number(m[2]) : NaN;
    if (!m || port > 65535) throw new ConfigError(name, raw, 'host:port');
    return { host: m[1]!, port, address: raw };
  }
}
