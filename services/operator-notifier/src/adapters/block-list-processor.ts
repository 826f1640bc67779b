import type { Context } from '@opentelemetry/api';
import { ListState, type BlockListEntry, type ListChange, type TopicSpec } from '@imei/contracts';
import { PoisonRecordError } from '@imei/errors';
import type { ConsumedRecord, OutgoingRecord, TopicProducer } from '@imei/kafka';
import { decideBlockList, type BlockListDecision, type ListChangeFacts, type ListStateName, type ProjectedImei } from '../domain/block-list-projection';
import { blockListEntryOf, ProjectionConflictError, type BlockListStore, type ProjectionWrite } from './block-list-store';
import type { ProjectionTable } from './projection-table';

const stateNames: Record<number, ListStateName> = {
  [ListState.LIST_STATE_WHITE]: 'white',
  [ListState.LIST_STATE_GREY]: 'grey',
  [ListState.LIST_STATE_BLACK]: 'black',
};

/** The facts of a consumed ListChange; a record that can never be applied is poison (dead-lettered). */
export function listChangeFacts(record: ConsumedRecord<ListChange>): ListChangeFacts {
  const change = record.value;
  const imei14 = change.imei14 || record.key;
  if (!imei14) throw new PoisonRecordError('invalid', 'ListChange without imei14 or key');
  if (change.imei14 && record.key && change.imei14 !== record.key) throw new PoisonRecordError('invalid', `ListChange imei14 ${change.imei14} differs from its key`);
  if (!(change.version > 0)) throw new PoisonRecordError('invalid', `ListChange of ${imei14} has version ${change.version}`);
  return {
    imei14,
    imei: change.imei || imei14,
    state: stateNames[change.state] ?? 'unspecified',
    reason: change.reason,
    version: change.version,
    changedAtMs: change.changedAt?.getTime() ?? record.timestamp,
    cause: `${record.topic}/${record.partition}/${record.offset}`,
  };
}

/** What one batch did (logs, tests, benchmarks). */
export interface BlockListBatchOutcome {
  changes: number;
  blocked: number;
  unblocked: number;
  stale: number;
  /** Stored states published again because their input came again (redelivery or duplicate). */
  republished: number;
  /** Projections read from the store (the table did not know them: redeliveries, rivals). */
  reads: number;
}

export interface BlockListProcessorOptions {
  /** Fault injection (crash test only): runs after a batch is stored, before it is published. */
  afterStore?: () => void;
}

interface Run {
  facts: ListChangeFacts[];
  trace: Context;
}

/**
 * Applies a consumed batch of list changes of one partition to the block-list projection as a whole
 * (design §4, at-least-once with an exactly-once effect): every IMEI is decided against the in-process
 * table (no store reads), the new projections are stored as inserts (one call per collection, the key
 * being the version guard: `domain/projection-chain.ts`), then every record and tombstone goes out in one producer call (ordered, idempotent). Offsets are committed after that. A crash or failed publish
 * after the store redelivers the batch; the runs whose newest change is the stored version then
 * re-publish the stored state at that version, so nothing is lost and nothing older is re-published.
 */
export class BlockListProcessor {
  constructor(
    private readonly store: BlockListStore,
    private readonly table: ProjectionTable,
    private readonly producer: TopicProducer,
    readonly blockListTopic: TopicSpec<BlockListEntry>,
    private readonly options: BlockListProcessorOptions = {},
  ) {}

  async process(records: readonly ConsumedRecord<ListChange>[]): Promise<BlockListBatchOutcome> {
    const runs = new Map<string, Run>();
    for (const record of records) {
      const facts = listChangeFacts(record);
      const run = runs.get(facts.imei14);
      if (run) {
        run.facts.push(facts);
        run.trace = record.traceContext;
      } else runs.set(facts.imei14, { facts: [facts], trace: record.traceContext });
    }
    const outcome: BlockListBatchOutcome = { changes: records.length, blocked: 0, unblocked: 0, stale: 0, republished: 0, reads: 0 };
    const table = await this.table.current();

    const decisions = new Map<string, BlockListDecision>();
    const writes: ProjectionWrite[] = [];
    const decide = (imei14: string, current: ProjectedImei | undefined): void => {
      const decision = decideBlockList(current, runs.get(imei14)!.facts);
      decisions.set(imei14, decision);
      if (decision.kind === 'block' || decision.kind === 'unblock' || decision.kind === 'remember') writes.push({ next: decision.next, previousVersion: current?.listVersion });
    };
    for (const imei14 of runs.keys()) decide(imei14, table.get(imei14));
    const stored = await this.write(writes);
    if (stored.existing.length > 0) {
      // A key was taken: a rival member stored a projection this member's table missed.
      const taken = new Set(stored.existing);
      const now = await this.read(stored.existing);
      outcome.reads = stored.existing.length;
      const moved = writes.filter((w) => w.previousVersion !== undefined && taken.has(w.next.imei14)).map((w) => w.next.imei14);
      if (moved.length > 0) {
        // A transition out of the version decided against exists: the head moved under this member, which
        // may have lost the partition. Publish nothing; the runner drops the batch if this member is stale,
        // and otherwise retries it against the heads just read into the table.
        throw new ProjectionConflictError(moved);
      }
      // Only first projections (bases) were taken: decide those IMEIs again against what is stored.
      writes.length = 0;
      for (const imei14 of stored.existing) decide(imei14, now.get(imei14));
      const again = await this.write(writes);
      if (again.existing.length > 0) {
        // Still moving under us: forget the table, and the redelivered batch decides against a fresh load.
        this.table.reset();
        throw new ProjectionConflictError(again.existing);
      }
    }
    this.options.afterStore?.();

    const out: OutgoingRecord<BlockListEntry>[] = [];
    for (const [imei14, decision] of decisions) {
      const traceContext = runs.get(imei14)!.trace;
      switch (decision.kind) {
        case 'block':
          out.push({ key: imei14, value: blockListEntryOf(decision.record), traceContext });
          outcome.blocked++;
          break;
        case 'unblock':
          out.push({ key: imei14, value: null, traceContext });
          outcome.unblocked++;
          break;
        case 'replay': {
          const { blocked } = decision.current;
          out.push({ key: imei14, value: blocked ? blockListEntryOf(blocked) : null, traceContext });
          outcome.republished++;
          break;
        }
        case 'stale':
          outcome.stale++;
          break;
        case 'remember':
        case 'not-listed':
          break;
        default: {
          const never: never = decision;
          throw new Error(`unhandled decision ${JSON.stringify(never)}`);
        }
      }
    }
    await this.producer.send(this.blockListTopic, out);
    return outcome;
  }

  /**
   * Stores projections and keeps the table in step with those stored. A link stored out of a version this
   * member learnt before the compaction fence now read may have been stored in the slot of a link that a
   * compaction deleted (a stale table): such a link is kept only if its version is not below the IMEI's
   * stored base; otherwise the batch publishes nothing and fails as retriable (README, "Compaction").
   */
  private async write(writes: readonly ProjectionWrite[]): Promise<{ existing: string[] }> {
    const epochBefore = this.table.fenceSeen();
    const known = new Map(writes.filter((w) => w.previousVersion !== undefined).map((w) => [w.next.imei14, this.table.knownEpochOf(w.next.imei14)]));
    const result = await this.store.write(writes);
    const existing = new Set(result.existing);
    const stored = writes.filter((w) => !existing.has(w.next.imei14));
    this.table.remember(stored.map((w) => w.next), epochBefore);
    const links = stored.filter((w) => w.previousVersion !== undefined);
    if (links.length === 0) return result;
    const fence = await this.store.fenceEpoch();
    this.table.observeFence(fence);
    const suspect = links.filter((w) => known.get(w.next.imei14)! < fence);
    if (suspect.length === 0) return result;
    const bases = await this.store.baseVersions(suspect.map((w) => w.next.imei14));
    const folded = suspect.filter((w) => (bases.get(w.next.imei14) ?? 0) > w.previousVersion!).map((w) => w.next.imei14);
    if (folded.length > 0) {
      // Decided against a version a compaction folded away: the link is off the chain (loads never follow it,
      // the next compaction deletes it). The table learns the stored heads; nothing is published.
      await this.read(folded);
      throw new ProjectionConflictError(folded);
    }
    return result;
  }

  /** Reads stored heads into the table (the fence read first: the epoch they are known at). */
  private async read(imei14s: readonly string[]): Promise<Map<string, ProjectedImei>> {
    const epoch = await this.store.fenceEpoch();
    this.table.observeFence(epoch);
    const heads = await this.store.load(imei14s);
    this.table.remember(heads.values(), epoch);
    return heads;
  }
}
