import type { Consumer } from 'kafkajs';
import type { ProjectedImei } from '../domain/block-list-projection';
import type { BlockListStore } from './block-list-store';

/**
 * The block-list projection held in process, so a batch is decided without store reads: loaded with
 * one scan of `block_list_changes` and one of `block_list` on first use, kept up to date with this
 * member's own writes, and forgotten at every rebalance (another member may have written the partitions
 * it owned meanwhile).
 *
 * A stale or incomplete table cannot produce a wrong effect: every write is an insert that the unique
 * `_id` rejects when the version decided against is no longer the head, and the processor then re-reads
 * those IMEIs. Against compaction (which deletes links) each entry remembers the compaction fence read
 * before it was learnt (`knownEpochOf`): a link decided against an entry older than the fence read after
 * the insert is checked against the stored base (README, "Compaction of the chain"). It only holds IMEIs
 * that were ever blocked (about 100 bytes each).
 */
export class ProjectionTable {
  private entries: Map<string, ProjectedImei> | undefined;
  private loading: Promise<Map<string, ProjectedImei>> | undefined;
  private generation = 0;
  /** The highest compaction fence this member has read. */
  private fence = 0;
  /** The fence read before the load (the epoch of every entry not learnt since). */
  private loadEpoch = 0;
  /** Entries learnt after the load: the fence read before each was learnt. */
  private readonly knownEpochs = new Map<string, number>();

  constructor(private readonly store: BlockListStore) {}

  /** The whole projection (loaded once; later calls answer from memory). */
  async current(): Promise<Map<string, ProjectedImei>> {
    if (this.entries) return this.entries;
    const generation = this.generation;
    this.loading ??= this.load().then(
      ({ loaded, epoch }) => {
        if (generation === this.generation) {
          this.entries = loaded;
          this.loadEpoch = epoch;
        }
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

  /** The highest compaction fence read so far (a value read before anything this member does next). */
  fenceSeen(): number {
    return this.fence;
  }

  /** Records a compaction fence just read. */
  observeFence(epoch: number): void {
    this.fence = Math.max(this.fence, epoch);
  }

  /** The fence read before this member learnt its entry of `imei14`. */
  knownEpochOf(imei14: string): number {
    return this.knownEpochs.get(imei14) ?? this.loadEpoch;
  }

  /** Records projections this member stored or read, learnt after reading fence `epoch`. */
  remember(projections: Iterable<ProjectedImei>, epoch: number): void {
    if (!this.entries) return;
    for (const p of projections) {
      this.entries.set(p.imei14, p);
      this.knownEpochs.set(p.imei14, epoch);
    }
  }

  /** Forgets the table; the next use loads it again. */
  reset(): void {
    this.generation++;
    this.entries = undefined;
    this.loading = undefined;
    this.knownEpochs.clear();
  }

  /** Resets the table whenever `consumer` (re)joins its group, i.e. after every rebalance. */
  resetOnRebalance(consumer: Consumer): void {
    consumer.on(consumer.events.GROUP_JOIN, () => this.reset());
  }

  private async load(): Promise<{ loaded: Map<string, ProjectedImei>; epoch: number }> {
    const epoch = await this.store.fenceEpoch();
    this.observeFence(epoch);
    return { loaded: await this.store.loadAll(), epoch };
  }
}
