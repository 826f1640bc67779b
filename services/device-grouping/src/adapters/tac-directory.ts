import type { Db } from 'mongodb';
import { findByIds } from '@imei/mongo';
import type { TacLookup, TacModel } from '../domain/tac-model';

/** Collection `tac_models`: `_id` = 8-digit TAC (GSMA-style TAC data imported by the CLI). */
export interface TacDocument extends Omit<TacModel, 'tac'> {
  _id: string;
}

export interface TacDirectoryOptions {
  /** How long a looked-up TAC (found or not) is trusted before it is read again; default 5 min. */
  ttlMs?: number;
  /** TACs cached at most; default 200,000 (every TAC of a national market fits). */
  maxEntries?: number;
}

/**
 * TAC data for the domain: `prefetch` the TACs a batch needs by `_id`, then `lookup` is
 * a synchronous map read. Entries expire so a new import is seen within the TTL.
 */
export class TacDirectory {
  private readonly cache = new Map<string, { model: TacModel | undefined; at: number }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(
    private readonly db: Db,
    private readonly clock: () => number = Date.now,
    options: TacDirectoryOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.maxEntries = options.maxEntries ?? 200_000;
  }

  readonly lookup: TacLookup = (tac) => this.cache.get(tac)?.model;

  async prefetch(tacs: Iterable<string>): Promise<void> {
    const now = this.clock();
    const missing = [...new Set(tacs)].filter((tac) => {
      const hit = this.cache.get(tac);
      return hit === undefined || now - hit.at > this.ttlMs;
    });
    if (missing.length === 0) return;
    const docs = await findByIds(this.db.collection<TacDocument>('tac_models'), missing);
    const found = new Map(docs.map((d) => [d._id, d]));
    if (this.cache.size + missing.length > this.maxEntries) this.cache.clear();
    for (const tac of missing) {
      const d = found.get(tac);
      this.cache.set(tac, { model: d === undefined ? undefined : { tac, brand: d.brand, model: d.model, deviceType: d.deviceType, slots: d.slots }, at: now });
    }
  }

  /** Forgets everything (after an import in the same process). */
  clear(): void {
    this.cache.clear();
  }
}
