import type { Context } from '@opentelemetry/api';
import { tacOf } from '@imei/imei-rules';
import { DomainError } from '@imei/errors';
import { VersionConflictError } from '@imei/outbox';
import type { DeviceState } from '../domain/device';
import { causeOf, decide } from '../domain/grouping-decide';
import type { GroupingCommand, GroupingView } from '../domain/grouping-commands';
import { evolveDevice } from '../domain/device';
import type { Conflict, DeviceEventOf, GroupingEvent } from '../domain/grouping-events';
import { grandfatheredDeviceIdOf } from '../domain/grouping-ids';
import type { GroupingPolicy } from '../domain/grouping-policy';
import { evolveImei, type ImeiRecord } from '../domain/imei-record';
import type { GroupingCache } from './grouping-cache';
import type { GroupingRepository, Loaded, StoredDocument } from './grouping-repository';
import type { TacDirectory } from './tac-directory';

/** A command with the trace context of the input that caused it. */
export interface TracedCommand {
  command: GroupingCommand;
  trace?: Context;
}

/** What a run did: commands that can never apply (by index), and IMEIs it linked to devices. */
export interface RunResult {
  refused: { index: number; error: DomainError }[];
  linkedImeis: string[];
}

export interface GroupingProcessorOptions {
  /** Fault injection (crash test): runs after changes are stored, before they are published, with the device ids stored. */
  afterStore?: (storedDeviceIds: readonly string[]) => void;
}

type Dirty<T, E> = { before: Loaded<T> | undefined; events: E[]; cause: string; trace?: Context };

/**
 * Runs grouping commands in batches: takes the entities they touch from the cache (reading by `_id`
 * only what it does not hold), decides each command in order on the in-memory state, and stores one
 * change per touched entity (IMEI records first, then devices, so a device never names an IMEI whose
 * record does not name it) as one outbox batch, then publishes the batch with one producer call. A
 * command touching an entity already changed in the batch first closes the batch, so each entity
 * change is one version. Replayed inputs re-publish unsent stored events.
 *
 * Deciding runs one batch at a time in the process (the consumers and gRPC share the cache), and
 * puts the decided states in the cache at once, so the next batch decides while this one is stored:
 * a batch's writes start after the writes of the batches whose entities it changes again, and
 * publishes go in decision order, so per key the topic never goes back a version. A failed write
 * fails every batch built on it (its version guard or its wait), and the cache forgets what they named.
 */
export class GroupingProcessor {
  private deciding: Promise<unknown> = Promise.resolve();
  private publishing: Promise<unknown> = Promise.resolve();
  /** Entity (`d:` device, `i:` IMEI) → the store of the last batch that changed it, while in flight. */
  private readonly storing = new Map<string, Promise<void>>();

  constructor(
    private readonly repository: GroupingRepository,
    private readonly cache: GroupingCache,
    private readonly tac: TacDirectory,
    private readonly policy: GroupingPolicy,
    private readonly options: GroupingProcessorOptions = {},
  ) {}

  /** Resolves once every change the commands caused is stored and published. */
  async run(commands: readonly TracedCommand[], now: Date): Promise<RunResult> {
    // What the commands name directly is read before their turn to decide (a cache miss costs a read per entity).
    const touched = commands.map((c) => touchedBy(c.command));
    await this.cache.prefetch({ devices: touched.flatMap((t) => t.deviceIds), imeis: touched.flatMap((t) => t.imeiIds) }).catch(() => undefined);
    const decided = this.deciding.then(() => this.decideAll(commands, now));
    this.deciding = decided.catch(() => undefined);
    const { result, published } = await decided;
    await Promise.all(published);
    return result;
  }

  private async decideAll(commands: readonly TracedCommand[], now: Date): Promise<{ result: RunResult; published: Promise<void>[] }> {
    const published: Promise<void>[] = [];
    if (commands.length === 0) return { result: { refused: [], linkedImeis: [] }, published };
    await this.cache.ready();
    const batch = new BatchState(this.repository, this.cache, this.tac, this.policy);
    await batch.load(commands.map((c) => c.command));
    // What this batch decides on may still be in flight: it succeeds only once that is stored.
    const readFrom = [...new Set(batch.loadedKeys().flatMap((key) => this.storing.get(key) ?? []))];
    if (readFrom.length > 0) published.push(Promise.all(readFrom).then(() => undefined));
    const refused: RunResult['refused'] = [];
    for (const [index, { command, trace }] of commands.entries()) {
      let events: GroupingEvent[];
      try {
        events = decide(command, batch.view(), now);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        refused.push({ index, error });
        continue;
      }
      batch.noteReplays(command);
      if (batch.overlapsDirty(events)) published.push(this.flush(batch));
      batch.apply(events, causeOf(command), trace);
    }
    published.push(this.flush(batch));
    // Every publish is awaited by run(); this keeps a failure from being reported before then as unhandled.
    for (const p of published) p.catch(() => undefined);
    return { result: { refused, linkedImeis: [...batch.linked] }, published };
  }

  /** Takes the batch's changes into the cache at once; returns when they are stored and published. */
  private flush(batch: BatchState): Promise<void> {
    const { imeiWrites, deviceWrites, conflicts, replays } = batch.takeDirty();
    if (imeiWrites.length + deviceWrites.length + replays.imeis.length + replays.devices.length === 0) return Promise.resolve();
    const batchId = this.repository.ledger.newBatchId();
    const imeis = this.repository.prepareImeis(imeiWrites, batchId);
    const devices = this.repository.prepareDevices(deviceWrites, batchId);
    const storedImeis = imeiWrites.map((w, i) => loadedAfter(w.after, imeis.stored[i]!));
    const storedDevices = deviceWrites.map((w, i) => loadedAfter(w.after, devices.stored[i]!));
    const keys = [...imeiWrites.map((w) => `i:${w.after.imei14}`), ...deviceWrites.map((w) => `d:${w.after.deviceId}`)];
    const before = [...new Set(keys.flatMap((key) => this.storing.get(key) ?? []))];
    this.cache.stored(storedDevices, storedImeis);
    batch.stored(storedImeis, storedDevices);

    const stored = (async () => {
      await Promise.all(before);
      if (keys.length === 0) return;
      // Both before the documents: the sweep finds the batch, the cache's next load knows its entities.
      await Promise.all([
        this.repository.ledger.open(batchId, this.repository.ledgerEntries(imeiWrites, deviceWrites)),
        this.repository.known.append(batchId, deviceWrites.filter((w) => w.before === undefined).map((w) => w.after.deviceId), imeiWrites.map((w) => [w.after.imei14, w.after.link?.deviceId ?? ''] as const)),
      ]);
      await this.repository.write(imeis);
      // After the records: a conflict is listed only once its record holds it. A crash before this line
      // leaves the batch open, and the sweep or the replay projects them again.
      await this.repository.projectConflicts(conflicts);
      await this.repository.write(devices);
      this.options.afterStore?.(devices.stored.map((c) => c.id));
    })();
    for (const key of keys) this.storing.set(key, stored);
    const done = stored.then(
      () => this.release(keys, stored),
      (error: unknown) => {
        this.release(keys, stored);
        this.cache.forget({ imeis: imeiWrites.map((w) => w.after.imei14), devices: deviceWrites.map((w) => w.after.deviceId) });
        throw error;
      },
    );
    const published = Promise.all([this.publishing, done]).then(async () => {
      await this.repository.publish({ imeis: imeis.stored, devices: devices.stored }, replays, keys.length === 0 ? undefined : batchId);
      this.cache.published([...storedDevices, ...replays.devices], [...storedImeis, ...replays.imeis]);
    });
    this.publishing = published.catch(() => undefined);
    return published;
  }

  private release(keys: readonly string[], stored: Promise<void>): void {
    for (const key of keys) if (this.storing.get(key) === stored) this.storing.delete(key);
  }
}

/** The entity as stored: the decided state at its new version, with its outbox. */
function loadedAfter<T extends { version: number }>(after: T, stored: StoredDocument): Loaded<T> {
  return { state: { ...after, version: stored.version }, outbox: stored.outbox, outboxPending: stored.events.length > 0, outboxSentVersion: stored.sentVersion };
}

/** The devices and IMEI records a command names directly (devices of its IMEIs' links and conflicts come with them). */
function touchedBy(command: GroupingCommand): { deviceIds: string[]; imeiIds: string[] } {
  switch (command.type) {
    case 'register':
    case 'confirm-sibling':
      return { deviceIds: [command.application.deviceId], imeiIds: [...command.application.imei14s] };
    case 'grandfather':
      return { deviceIds: [grandfatheredDeviceIdOf(command.imei14)], imeiIds: [command.imei14] };
    case 'mark-pending':
      return { deviceIds: [command.deviceId], imeiIds: [command.imei14] };
    case 'flag-clone':
    case 'resolve-conflict':
      return { deviceIds: [], imeiIds: [command.imei14] };
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

/** The entities of one batch: as loaded, as evolved, and what changed since the last flush. */
class BatchState {
  private readonly loadedDevices = new Map<string, Loaded<DeviceState>>();
  private readonly loadedImeis = new Map<string, Loaded<ImeiRecord>>();
  private readonly devices = new Map<string, DeviceState>();
  private readonly imeis = new Map<string, ImeiRecord>();
  private blackReasons = new Map<string, never>() as GroupingView['blackReasons'];
  private dirtyDevices = new Map<string, Dirty<DeviceState, DeviceEventOf>>();
  private dirtyImeis = new Map<string, Dirty<ImeiRecord, Extract<GroupingEvent, { entity: 'imei' }>>>();
  private replayDevices = new Set<string>();
  private replayImeis = new Set<string>();
  readonly linked = new Set<string>();

  constructor(
    private readonly repository: GroupingRepository,
    private readonly cache: GroupingCache,
    private readonly tac: TacDirectory,
    private readonly policy: GroupingPolicy,
  ) {}

  view(): GroupingView {
    return { devices: this.devices, imeis: this.imeis, blackReasons: this.blackReasons, tac: this.tac.lookup, policy: this.policy };
  }

  /** Loads what the commands touch: their devices and IMEIs, then the devices those IMEIs name. */
  async load(commands: readonly GroupingCommand[]): Promise<void> {
    const deviceIds = new Set<string>();
    const imeiIds = new Set<string>();
    const confirmImeis: string[] = [];
    for (const command of commands) {
      const touched = touchedBy(command);
      for (const id of touched.deviceIds) deviceIds.add(id);
      for (const id of touched.imeiIds) imeiIds.add(id);
      if (command.type === 'confirm-sibling') confirmImeis.push(...command.application.imei14s);
    }
    const [imeis, blacks] = await Promise.all([this.cache.loadImeis(imeiIds), this.repository.blackReasons(confirmImeis)]);
    this.blackReasons = blacks;
    for (const [id, loaded] of imeis) this.track('imei', id, loaded);
    for (const loaded of imeis.values()) {
      if (loaded.state.link) deviceIds.add(loaded.state.link.deviceId);
      for (const c of loaded.state.conflicts) deviceIds.add(c.existingDeviceId).add(c.claimingDeviceId);
    }
    const devices = await this.cache.loadDevices(deviceIds);
    for (const [id, loaded] of devices) this.track('device', id, loaded);
    const tacs = new Set<string>();
    for (const id of imeiIds) tacs.add(tacOf(id) ?? '');
    for (const d of devices.values()) for (const id of d.state.imei14s) tacs.add(tacOf(id) ?? '');
    tacs.delete('');
    await this.tac.prefetch(tacs);
  }

  /** The entities loaded, as `i:<imei14>` and `d:<device id>`. */
  loadedKeys(): string[] {
    return [...[...this.loadedImeis.keys()].map((id) => `i:${id}`), ...[...this.loadedDevices.keys()].map((id) => `d:${id}`)];
  }

  /** Entities just taken into a flush: the next changes of this batch start from their new versions and outboxes. */
  stored(imeis: readonly Loaded<ImeiRecord>[], devices: readonly Loaded<DeviceState>[]): void {
    for (const loaded of imeis) this.track('imei', loaded.state.imei14, loaded);
    for (const loaded of devices) this.track('device', loaded.state.deviceId, loaded);
  }

  private track(kind: 'imei' | 'device', id: string, loaded: Loaded<any>): void {
    if (kind === 'imei') {
      this.loadedImeis.set(id, loaded);
      this.imeis.set(id, loaded.state);
    } else {
      this.loadedDevices.set(id, loaded);
      this.devices.set(id, loaded.state);
    }
  }

  /** A replayed input: entities that already applied its cause and still hold unsent events re-publish them. */
  noteReplays(command: GroupingCommand): void {
    const cause = causeOf(command);
    const { deviceIds, imeiIds } = touchedBy(command);
    for (const id of imeiIds) for (const c of this.imeis.get(id)?.conflicts ?? []) deviceIds.push(c.existingDeviceId, c.claimingDeviceId);
    for (const id of imeiIds) {
      const loaded = this.loadedImeis.get(id);
      if (loaded?.outboxPending && loaded.state.causes.includes(cause) && !this.dirtyImeis.has(id)) this.replayImeis.add(id);
    }
    for (const id of deviceIds) {
      const loaded = this.loadedDevices.get(id);
      if (loaded?.outboxPending && loaded.state.causes.includes(cause) && !this.dirtyDevices.has(id)) this.replayDevices.add(id);
    }
  }

  overlapsDirty(events: readonly GroupingEvent[]): boolean {
    return events.some((e) => (e.entity === 'device' ? this.dirtyDevices.has(e.deviceId) && this.dirtyDevices.get(e.deviceId)!.cause !== e.cause : this.dirtyImeis.has(e.imei14) && this.dirtyImeis.get(e.imei14)!.cause !== e.cause));
  }

  apply(events: readonly GroupingEvent[], cause: string, trace: Context | undefined): void {
    for (const event of events) {
      if (event.entity === 'device') {
        this.devices.set(event.deviceId, evolveDevice(this.devices.get(event.deviceId), event));
        const dirty = this.dirtyDevices.get(event.deviceId) ?? { before: this.loadedDevices.get(event.deviceId), events: [], cause, trace };
        dirty.events.push(event);
        this.dirtyDevices.set(event.deviceId, dirty);
      } else {
        this.imeis.set(event.imei14, evolveImei(this.imeis.get(event.imei14), event));
        const dirty = this.dirtyImeis.get(event.imei14) ?? { before: this.loadedImeis.get(event.imei14), events: [], cause, trace };
        dirty.events.push(event);
        this.dirtyImeis.set(event.imei14, dirty);
        if (event.change.type === 'linked' || (event.change.type === 'conflict-resolved')) this.linked.add(event.imei14);
      }
    }
  }

  takeDirty() {
    const imeiWrites = [...this.dirtyImeis].map(([id, d]) => ({ before: d.before, after: this.imeis.get(id)!, cause: d.cause, trace: d.trace }));
    const deviceWrites = [...this.dirtyDevices].map(([id, d]) => ({ before: d.before, after: this.devices.get(id)!, events: d.events, cause: d.cause, trace: d.trace }));
    const conflicts: Conflict[] = [];
    for (const [id, d] of this.dirtyImeis) {
      if (d.events.some((e) => e.change.type === 'conflict-detected' || e.change.type === 'conflict-resolved')) conflicts.push(...this.imeis.get(id)!.conflicts);
    }
    for (const id of this.replayImeis) conflicts.push(...this.imeis.get(id)!.conflicts);
    const replays = {
      imeis: [...this.replayImeis].map((id) => this.loadedImeis.get(id)!),
      devices: [...this.replayDevices].map((id) => this.loadedDevices.get(id)!),
    };
    this.dirtyImeis = new Map();
    this.dirtyDevices = new Map();
    this.replayImeis = new Set();
    this.replayDevices = new Set();
    return { imeiWrites, deviceWrites, conflicts, replays };
  }
}
