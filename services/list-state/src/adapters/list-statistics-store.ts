import type { Collection, Db } from 'mongodb';

/** Collection `list_statistics`: one counter document per partition (`_id: imeis-p<n>`), summed on read. */
interface CounterDocument {
  _id: string;
  counters: Record<string, number>;
}

/** IMEI counters per state, reason and operator, kept incrementally by the consumer ($inc, no scans). */
export class ListStatisticsStore {
  private readonly counters: Collection<CounterDocument>;
  private cachedGrey: { at: number; value: number } | undefined;

  constructor(db: Db, private readonly partitions: number) {
    this.counters = db.collection<CounterDocument>('list_statistics');
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
