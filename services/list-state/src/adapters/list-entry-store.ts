import type { AnyBulkWriteOperation, Collection, Db } from 'mongodb';
import type { ListChange, TopicSpec } from '@imei/contracts';
import type { TopicProducer } from '@imei/kafka';
import type { Logger } from '@imei/log';
import { Outbox, type EntityChange, type OutboxFields, type StoredChange, type StoredEvent } from '@imei/outbox';
import type { AuditRecord, ListEntry } from '../domain/list-entry';

/** Collection `list_entries`: `_id` = imei14, the entry's fields and its outbox. */
export type ListEntryDocument = Omit<ListEntry, 'version'> & OutboxFields;

/** Collection `list_audit`: `_id` = `imei14:version` (a replay rewrites the same ids). */
export type AuditDocument = AuditRecord & { _id: string; imei14: string };

/** An entry as loaded, with the outbox fields its next change needs. */
export interface LoadedEntry {
  entry: ListEntry;
  outbox: StoredEvent[];
  outboxPending: boolean;
}

/** What an unversioned observation update writes (commutative: safe in any order). */
export interface SeenUpdate {
  imei14: string;
  firstSeenMs: number;
  lastSeenDay: number;
  operators: string[];
}

export interface ListEntryStoreOptions {
  /** How many `_id` look-ups run at once: FerretDB uses its index only for `_id` equality. Default 32. */
  readConcurrency?: number;
  /** Fault injection (crash test only): runs after a batch of changes is stored, before publishing. */
  afterStore?: () => void;
}

export function entryOf(doc: ListEntryDocument): ListEntry {
  const { _id, outbox: _o, outboxPending: _p, outboxSentVersion: _s, outboxWriteId: _w, ...fields } = doc;
  return { ...fields, imei14: _id, version: doc.version };
}

/** List entries in Mongo: loads by `_id`, stores changes with their ListChange through the outbox. */
export class ListEntryStore {
  readonly entries: Collection<ListEntryDocument>;
  readonly audit: Collection<AuditDocument>;
  private readonly outbox: Outbox<ListEntryDocument>;
  private readonly readConcurrency: number;

  constructor(
    db: Db,
    producer: TopicProducer,
    logger: Logger,
    readonly listChangesTopic: TopicSpec<ListChange>,
    private readonly options: ListEntryStoreOptions = {},
  ) {
    this.entries = db.collection<ListEntryDocument>('list_entries');
    this.audit = db.collection<AuditDocument>('list_audit');
    this.outbox = new Outbox(this.entries, producer, logger, { retainEvents: 4 });
    this.readConcurrency = options.readConcurrency ?? 32;
  }

  /** Loads entries by imei14 with one `_id` equality query each ($in is a full scan on FerretDB/SQLite). */
  async load(imei14s: readonly string[]): Promise<Map<string, LoadedEntry>> {
    const found = new Map<string, LoadedEntry>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < imei14s.length) {
        const id = imei14s[next++]!;
        const doc = await this.entries.findOne({ _id: id });
        if (doc) found.set(id, { entry: entryOf(doc), outbox: doc.outbox, outboxPending: doc.outboxPending });
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.readConcurrency, imei14s.length) }, worker));
    return found;
  }

  /** Stores changes (each one version of one entry); throws VersionConflictError on a stale version. */
  async store(changes: readonly EntityChange<ListEntryDocument>[]): Promise<StoredChange[]> {
    return this.outbox.store(changes);
  }

  /** Stores the first version of entries believed new in bulk; `existing` are those found stored already. */
  insertNew(changes: readonly EntityChange<ListEntryDocument>[]): Promise<{ stored: StoredChange[]; existing: string[] }> {
    return this.outbox.insert(changes);
  }

  /** Called between store and publish (fault injection for the crash test). */
  afterStore(): void {
    this.options.afterStore?.();
  }

  publish(changes: readonly StoredChange[]): Promise<void> {
    return this.outbox.publish(changes);
  }

  /** Publishes stored changes without marking them sent (see `markSent`). */
  async send(changes: readonly StoredChange[]): Promise<void> {
    await this.outbox.send(changes);
  }

  /** Marks published changes sent: one update per entry, so the start-up sweep skips them. */
  markSent(changes: readonly StoredChange[]): Promise<void> {
    return this.outbox.markSent(changes.filter((c) => c.events.length > 0));
  }

  /** Re-publishes a replayed input's stored events when they were never acknowledged. */
  async republishIfPending(loaded: LoadedEntry, cause: string): Promise<void> {
    if (!loaded.outboxPending) return;
    const events = this.outbox.replayEvents({ version: loaded.entry.version, outbox: loaded.outbox }, cause);
    await this.outbox.publish([{ id: loaded.entry.imei14, version: loaded.entry.version, events }]);
  }

  /** Last seen / first seen / operators of known entries, in bulk, without a version. */
  async writeSeen(updates: readonly SeenUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    const ops: AnyBulkWriteOperation<ListEntryDocument>[] = updates.map((u) => ({
      updateOne: {
        filter: { _id: u.imei14 },
        update: { $min: { firstSeenMs: u.firstSeenMs }, $max: { lastSeenDay: u.lastSeenDay }, $addToSet: { operators: { $each: u.operators } } },
      },
    }));
    await this.entries.bulkWrite(ops, { ordered: false });
  }

  /**
   * Appends audit records in one `insertMany` (ids `imei14:version`). A replay writes the same ids with
   * the same content (the record stored on the entry): its duplicates are the records already there.
   */
  async writeAudit(items: ReadonlyArray<{ imei14: string; record: AuditRecord }>): Promise<void> {
    if (items.length === 0) return;
    try {
      await this.audit.insertMany(items.map(({ imei14, record }) => ({ ...record, _id: `${imei14}:${record.version}`, imei14 })), { ordered: false });
    } catch (error) {
      const writeErrors = (error as { writeErrors?: { code?: number } | Array<{ code?: number }> }).writeErrors;
      const errors = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
      if (errors.length === 0 || errors.some((e) => e.code !== 11000)) throw error;
    }
  }

  /** Start-up sweep: publishes every stored change not acknowledged before a crash. */
  sweep(): Promise<number> {
    return this.outbox.sweep();
  }

  /** The full audit trail of an entry (versions 1..version by `_id`), oldest first. */
  async history(imei14: string, version: number): Promise<AuditRecord[]> {
    const ids = Array.from({ length: version }, (_, i) => `${imei14}:${i + 1}`);
    const records: AuditRecord[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < ids.length) {
        const doc = await this.audit.findOne({ _id: ids[next++]! });
        if (doc) {
          const { _id, imei14: _k, ...record } = doc;
          records.push(record);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, ids.length) }, worker));
    return records.sort((x, y) => x.version - y.version);
  }
}
