import type { Collection, Db } from 'mongodb';

/** Collection `list_statistics`: one counter document per partition (`_id: imeis-p<n>`), summed on read. */
interface CounterDocument {
  _id: string;
  counters: Record<string, number>;
}

/** Collection `list_statistics_snapshots`: the counters of one Almaty day (`_id: YYYY-MM-DD`) as of `at`. */
interface SnapshotDocument {
  _id: string;
  at: number;
  /** As name/value pairs: counter names hold dots, and FerretDB stores no nested arrays. */
  counters: Array<{ name: string; value: number }>;
}

/**
 * Counters per state, reason and operator in IMEIs, and per state and reason in devices (`devices.*`),
 * kept incrementally by the consumer ($inc, no scans); daily snapshots of them.
 */
export class ListStatisticsStore {
  private readonly counters: Collection<CounterDocument>;
  private readonly snapshots: Collection<SnapshotDocument>;
  private cachedGrey: { at: number; value: number } | undefined;

  constructor(db: Db, private readonly partitions: number) {
    this.counters = db.collection<CounterDocument>('list_statistics');
    this.snapshots = db.collection<SnapshotDocument>('list_statistics_snapshots');
  }

  /** Stores today's snapshot (rewritten on every call, so it holds the day's last counts). */
  async snapshot(date: string, now: number): Promise<void> {
    const totals = await this.totals();
    await this.snapshots.replaceOne({ _id: date }, { at: now, counters: [...totals].map(([name, value]) => ({ name, value })) }, { upsert: true });
  }

  /** The snapshot of an Almaty day, or undefined when none was taken. */
  async snapshotOf(date: string): Promise<{ at: number; totals: Map<string, number> } | undefined> {
    const doc = await this.snapshots.findOne({ _id: date });
    return doc ? { at: doc.at, totals: new Map(doc.counters.map((c) => [c.name, c.value])) } : undefined;
  }

  /** Adds a batch's delta to its partition's counters. */
  async add(partition: number, delta: ReadonlyMap<string, number>): Promise<void> {
    if (delta.size === 0) return;
    const inc: Record<string, number> = {};
    for (const [name, n] of delta) inc[`counters.${name}`] = n;
    await this.counters.updateOne({ _id: `imeis-p${partition}` }, { $inc: inc }, { upsert: true });
    this.cachedGrey = undefined;
  }

  /** All counters, summed over partitions (one `_id` read each). */
  async totals(): Promise<Map<string, number>> {
    const docs = await Promise.all(Array.from({ length: this.partitions }, (_, p) => this.counters.findOne({ _id: `imeis-p${p}` })));
    const totals = new Map<string, number>();
    for (const doc of docs) {
      for (const [group, value] of Object.entries(doc?.counters ?? {})) addNested(totals, group, value);
    }
    return totals;
  }

  /** Grey IMEIs now (what the mass-block guard compares with), cached for `maxAgeMs`. */
  async greyImeis(now: number, maxAgeMs = 5000): Promise<number> {
    if (this.cachedGrey && now - this.cachedGrey.at < maxAgeMs) return this.cachedGrey.value;
    const value = (await this.totals()).get('state.grey') ?? 0;
    this.cachedGrey = { at: now, value };
    return value;
  }
}

/** Mongo stores `counters.reason.grey.unverified` nested: flatten it back to dotted names. */
function addNested(into: Map<string, number>, prefix: string, value: unknown): void {
  if (typeof value === 'number') {
    into.set(prefix, (into.get(prefix) ?? 0) + value);
    return;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) addNested(into, `${prefix}.${key}`, inner);
  }
}
