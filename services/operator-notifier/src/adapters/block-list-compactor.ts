import { findByIds } from '@imei/mongo';
import { planFold, type FoldPlan, type TimedLink } from '../domain/chain-compaction';
import type { BlockListStore } from './block-list-store';

/** Link deletes per bulkWrite (each an `_id` equality: FerretDB's indexed shape). */
const DELETE_CHUNK = 500;

export interface BlockListCompactorOptions {
  /** Links stored less than this long ago are never folded (README, "Compaction of the chain"). */
  horizonMs: number;
  /** At most this many IMEIs are folded per run (the run's writes share the store with the hot path). */
  maxImeis: number;
  /** Store operations in flight (base updates, link deletes). Default 4. */
  concurrency?: number;
}

/** What one run did. */
export interface CompactionOutcome {
  /** IMEIs whose base moved forward and/or whose links below it were deleted. */
  folded: number;
  /** Links deleted. */
  deleted: number;
  /** IMEIs another run folded first (their base had moved): left for the next run. */
  skipped: number;
  /** IMEIs with a fold due beyond `maxImeis`: left for the next run. */
  remaining: number;
}

/**
 * Folds old links of the block-list projection into their base and deletes them. Idempotent and safe to
 * run on any member, several at once: (1) one scan of `block_list_changes` and the bases of the IMEIs with a
 * link older than the horizon; (2) the compaction fence is raised — after everything this run will delete
 * was read, before anything is deleted; (3) per IMEI, the base is moved forward with a guarded update
 * (`{_id, listVersion: old}`: a base only ever moves forward, and a run that lost the race skips the IMEI),
 * and only once every base of the run is moved are the links out of versions below the new bases
 * deleted, by `_id` (bulk deletes).
 */
export class BlockListCompactor {
  constructor(
    private readonly store: BlockListStore,
    private readonly options: BlockListCompactorOptions,
  ) {}

  async run(nowMs: number): Promise<CompactionOutcome> {
    const cutoffMs = nowMs - this.options.horizonMs;
    const byImei = new Map<string, TimedLink[]>();
    const due = new Set<string>();
    for await (const d of this.store.links.find({}, { batchSize: 10_000 })) {
      const link: TimedLink = { imei14: d.imei14, previousVersion: d.previousVersion, listVersion: d.listVersion, blocked: d.blocked, storedAtMs: d.storedAtMs };
      const links = byImei.get(d.imei14);
      if (links) links.push(link);
      else byImei.set(d.imei14, [link]);
      if ((d.storedAtMs ?? 0) <= cutoffMs) due.add(d.imei14);
    }
    const chosen = [...due].slice(0, this.options.maxImeis);
    const concurrency = this.options.concurrency ?? 4;
    const bases = await findByIds(this.store.collection, chosen, {}, concurrency);
    const plans: FoldPlan[] = [];
    for (const b of bases) {
      const plan = planFold({ imei14: b._id, listVersion: b.listVersion, blocked: b.blocked }, byImei.get(b._id)!, cutoffMs);
      if (plan) plans.push(plan);
    }
    const outcome: CompactionOutcome = { folded: 0, deleted: 0, skipped: 0, remaining: due.size - chosen.length };
    if (plans.length === 0) return outcome;
    await this.store.raiseFence();
    const moved: FoldPlan[] = [];
    await inParallel(plans, concurrency, async (plan) => {
      if (plan.base.listVersion > plan.fromVersion) {
        const update = await this.store.collection.updateOne(
          { _id: plan.base.imei14, listVersion: plan.fromVersion },
          { $set: { listVersion: plan.base.listVersion, blocked: plan.base.blocked } },
        );
        if (update.matchedCount === 0) {
          outcome.skipped++;
          return;
        }
      }
      moved.push(plan);
    });
    // Every base above is moved (or was already there): only now its links below go, by `_id`, in bulk.
    const ids = moved.flatMap((plan) => plan.deleteIds);
    const chunks = Array.from({ length: Math.ceil(ids.length / DELETE_CHUNK) }, (_, i) => ids.slice(i * DELETE_CHUNK, (i + 1) * DELETE_CHUNK));
    await inParallel(chunks, concurrency, async (chunk) => {
      const { deletedCount } = await this.store.links.bulkWrite(chunk.map((_id) => ({ deleteOne: { filter: { _id } } })), { ordered: false });
      outcome.deleted += deletedCount;
    });
    outcome.folded = moved.length;
    return outcome;
  }
}

async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
