import type { ListEntry } from '../domain/list-entry';

/** What the processor asks of a cache of known IMEIs. */
export interface KnownImeiCache {
  /** True when an observation of a known IMEI at `seenAtMs` on `operatorId` could change nothing. */
  nothingNew(imei14: string, seenAtMs: number, operatorId: string): boolean;
  /** True when the IMEI is cached (stored, as far as this member saw). */
  knows(imei14: string): boolean;
  /** Records an entry as it stands after a batch. */
  remember(entry: ListEntry): void;
  /** Forgets everything (partitions revoked: another member may write them now). */
  clear(): void;
}
