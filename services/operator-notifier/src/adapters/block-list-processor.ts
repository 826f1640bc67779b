import type { Context } from '@opentelemetry/api';
import { ListState, type ListChange } from '@imei/contracts';
import { PoisonRecordError } from '@imei/errors';
import type { ConsumedRecord } from '@imei/kafka';
import { storedEvent, VersionConflictError, type EntityChange, type StoredChange } from '@imei/outbox';
import { decideBlockList, type ListChangeFacts, type ListStateName } from '../domain/block-list-projection';
import { blockListEntryOf, type BlockListDocument, type BlockListStore } from './block-list-store';

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
  republished: number;
}

export interface BlockListProcessorOptions {
  /** Fault injection (crash test only): runs after a batch is stored, before it is published. */
  afterStore?: () => void;
}

/**
 * Applies a batch of list changes of one partition to the block-list projection, store-then-publish
 * (design §4): each IMEI's new projection and its record or tombstone in one document write, then
 * published with the ordered producer, then marked sent. Unacknowledged events of the documents it
 * reads are re-published first, so a retried batch or a replay re-publishes the same version.
 */
export class BlockListProcessor {
  constructor(
    private readonly store: BlockListStore,
    private readonly options: BlockListProcessorOptions = {},
  ) {}

  async process(records: readonly ConsumedRecord<ListChange>[]): Promise<BlockListBatchOutcome> {
    const outcome: BlockListBatchOutcome = { changes: records.length, blocked: 0, unblocked: 0, stale: 0, republished: 0 };
    const byKey = new Map<string, { facts: ListChangeFacts[]; trace: Context }>();
    for (const record of records) {
      const facts = listChangeFacts(record);
      const group = byKey.get(facts.imei14);
      if (group) {
        group.facts.push(facts);
        group.trace = record.traceContext;
      } else byKey.set(facts.imei14, { facts: [facts], trace: record.traceContext });
    }
    const loaded = await this.store.load([...byKey.keys()]);
    outcome.republished = await this.store.republishPending(loaded.values());

    const changes: EntityChange<BlockListDocument>[] = [];
    for (const [imei14, { facts, trace }] of byKey) {
      const found = loaded.get(imei14);
      const decision = decideBlockList(found?.projection, facts);
      if (decision.kind === 'stale') outcome.stale++;
      if (decision.kind === 'stale' || decision.kind === 'not-listed') continue;
      const version = (found?.doc.version ?? 0) + 1;
      const events = [];
      if (decision.kind === 'block') {
        events.push(storedEvent(this.store.blockListTopic, imei14, blockListEntryOf(decision.record), version, decision.cause, trace));
        outcome.blocked++;
      } else if (decision.kind === 'unblock') {
        events.push(storedEvent(this.store.blockListTopic, imei14, null, version, decision.cause, trace));
        outcome.unblocked++;
      }
      changes.push({
        id: imei14,
        expectedVersion: found?.doc.version ?? 0,
        state: { listVersion: decision.next.listVersion, blocked: decision.next.blocked },
        events,
        previousOutbox: found?.doc.outbox ?? [],
      });
    }
    let stored: StoredChange[];
    try {
      stored = await this.store.store(changes);
    } catch (error) {
      // Another member wrote one of these IMEIs (a rebalance): publish what we stored, retry from fresh reads.
      if (error instanceof VersionConflictError) await this.store.publish(error.stored);
      throw error;
    }
    this.options.afterStore?.();
    await this.store.publish(stored);
    return outcome;
  }
}
