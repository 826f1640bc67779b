/** Capped exponential backoff with full jitter: attempt 1 → up to `initialMs`, doubling to `maxMs`. */
export function backoffDelay(attempt: number, initialMs = 200, maxMs = 10_000, random = Math.random): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Retries a start-up step (connect, ensure topics) until the broker answers, with capped backoff,
 * so a service started before the broker waits for it instead of exiting.
 */
export async function retryingStartup<T>(what: string, step: () => Promise<T>, logger: { warn(o: object, m: string): void }, maxMs = 5000): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      // Wrong credentials or missing ACLs will not heal by waiting: fail fast and say so.
      if (/Authentication|Authorization|not authorized/i.test(`${(error as Error).name} ${(error as Error).message}`)) throw error;
      const delay = backoffDelay(attempt, 250, maxMs);
      logger.warn({ err: error, what, attempt, retryInMs: delay }, 'start-up step failed, retrying');
      await sleep(delay);
    }
  }
}
