/** A named step of a graceful stop, run in registration order. */
export interface ShutdownStep {
  name: string;
  run: () => Promise<void> | void;
}

interface Reporter {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * On SIGTERM or SIGINT, runs the steps in order (stop taking work, drain, close connections) and exits
 * 0; a step that fails is logged and the others still run. Exits 1 if draining exceeds `timeoutMs`
 * (default 15 s). A second signal exits at once.
 */
export function onShutdown(steps: readonly ShutdownStep[], log: Reporter, timeoutMs = 15_000): void {
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
        await step.run();
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
