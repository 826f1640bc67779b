import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { OperatorNotifierServiceService, type BlockListChunk, type BlockListEntry, type PartitionOffset, type TopicSpec } from '@imei/contracts';
import { DomainError } from '@imei/errors';
import { implement, type CallContext, type EdgeOptions } from '@imei/grpc';
import { isOperatorSlug } from '@imei/imei-rules';
import type { EnforcementStore } from './enforcement-store';
import { blockListDigest, decodeEntry, readBlockListSnapshot } from './block-list-snapshot';
import { readOperatorProgress } from './operator-progress-reader';
import { endOffsets, readTopicRange } from './topic-range-reader';

export interface OperatorSyncDeps {
  kafka: Kafka;
  blockListTopic: TopicSpec<BlockListEntry>;
  /** Prefix of throw-away reader groups (ends with `.`). */
  readerGroupPrefix: string;
  tombstoneRetentionMs: number;
  clock: () => number;
  /** Entries per streamed chunk, default 1000. */
  chunkSize?: number;
  enforcement: EnforcementStore;
  /** Default grace after a block before a sighting counts against the operator. */
  enforcementGraceMs: number;
}

/** Largest enforcement report page. */
export const MAX_REPORT_ENTRIES = 10_000;

/**
 * Offsets a caller stated, checked against the topic: every partition known, no offset beyond the
 * current end (a read up to it would never finish). Missing partitions default to `fallback`.
 */
async function statedOffsets(deps: OperatorSyncDeps, stated: readonly PartitionOffset[], field: string, fallback: 'start' | 'end'): Promise<PartitionOffset[]> {
  const admin = deps.kafka.admin();
  await admin.connect();
  const ends = await endOffsets(admin, deps.blockListTopic.name).finally(() => admin.disconnect());
  if (stated.length === 0) return fallback === 'end' ? ends : ends.map((e) => ({ partition: e.partition, offset: 0 }));
  const violations = stated.flatMap((s, index) => {
    const end = ends.find((e) => e.partition === s.partition);
    if (!end) return [DomainError.violation(`${field}.partition`, String(s.partition), `no partition ${s.partition} (the block list has ${ends.length})`, index)];
    if (s.offset < 0 || s.offset > end.offset) return [DomainError.violation(`${field}.offset`, String(s.offset), `partition ${s.partition} offsets run 0..${end.offset}`, index)];
    return [];
  });
  if (violations.length > 0) throw DomainError.invalid(violations);
  return ends.map((e) => ({ partition: e.partition, offset: stated.find((s) => s.partition === e.partition)?.offset ?? (fallback === 'end' ? e.offset : 0) }));
}

/** Operators see only themselves (progress, enforcement); services and officers anyone. */
function operatorOf(requested: string, ctx: CallContext): string {
  ctx.require('operator', 'service', 'officer');
  const own = ctx.identity.role === 'operator' ? ctx.identity.operatorId! : undefined;
  const operatorId = requested || own;
  if (!operatorId || !isOperatorSlug(operatorId)) throw DomainError.invalid([DomainError.violation('operator_id', requested, 'an operator id slug such as "kcell" is required')]);
  if (own && operatorId !== own) throw new DomainError('permission-denied', `operator ${own} may see only its own reports, not those of ${operatorId}`);
  return operatorId;
}

/** gRPC OperatorNotifierService: operators' progress, reconciliation and snapshots of the block list. */
export function operatorSyncService(deps: OperatorSyncDeps, edge: EdgeOptions) {
  const group = (what: string): string => `${deps.readerGroupPrefix}${what}-${randomUUID()}`;
  const chunkSize = deps.chunkSize ?? 1000;
  return implement(OperatorNotifierServiceService, {
    async getOperatorProgress(request, ctx) {
      const operatorId = operatorOf(request.operatorId, ctx);
      const report = await readOperatorProgress({ kafka: deps.kafka, topic: deps.blockListTopic.name, readerGroupPrefix: deps.readerGroupPrefix, tombstoneRetentionMs: deps.tombstoneRetentionMs }, operatorId, deps.clock());
      return {
        operatorId,
        partitions: report.partitions.map((p) => ({
          partition: p.partition, committedOffset: p.committed, endOffset: p.end, lagRecords: p.lagRecords, lagSeconds: p.lagSeconds,
          oldestUnreadAt: p.oldestUnreadAtMs === undefined ? undefined : new Date(p.oldestUnreadAtMs),
        })),
        lastActivity: report.lastActivityMs === undefined ? undefined : new Date(report.lastActivityMs),
        nearTombstoneRetention: report.nearTombstoneRetention,
        groupId: report.groupId,
        groups: report.groups,
        active: report.active,
        tombstoneRetentionSeconds: deps.tombstoneRetentionMs / 1000,
      };
    },

    async reconcile(request, ctx) {
      ctx.require('operator', 'service', 'officer');
      const offsets = await statedOffsets(deps, request.offsets, 'offsets', 'end');
      const snapshot = await readBlockListSnapshot(deps.kafka, deps.blockListTopic.name, group('reconcile'), offsets, ctx.signal);
      return { offsets, ...blockListDigest(snapshot.entries.keys()) };
    },

    async *streamBlockList(request, ctx): AsyncGenerator<BlockListChunk> {
      ctx.require('operator', 'service', 'officer');
      const to = await statedOffsets(deps, [], 'since', 'end');
      let entries: BlockListEntry[];
      let removed: string[] = [];
      if (request.since.length === 0) {
        const snapshot = await readBlockListSnapshot(deps.kafka, deps.blockListTopic.name, group('snapshot'), to, ctx.signal);
        entries = [...snapshot.entries.keys()].sort().map((k) => decodeEntry(snapshot.entries.get(k)!));
      } else {
        const from = await statedOffsets(deps, request.since, 'since', 'start');
        const latest = new Map<string, Buffer | null>();
        await readTopicRange(deps.kafka, {
          topic: deps.blockListTopic.name, groupId: group('changes'), from, to, signal: ctx.signal,
          onRecords: (_p, messages) => {
            for (const m of messages) if (m.key) latest.set(m.key.toString(), m.value);
          },
        });
        const keys = [...latest.keys()].sort();
        entries = keys.filter((k) => latest.get(k) !== null).map((k) => decodeEntry(latest.get(k)!));
        removed = keys.filter((k) => latest.get(k) === null);
      }
      for (let i = 0; i + chunkSize < entries.length; i += chunkSize) yield { entries: entries.slice(i, i + chunkSize), removed: [], offsets: [] };
      const lastStart = entries.length === 0 ? 0 : Math.floor((entries.length - 1) / chunkSize) * chunkSize;
      yield { entries: entries.slice(lastStart), removed, offsets: to };
    },

    async getEnforcementReport(request, ctx) {
      const operatorId = operatorOf(request.operatorId, ctx);
      const violations = [
        ...(request.graceSeconds < 0 ? [DomainError.violation('grace_seconds', String(request.graceSeconds), 'must be 0 (the default) or more')] : []),
        ...(request.limit < 0 || request.limit > MAX_REPORT_ENTRIES ? [DomainError.violation('limit', String(request.limit), `must be 0 (1000) to ${MAX_REPORT_ENTRIES}`)] : []),
      ];
      if (violations.length > 0) throw DomainError.invalid(violations);
      const graceMs = request.graceSeconds > 0 ? request.graceSeconds * 1000 : deps.enforcementGraceMs;
      const nowMs = deps.clock();
      const report = await deps.enforcement.report(operatorId, nowMs, { graceMs, seenSinceMs: request.seenSince?.getTime() }, request.limit || 1000);
      return {
        operatorId,
        asOf: new Date(nowMs),
        graceSeconds: Math.round(graceMs / 1000),
        count: report.count,
        entries: report.entries.map(({ block, lastSeenMs }) => ({
          imei14: block.imei14, imei: block.imei, reason: block.reason, blockedAt: new Date(block.blockedAtMs), lastSeenAt: new Date(lastSeenMs), listVersion: block.listVersion,
        })),
      };
    },
  }, edge);
}
