import type { Logger } from '@imei/log';
import type { EntityChange, StoredChange, StoredEvent } from '@imei/outbox';
import { VersionConflictError } from '@imei/outbox';
import { decide } from '../domain/decide-list-entry';
import { evolve } from '../domain/evolve-list-entry';
import { unknownEntry, type AuditRecord, type ListEntry } from '../domain/list-entry';
import type { ListPolicy } from '../domain/list-policy';
import type { BurstGuard } from '../domain/mass-block-guard';
import { addDeviceDelta, type MemberChange } from '../domain/device-statistics';
import { addCountDelta } from '../domain/statistics-delta';
import type { DeviceStatisticsStore } from './device-statistics-store';
import type { KnownImeiCache } from './known-imei-cache';
import { listChangeEvent } from './list-change';
import type { ListEntryDocument, ListEntryStore, LoadedEntry, SeenUpdate } from './list-entry-store';
import type { KeyedInput } from './list-inputs';
import type { ListStatisticsStore } from './list-statistics-store';

export interface ListProcessorDeps {
  store: ListEntryStore;
  statistics: ListStatisticsStore;
  /** Device members for the statistics in devices. */
  devices: DeviceStatisticsStore;
  policy: ListPolicy;
  clock: () => number;
  /** Guards bursts of automatic clone blocks. */
  cloneGuard: BurstGuard;
  /** Known IMEIs with what an observation could change: lets repeat sightings skip the store. */
  cache?: KnownImeiCache;
  /**
   * A hint that an IMEI is stored although the cache does not know it (the checks' read model once it
   * caught up): such IMEIs are read first instead of inserted optimistically. Only a hint: a wrong
   * "no" costs one failed insert, never a wrong write (the unique `_id` decides).
   */
  storedElsewhere?: (imei14: string) => boolean;
  logger: Logger;
}

/** What one batch did, for logs, tests and benchmarks. */
export interface BatchOutcome {
  inputs: number;
  skippedByCache: number;
  /** New entries stored by an insert without a read before it. */
  inserted: number;
  /** IMEIs guessed new that were stored already, or that a first sight would not store (read and decided again). */
  guessedStored: number;
  loaded: number;
  changed: number;
  seenOnly: number;
  replays: number;
  refusals: Array<{ imei14: string; cause: string; why: string }>;
}

/** One entry as the batch works on it. */
interface Work {
  imei14: string;
  loaded: LoadedEntry | undefined;
  entry: ListEntry;
  inputs: KeyedInput[];
  /** Entry snapshots after each transition, in order (one stored version each). */
  versions: Array<{ entry: ListEntry; input: KeyedInput }>;
  seen: boolean;
  /** The outbox as the next stored version will find it. */
  outbox: StoredEvent[];
  /** Versions already stored by the optimistic insert (0 or 1). */
  storedVersions: number;
}

/**
 * Applies a batch of inputs of one partition to the list entries: groups by imei14, reads the entries
 * it needs by `_id`, decides and evolves in memory, then writes only what changed — each transition
 * with its ListChange in one document write (outbox), audit records after it, unversioned last-seen
 * updates in bulk — and publishes. A replayed input re-publishes its stored change when it was never
 * acknowledged, and rewrites its audit records (same ids): never a second version.
 */
export class ListProcessor {
  /** Per partition: the mark-sent updates of its previous batch, still running (at most one). */
  private readonly marking = new Map<number, Promise<void>>();

  constructor(private readonly deps: ListProcessorDeps) {}

  /** Resolves once every batch's mark-sent updates ended (orderly stop). */
  async flush(): Promise<void> {
    await Promise.all(this.marking.values());
  }

  async process(partition: number, inputs: readonly KeyedInput[]): Promise<BatchOutcome> {
    // One batch's mark-sent updates overlap the next batch of the partition, never more.
    await this.marking.get(partition);
    this.marking.delete(partition);
    const { store, cache } = this.deps;
    const now = this.deps.clock();
    const outcome: BatchOutcome = { inputs: inputs.length, skippedByCache: 0, inserted: 0, guessedStored: 0, loaded: 0, changed: 0, seenOnly: 0, replays: 0, refusals: [] };
    const byKey = new Map<string, KeyedInput[]>();
    for (const input of inputs) {
      if (cache && input.input.kind === 'observation' && cache.nothingNew(input.imei14, input.input.seenAtMs, input.input.operatorId)) {
        outcome.skippedByCache++;
        continue;
      }
      let list = byKey.get(input.imei14);
      if (!list) byKey.set(input.imei14, (list = []));
      list.push(input);
    }
    if (byKey.size === 0) return outcome;
    // Observations of IMEIs nobody here knows are most likely first sightings: they are decided against
    // the unknown entry and inserted in bulk, without a read; the few found stored already are read
    // and decided again. Everything else is read by `_id` first.
    const guessNew = (imei14: string, keyed: KeyedInput[]): boolean =>
      cache !== undefined && keyed.every((k) => k.input.kind === 'observation') && !cache.knows(imei14) && !(this.deps.storedElsewhere?.(imei14) ?? false);
    const toRead: string[] = [];
    const guessed: string[] = [];
    for (const [imei14, keyed] of byKey) (guessNew(imei14, keyed) ? guessed : toRead).push(imei14);
    const loaded = await store.load(toRead);
    outcome.loaded = loaded.size;

    const works = new Map<string, Work>();
    const replayed: Array<{ loaded: LoadedEntry; cause: string }> = [];
    const build = async (imei14: string, found: LoadedEntry | undefined, into: BatchOutcome): Promise<Work> => {
      const keyed = byKey.get(imei14)!;
      const work: Work = { imei14, loaded: found, entry: found?.entry ?? unknownEntry(imei14, keyed[0]!.malformed), inputs: keyed, versions: [], seen: false, outbox: found?.outbox ?? [], storedVersions: 0 };
      for (const input of keyed) await this.apply(work, input, now, into, replayed);
      return work;
    };
    // A guess is decided apart: if the entry turns out stored, it is decided again and counted then.
    const guesses: BatchOutcome = { ...outcome, refusals: [] };
    const isGuess = new Set(guessed);
    for (const imei14 of byKey.keys()) works.set(imei14, await build(imei14, loaded.get(imei14), isGuess.has(imei14) ? guesses : outcome));
    const inserted = await this.insertGuessed(guessed.map((id) => works.get(id)!));
    const wrong = new Set(inserted.existing);
    outcome.inserted = inserted.stored.length;
    outcome.guessedStored = inserted.existing.length;
    outcome.refusals.push(...guesses.refusals.filter((r) => !wrong.has(r.imei14)));
    if (inserted.existing.length > 0) {
      const reread = await store.load(inserted.existing);
      outcome.loaded += reread.size;
      for (const imei14 of inserted.existing) works.set(imei14, await build(imei14, reread.get(imei14), outcome));
    }
    await this.write(partition, [...works.values()], replayed, outcome, inserted.stored);
    return outcome;
  }

  /**
   * Inserts the first version of the works guessed new; returns what was stored and the IMEIs found
   * stored already (or that the unknown entry gave no version to store: they are read like the rest).
   */
  private async insertGuessed(guessed: readonly Work[]): Promise<{ stored: StoredChange[]; existing: string[] }> {
    const changes: EntityChange<ListEntryDocument>[] = [];
    const unstored: string[] = [];
    for (const work of guessed) {
      if (work.versions.length === 0) unstored.push(work.imei14);
      else changes.push(this.changeOf(work, 0));
    }
    const result = await this.deps.store.insertNew(changes);
    const existing = new Set(result.existing);
    for (const work of guessed) if (work.versions.length > 0 && !existing.has(work.imei14)) work.storedVersions = 1;
    return { stored: result.stored, existing: [...result.existing, ...unstored] };
  }

  /** The outbox change of a work's `round`-th version (and the outbox as the next version finds it). */
  private changeOf(work: Work, round: number): EntityChange<ListEntryDocument> {
    const version = work.versions[round]!;
    const { version: v, imei14, ...state } = version.entry;
    const event = listChangeEvent(version.entry, version.input.record.traceContext, this.deps.store.listChangesTopic);
    const change = { id: imei14, expectedVersion: v - 1, state: { ...state, imei14 }, events: [event], previousOutbox: work.outbox };
    work.outbox = [...work.outbox, event];
    return change;
  }

  private async apply(work: Work, keyed: KeyedInput, now: number, outcome: BatchOutcome, replayed: Array<{ loaded: LoadedEntry; cause: string }>): Promise<void> {
    let input = keyed.input;
    if (input.kind === 'grouping' && input.fact === 'clone-suspected' && this.deps.policy.cloneBlocksStates.includes(work.entry.state) && !work.entry.cloneSuspected) {
      const grey = await this.deps.statistics.greyImeis(now);
      input = { ...input, guard: this.deps.cloneGuard.admit(now, 1, grey) };
    }
    for (const event of decide(input, work.entry, now, this.deps.policy)) {
      work.entry = evolve(work.entry, event);
      if (event.type === 'seen') work.seen = true;
      else if (event.type === 'listed') work.versions.push({ entry: work.entry, input: keyed });
      else if (event.why === 'already applied (replay)') {
        outcome.replays++;
        if (work.loaded) replayed.push({ loaded: work.loaded, cause: input.cause });
      } else outcome.refusals.push({ imei14: work.imei14, cause: input.cause, why: event.why });
    }
  }

  private async write(partition: number, works: readonly Work[], replayed: ReadonlyArray<{ loaded: LoadedEntry; cause: string }>, outcome: BatchOutcome, inserted: readonly StoredChange[]): Promise<void> {
    const { store, cache } = this.deps;
    // Round r stores the r-th transition of every entry that has one: one version per document write.
    const rounds = Math.max(0, ...works.map((w) => w.versions.length));
    const stored: StoredChange[] = [...inserted];
    const audit: Array<{ imei14: string; record: AuditRecord }> = [];
    for (const work of works) {
      for (let round = 0; round < work.storedVersions; round++) {
        const entry = work.versions[round]!.entry;
        audit.push({ imei14: work.imei14, record: entry.recent[entry.recent.length - 1]! });
      }
    }
    try {
      for (let round = 0; round < rounds; round++) {
        const changes: EntityChange<ListEntryDocument>[] = [];
        for (const work of works) {
          if (round < work.storedVersions || round >= work.versions.length) continue;
          const entry = work.versions[round]!.entry;
          changes.push(this.changeOf(work, round));
          audit.push({ imei14: work.imei14, record: entry.recent[entry.recent.length - 1]! });
        }
        stored.push(...(await store.store(changes)));
      }
    } catch (error) {
      // Another writer moved an entry (should not happen with one owner per partition): publish what
      // we stored, then let the batch be retried from fresh reads.
      if (error instanceof VersionConflictError) await store.publish([...stored, ...error.stored]);
      throw error;
    }
    if (stored.length > 0) store.afterStore();

    const seenUpdates: SeenUpdate[] = works
      .filter((w) => w.versions.length === 0 && w.seen && w.loaded)
      .map((w) => ({ imei14: w.imei14, firstSeenMs: w.entry.firstSeenMs!, lastSeenDay: w.entry.lastSeenDay!, operators: w.entry.operators }));
    for (const r of replayed) {
      for (const record of r.loaded.entry.recent) if (record.cause === r.cause) audit.push({ imei14: r.loaded.entry.imei14, record });
    }
    const delta = new Map<string, number>();
    for (const work of works) {
      const before = work.loaded?.entry ?? null;
      if (work.versions.length > 0 || (before && before.operators.length !== work.entry.operators.length)) addCountDelta(delta, before, work.entry);
    }
    // Once the changes are stored, their publication, audit records, last-seen updates and counters are
    // independent writes: in parallel, a batch costs the store's latency about twice, not five times.
    // (A crash in between replays the batch: stored changes are swept or re-published, audit records
    // already written are kept under the same ids.)
    await Promise.all([
      store.writeSeen(seenUpdates),
      store.writeAudit(audit),
      (async () => {
        await store.send(stored);
        for (const r of replayed) await store.republishIfPending(r.loaded, r.cause);
      })(),
      (async () => {
        await this.deps.devices.apply(deviceChanges(works, delta), delta);
        await this.deps.statistics.add(partition, delta);
      })(),
    ]);
    // The changes are on the topic: the batch is done (its offsets may commit). Marking them sent (one
    // update per entry, the store's slowest write) only spares the start-up sweep a re-publication of
    // the same versions, so it runs while the partition's next batch is processed.
    if (stored.length > 0) {
      this.marking.set(partition, store.markSent(stored).catch((error: unknown) => {
        this.deps.logger.warn({ err: error, partition, changes: stored.length }, 'marking published changes sent failed: the start-up sweep re-publishes them');
      }));
    }
    for (const work of works) cache?.remember(work.entry);
    outcome.changed = works.filter((w) => w.versions.length > 0).length;
    outcome.seenOnly = seenUpdates.length;
  }
}

/**
 * Device-counter changes of a batch: an ungrouped IMEI is a device of its own (its delta goes straight
 * into `delta`); a grouped one becomes a member change of its device(s).
 */
function deviceChanges(works: readonly Work[], delta: Map<string, number>): MemberChange[] {
  const changes: MemberChange[] = [];
  for (const work of works) {
    if (work.versions.length === 0) continue;
    const before = work.loaded?.entry ?? null;
    const after = work.entry;
    const single = (e: ListEntry | null) => (e !== null && e.deviceId === '' ? { state: e.state, reason: e.reason, mixed: false } : null);
    addDeviceDelta(delta, single(before), single(after));
    if (after.deviceId !== '' || (before !== null && before.deviceId !== '')) {
      changes.push({ imei14: work.imei14, fromDevice: before?.deviceId ?? '', toDevice: after.deviceId, member: { state: after.state, reason: after.reason, version: after.version } });
    }
  }
  return changes;
}
