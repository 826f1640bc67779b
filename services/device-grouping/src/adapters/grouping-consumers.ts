import { ApplicationKind, ApplicationStatus, ListReason, ListState, type ApplicationEvent, type ListChange, type Observation } from '@imei/contracts';
import { PoisonRecordError } from '@imei/errors';
import { isImeiBody } from '@imei/imei-rules';
import type { BatchHandler, ConsumedRecord } from '@imei/kafka';
import { cloneEvidenceOf } from '../domain/clone-suspicion';
import type { GroupingCommand } from '../domain/grouping-commands';
import type { GroupingPolicy } from '../domain/grouping-policy';
import { MAX_IMEIS_PER_DEVICE } from '../domain/grouping-policy';
import type { GroupingCache } from './grouping-cache';
import type { GroupingProcessor, TracedCommand } from './grouping-processor';
import type { GroupingRepository } from './grouping-repository';
import type { ObservationIndex } from './observation-index';
import type { SiblingFinder } from './sibling-finder';

export interface ConsumerDeps {
  processor: GroupingProcessor;
  repository: GroupingRepository;
  cache: GroupingCache;
  index: ObservationIndex;
  siblings: SiblingFinder;
  policy: GroupingPolicy;
  clock: () => number;
}

/** Why an application event can never be applied, or undefined when it is well-formed. */
function invalidApplication(event: ApplicationEvent): string | undefined {
  const a = event.application;
  if (a === undefined) return 'application event without an application';
  if (a.applicationId === '') return 'application_id is empty';
  if (a.deviceId === '') return `application ${a.applicationId}: device_id is empty`;
  if (a.imei14s.length < 1 || a.imei14s.length > MAX_IMEIS_PER_DEVICE) return `application ${a.applicationId}: ${a.imei14s.length} IMEIs, expected 1 to ${MAX_IMEIS_PER_DEVICE}`;
  const bad = a.imei14s.find((imei14) => !isImeiBody(imei14));
  if (bad !== undefined) return `application ${a.applicationId}: imei14s holds ${JSON.stringify(bad)}, not a 14-digit IMEI body`;
  if (new Set(a.imei14s).size !== a.imei14s.length) return `application ${a.applicationId}: an IMEI appears twice`;
  return undefined;
}

/** The command an approved application asks for; undefined for other lifecycle changes. */
function commandOf(event: ApplicationEvent): GroupingCommand | undefined {
  const application = event.application!;
  if (event.status !== ApplicationStatus.APPLICATION_STATUS_APPROVED || application.status !== ApplicationStatus.APPLICATION_STATUS_APPROVED) return undefined;
  switch (application.kind) {
    case ApplicationKind.APPLICATION_KIND_REGISTRATION:
    case ApplicationKind.APPLICATION_KIND_UNBLOCK_WITH_DOCUMENTS:
      return { type: 'register', application };
    case ApplicationKind.APPLICATION_KIND_SIBLING_CONFIRMATION:
      return { type: 'confirm-sibling', application };
    default:
      return undefined;
  }
}

/** Runs commands, then inference for the IMEIs they linked; returns the refusals by command index. */
async function runWithInference(deps: ConsumerDeps, commands: TracedCommand[]): Promise<Map<number, string>> {
  const now = deps.clock();
  const result = await deps.processor.run(commands, new Date(now));
  if (result.linkedImeis.length > 0) {
    const follow = await deps.siblings.afterLinking(result.linkedImeis, now);
    if (follow.length > 0) await deps.processor.run(follow.map((command) => ({ command })), new Date(now));
  }
  return new Map(result.refused.map((r) => [r.index, r.error.message]));
}

/** imei.applications.v1: approved registrations, unblocks and simplified applications. */
export function applicationsHandler(deps: ConsumerDeps): BatchHandler<ApplicationEvent> {
  return async (records) => {
    const invalid: string[] = [];
    const commands: TracedCommand[] = [];
    for (const record of records) {
      const reason = invalidApplication(record.value);
      if (reason !== undefined) {
        invalid.push(reason);
        continue;
      }
      const command = commandOf(record.value);
      if (command !== undefined) commands.push({ command, trace: record.traceContext });
    }
    const refused = await runWithInference(deps, commands);
    const first = invalid[0] ?? refused.values().next().value;
    // Everything else is stored and published; the runner re-runs records one by one to dead-letter these.
    if (first !== undefined) throw new PoisonRecordError('invalid', first);
  };
}

/** imei.list-changes.v1: black reasons for simplified applications; grandfathered phones become implicit devices. */
export function listChangesHandler(deps: ConsumerDeps): BatchHandler<ListChange> {
  return async (records) => {
    const latest = new Map<string, ConsumedRecord<ListChange>>();
    for (const record of records) latest.set(record.value.imei14, record);
    await deps.repository.recordListStates(
      [...latest.values()].map(({ value }) => ({ imei14: value.imei14, black: value.state === ListState.LIST_STATE_BLACK, reason: value.reason, version: value.version })),
    );
    const commands: TracedCommand[] = records
      .filter((r) => r.value.state === ListState.LIST_STATE_WHITE && r.value.reason === ListReason.LIST_REASON_GRANDFATHERED && isImeiBody(r.value.imei14))
      .map((r) => ({ command: { type: 'grandfather', imei14: r.value.imei14 }, trace: r.traceContext }));
    await runWithInference(deps, commands);
  };
}

/** imei.observations.v1: the subscriber index, sibling inference and clone suspicion. Never dead-letters. */
export function observationsHandler(deps: ConsumerDeps): BatchHandler<Observation> {
  return async (records) => {
    const now = deps.clock();
    await deps.cache.ready();
    const imeis = await deps.index.record(records.map((r) => r.value), now);
    const seenWith = new Map(imeis.map((i) => [i.imei14, i.seenWith] as const));
    const commands: TracedCommand[] = deps.siblings.commandsFor(seenWith, now).map((command) => ({ command }));
    for (const imei of imeis) {
      const evidence = cloneEvidenceOf(imei.sightings, deps.policy);
      if (evidence !== undefined) commands.push({ command: { type: 'flag-clone', imei14: imei.imei14, evidence } });
    }
    if (commands.length > 0) await deps.processor.run(commands, new Date(now));
  };
}
