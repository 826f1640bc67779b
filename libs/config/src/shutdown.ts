/** A named step of a graceful stop, run in registration order. */
export interface ShutdownStep {
  name: string;
  run: () => Promise<void> | void;
  /**
   * How long the step may take before the stop moves on without it, default 10 s. A consumer stuck
   * retrying an unavailable store is abandoned this way: its offsets stay uncommitted, so the records
   * are processed again after restart (effects are idempotent), and nothing is lost.
   */
  timeoutMs?: number;
}

interface Reporter {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * On SIGTERM or SIGINT, runs the steps in order (stop taking work, drain, close connections) and exits
 * 0; a step that fails or overruns its own limit is logged and the others still run. Exits 1 if
 * the whole stop exceeds `timeoutMs` (default 45 s). A second signal exits at once.
 */
export function onShutdown(steps: readonly ShutdownStep[], log: Reporter, timeoutMs = 45_000): void {
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error({ timeoutMs }, 'shutdown timed out');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    for (const step of steps) {
      try {
        log.info({ step: step.name }, 'stopping');
        const limit = step.timeoutMs ?? 10_000;
        let timer: NodeJS.Timeout | undefined;
        const outcome = await Promise.race([
          Promise.resolve(step.run()).then(() => 'done' as const),
          new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), limit))),
        ]);
        clearTimeout(timer);
        if (outcome === 'timeout') log.error({ step: step.name, timeoutMs: limit }, 'shutdown step timed out, moving on');
      } catch (error) {
        log.error({ err: error, step: step.name }, 'shutdown step failed');
      }
    }
    log.info({}, 'stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
