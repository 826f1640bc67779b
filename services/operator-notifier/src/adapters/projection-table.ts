import type { Consumer } from 'kafkajs';
import type { ProjectedImei } from '../domain/block-list-projection';
import type { BlockListStore } from './block-list-store';

/**
 * The block-list projection held in process, so a batch is decided without store reads: loaded with
 * one scan of `block_list` on first use, kept up to date with this member's own writes, and forgotten
 * at every rebalance (another member may have written the partitions it owned meanwhile).
 *
 * A stale or incomplete table cannot produce a wrong effect: a new projection is an insert that the
 * unique `_id` rejects when a document exists, a changed one a version-guarded update, and either
 * failure makes the processor re-read those IMEIs (or reload the table). It only holds IMEIs that were
 * ever blocked (about 100 bytes each).
 */
export class ProjectionTable {
  private entries: Map<string, ProjectedImei> | undefined;
  private loading: Promise<Map<string, ProjectedImei>> | undefined;
  private generation = 0;

  constructor(private readonly store: BlockListStore) {}

  /** The whole projection (loaded once; later calls answer from memory). */
  async current(): Promise<Map<string, ProjectedImei>> {
    if (this.entries) return this.entries;
    const generation = this.generation;
    this.loading ??= this.store.loadAll().then(
      (loaded) => {
        if (generation === this.generation) this.entries = loaded;
        return loaded;
      },
      (error: unknown) => {
        // A store outage: the batch is retried and the next use loads again.
        if (generation === this.generation) this.loading = undefined;
        throw error;
      },
    );
    return this.loading;
  }

  /** Records what this member stored. */
  remember(projections: Iterable<ProjectedImei>): void {
    if (!this.entries) return;
    for (const p of projections) this.entries.set(p.imei14, p);
  }

  /** Forgets the table; the next use loads it again. */
  reset(): void {
    this.generation++;
    this.entries = undefined;
    this.loading = undefined;
  }

  /** Resets the table whenever `consumer` (re)joins its group, i.e. after every rebalance. */
  resetOnRebalance(consumer: Consumer): void {
    consumer.on(consumer.events.GROUP_JOIN, () => this.reset());
  }
}
