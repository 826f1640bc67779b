/** Largest |epoch ms| a Date can hold (±100,000,000 days around 1970). */
export const MAX_EPOCH_MS = 8.64e15;

/** True when `epochMs` is an instant a Date can hold: finite and within ±{@link MAX_EPOCH_MS}. */
export function isInstant(epochMs: number): boolean {
  return Math.abs(epochMs) <= MAX_EPOCH_MS; // false for NaN too
}
