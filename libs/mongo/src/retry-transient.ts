import { isRetriable } from '@imei/errors';
import type { Logger } from '@imei/log';

export interface RetryOptions {
  logger?: Logger;
  /** Give up after this many attempts; default unlimited (consumers wait out an outage). */
  maxAttempts?: number;
  initialMs?: number;
  maxMs?: number;
  /** Called with false on the first transient failure, true once the operation succeeds again. */
  onHealthChange?: (serving: boolean) => void;
  /** Stop retrying when this returns true (shutdown). */
  stopped?: () => boolean;
}

/**
 * Runs `operation`, retrying transient store failures (network, server selection) with capped
 * exponential backoff; any other error is thrown at once.
 */
export async function retryTransient<T>(what: string, operation: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const initial = options.initialMs ?? 100;
  const max = options.maxMs ?? 5000;
  let failing = false;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await operation();
      if (failing) options.onHealthChange?.(true);
      return result;
    } catch (error) {
      const last = options.maxAttempts !== undefined && attempt >= options.maxAttempts;
      if (!isRetriable(error) || last || options.stopped?.()) throw error;
      if (!failing) options.onHealthChange?.(false);
      failing = true;
      const delay = Math.min(max, initial * 2 ** (attempt - 1));
      options.logger?.warn({ err: error, what, attempt, retryInMs: delay }, 'store unavailable, retrying');
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
