/** Causes an entity remembers to recognise a replayed input (the most recent ones suffice: replays are recent). */
export const MAX_REMEMBERED_CAUSES = 64;

/** `causes` with `cause` appended once, bounded to the most recent. */
export function withCause(causes: readonly string[], cause: string): string[] {
  if (causes.includes(cause)) return [...causes];
  const next = [...causes, cause];
  return next.length > MAX_REMEMBERED_CAUSES ? next.slice(next.length - MAX_REMEMBERED_CAUSES) : next;
}
