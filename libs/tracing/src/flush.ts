/** What `startTracing` leaves for the rest of the process: flushing the spans still buffered. */
interface TracingHandle {
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

const key = Symbol.for('imei.tracing.handle');
type Holder = { [key]?: TracingHandle };

/** Records the running SDK (called by `startTracing`). */
export function setTracingHandle(handle: TracingHandle): void {
  (globalThis as Holder)[key] = handle;
}

/**
 * Exports the spans still buffered and stops the SDK; a no-op when tracing is off. Services call it
 * last on shutdown (the runtime's stop does), so the spans of the final batches are not lost.
 */
export async function shutdownTracing(): Promise<void> {
  const handle = (globalThis as Holder)[key];
  if (!handle) return;
  delete (globalThis as Holder)[key];
  await handle.shutdown();
}

/** Exports the spans still buffered (tests, benchmarks); a no-op when tracing is off. */
export async function flushTracing(): Promise<void> {
  await (globalThis as Holder)[key]?.flush();
}
