import { Binary, BSON, type Db } from 'mongodb';

/** What exists in the store: every device id, and every IMEI record with the device it links to ('' none). */
export interface KnownIds {
  devices: Set<string>;
  imeis: Map<string, string>;
}

/** One entry of the log: device ids and IMEI records (imei14s[i] links to links[i]) written by one flush. */
interface KnownBody {
  devices: string[];
  imei14s: string[];
  links: string[];
}

/** Collection `known_ids`: `_id` = time-ordered (an outbox batch id, or a compaction's id) → BSON of KnownBody. */
interface KnownDocument {
  _id: string;
  body?: Binary;
}

/** Written once the log describes every document of the store (after a full scan of a store without one). */
const COMPLETE = 'complete';
/** Entries per compacted document (a few MB of BSON, under the 16 MB document limit). */
const CHUNK = 100_000;

const decode = (doc: KnownDocument): KnownBody => BSON.deserialize(doc.body!.buffer) as KnownBody;

/**
 * A persisted log of the ids and links the cache knows, so a start-up (and a rebalance) reads a few
 * documents instead of scanning every device and IMEI record (299 s for 560,371 of them in FerretDB).
 * Each flush appends the entities it is about to write, before writing them (with its outbox ledger
 * entry): a crash can leave an entry naming a document that was never stored, which the cache then
 * reads by `_id` and does not find, never the reverse (a document the log does not name). A store
 * written before the log exists is scanned once and the log compacted from the scan. Entries are
 * applied in `_id` order (a later link wins) and compacted into a few documents when they pile up.
 */
export class KnownIdLog {
  constructor(
    private readonly db: Db,
    /** Entry documents that trigger a compaction at load. */
    private readonly compactAbove = 64,
  ) {}

  private get log() {
    return this.db.collection<KnownDocument>('known_ids');
  }

  /** Records entities a flush is about to write (its batch id orders it). */
  async append(batchId: string, devices: readonly string[], imeis: readonly (readonly [string, string])[]): Promise<void> {
    if (devices.length === 0 && imeis.length === 0) return;
    const body: KnownBody = { devices: [...devices], imei14s: imeis.map(([id]) => id), links: imeis.map(([, link]) => link) };
    await this.log.insertOne({ _id: batchId, body: new Binary(BSON.serialize(body)) });
  }

  /**
   * What exists: the log applied in order, or, for a store the log does not describe yet, `scan()`
   * (which is then written as the log). `newId` gives ids that sort after every existing entry.
   */
  async load(scan: () => Promise<KnownIds>, newId: () => string): Promise<KnownIds> {
    const docs = await this.log.find({}).sort({ _id: 1 }).toArray();
    const entries = docs.filter((d) => d._id !== COMPLETE);
    if (!docs.some((d) => d._id === COMPLETE)) {
      // Entries written before the scan are in the scan (they are written before their documents).
      const known = await scan();
      await this.rewrite(known, entries.map((d) => d._id), newId);
      await this.log.replaceOne({ _id: COMPLETE }, {}, { upsert: true });
      return known;
    }
    const known: KnownIds = { devices: new Set(), imeis: new Map() };
    for (const doc of entries) {
      const body = decode(doc);
      for (const id of body.devices) known.devices.add(id);
      for (const [i, id] of body.imei14s.entries()) known.imeis.set(id, body.links[i]!);
    }
    if (entries.length > this.compactAbove) await this.rewrite(known, entries.map((d) => d._id), newId);
    return known;
  }

  /** Writes `known` as new entries (sorting after the old ones), then deletes the old ones: a crash in between loses nothing. */
  private async rewrite(known: KnownIds, old: readonly string[], newId: () => string): Promise<void> {
    const devices = [...known.devices];
    const imeis = [...known.imeis];
    const prefix = newId();
    const chunks = Math.max(Math.ceil(devices.length / CHUNK), Math.ceil(imeis.length / CHUNK));
    for (let i = 0; i < chunks; i++) {
      const slice = imeis.slice(i * CHUNK, (i + 1) * CHUNK);
      const body: KnownBody = { devices: devices.slice(i * CHUNK, (i + 1) * CHUNK), imei14s: slice.map(([id]) => id), links: slice.map(([, link]) => link) };
      await this.log.insertOne({ _id: `${prefix}-${String(i).padStart(4, '0')}`, body: new Binary(BSON.serialize(body)) });
    }
    for (const id of old) await this.log.deleteOne({ _id: id });
  }
}
