/** Capped exponential backoff with full jitter: attempt 1 → up to `initialMs`, doubling to `maxMs`. */
export function backoffDelay(attempt: number, initialMs = 200, maxMs = 10_000, random = Math.random): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
