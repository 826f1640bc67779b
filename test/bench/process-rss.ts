import { readFileSync, writeFileSync } from 'node:fs';

/** A process's resident set now and its peak (VmRSS / VmHWM from /proc, bytes); undefined once gone. */
export function rssOf(pid: number): { rss: number; peak: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/** Resets a child's peak RSS (VmHWM) so the next phase is measured on its own (Linux clear_refs 5). */
export function resetPeak(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // not supported: the peak then covers the earlier phases too
  }
}

/** Samples a process's peak RSS every `everyMs` until stopped (the last sample before it exits). */
export function watchPeak(pid: number, everyMs = 100): { stop(): number } {
  let peak = 0;
  const sample = () => {
    const now = rssOf(pid);
    if (now) peak = Math.max(peak, now.peak, now.rss);
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      sample();
      clearInterval(timer);
      return peak;
    },
  };
}
