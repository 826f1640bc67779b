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
  logger: Logger;
}

/** What one batch did, for logs, tests and benchmarks. */
export interface BatchOutcome {
  inputs: number;
  skippedByCache: number;
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
}

/**
 * Applies a batch of inputs of one partition to the list entries: groups by imei14, reads the entries
 * it needs by `_id`, decides and evolves in memory, then writes only what changed — each transition
 * with its ListChange in one document write (outbox), audit records after it, unversioned last-seen
 * updates in bulk — and publishes. A replayed input re-publishes its stored change when it was never
 * acknowledged, and rewrites its audit records (same ids): never a second version.
 */
export class ListProcessor {
  constructor(private readonly deps: ListProcessorDeps) {}

  async process(partition: number, inputs: readonly KeyedInput[]): Promise<BatchOutcome> {
    const { store, cache } = this.deps;
    const now = this.deps.clock();
    const outcome: BatchOutcome = { inputs: inputs.length, skippedByCache: 0, loaded: 0, changed: 0, seenOnly: 0, replays: 0, refusals: [] };
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
    const loaded = await store.load([...byKey.keys()]);
    outcome.loaded = loaded.size;

    const works: Work[] = [];
    const replayed: Array<{ loaded: LoadedEntry; cause: string }> = [];
    for (const [imei14, keyed] of byKey) {
      const found = loaded.get(imei14);
      const work: Work = { imei14, loaded: found, entry: found?.entry ?? unknownEntry(imei14, keyed[0]!.malformed), inputs: keyed, versions: [], seen: false, outbox: found?.outbox ?? [] };
      for (const input of keyed) await this.apply(work, input, now, outcome, replayed);
      works.push(work);
    }
    await this.write(partition, works, replayed, outcome);
    return outcome;
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

  private async write(partition: number, works: readonly Work[], replayed: ReadonlyArray<{ loaded: LoadedEntry; cause: string }>, outcome: BatchOutcome): Promise<void> {
    const { store, cache } = this.deps;
    // Round r stores the r-th transition of every entry that has one: one version per document write.
    const rounds = Math.max(0, ...works.map((w) => w.versions.length));
    const stored: StoredChange[] = [];
    const audit: Array<{ imei14: string; record: AuditRecord }> = [];
    try {
      for (let round = 0; round < rounds; round++) {
        const changes: EntityChange<ListEntryDocument>[] = [];
        for (const work of works) {
          const version = work.versions[round];
          if (!version) continue;
          const { version: v, imei14, ...state } = version.entry;
          const event = listChangeEvent(version.entry, version.input.record.traceContext, store.listChangesTopic);
          changes.push({ id: imei14, expectedVersion: v - 1, state: { ...state, imei14 }, events: [event], previousOutbox: work.outbox });
          work.outbox = [...work.outbox, event];
          audit.push({ imei14, record: version.entry.recent[version.entry.recent.length - 1]! });
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
    // independent writes: in parallel, a batch costs the store's latency about three times, not six.
    // (A crash in between replays the batch: stored changes are swept or re-published, audit records
    // are rewritten under the same ids.)
    await Promise.all([
      store.writeSeen(seenUpdates),
      store.writeAudit(audit),
      (async () => {
        await store.publish(stored);
        for (const r of replayed) await store.republishIfPending(r.loaded, r.cause);
      })(),
      (async () => {
        await this.deps.devices.apply(deviceChanges(works, delta), delta);
        await this.deps.statistics.add(partition, delta);
      })(),
    ]);
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
