import type { DeviceState } from '../domain/device';
import type { ImeiRecord } from '../domain/imei-record';
import type { GroupingRepository, Loaded } from './grouping-repository';

export interface GroupingCacheOptions {
  /** Entities (devices plus IMEI records) kept in memory; default 1,000,000 (about 1 KB each). */
  maxEntities?: number;
}

/**
 * What this member knows of the store without reading it: every device id, every IMEI record with the
 * device it is linked to, and the recent entities in full (their version and outbox). The consumer owns
 * its partitions (design §4), so what it wrote is current. Built by one scan when it is first needed
 * and again after every rebalance (`invalidate`), after the outbox sweep.
 *
 * Wrong knowledge can never store a wrong change: a new entity is inserted (a rival's `_id` fails the
 * insert) and a changed one is written against its version; a failed write forgets the entities it
 * names and the batch is retried against the store.
 */
export class GroupingCache {
  private readonly devices = new Map<string, Loaded<DeviceState>>();
  private readonly imeis = new Map<string, Loaded<ImeiRecord>>();
  private knownDevices = new Set<string>();
  /** imei14 → device it is linked to ('' when its record links it to none). */
  private knownImeis = new Map<string, string>();
  private readonly maxEntities: number;
  private warm: Promise<void> | undefined;

  constructor(
    private readonly repository: GroupingRepository,
    options: GroupingCacheOptions = {},
  ) {
    this.maxEntities = options.maxEntities ?? 1_000_000;
  }

  /** Sweeps the outbox and scans what exists, once per rebalance; concurrent callers share the work. */
  ready(): Promise<void> {
    this.warm ??= this.build().catch((error: unknown) => {
      this.warm = undefined;
      throw error;
    });
    return this.warm;
  }

  /** Forgets everything (a rebalance: partitions, and so the entities this member writes, moved). */
  invalidate(): void {
    this.warm = undefined;
    this.devices.clear();
    this.imeis.clear();
    this.knownDevices.clear();
    this.knownImeis.clear();
  }

  private async build(): Promise<void> {
    await this.repository.sweep();
    const known = await this.repository.loadKnown();
    this.knownDevices = known.devices;
    this.knownImeis = known.imeis;
  }

  /** The device an IMEI is linked to, if any (no read: every IMEI record is known). */
  linkOf(imei14: string): string | undefined {
    const deviceId = this.knownImeis.get(imei14);
    return deviceId === '' ? undefined : deviceId;
  }

  loadDevices(ids: Iterable<string>): Promise<Map<string, Loaded<DeviceState>>> {
    return this.load(ids, this.devices, (id) => this.knownDevices.has(id), (missing) => this.repository.loadDevices(missing));
  }

  loadImeis(ids: Iterable<string>): Promise<Map<string, Loaded<ImeiRecord>>> {
    return this.load(ids, this.imeis, (id) => this.knownImeis.has(id), async (missing) => {
      const read = await this.repository.loadImeis(missing);
      for (const [id, loaded] of read) this.knownImeis.set(id, loaded.state.link?.deviceId ?? '');
      return read;
    });
  }

  /** Held entities from memory; known ones not held are read by `_id`; unknown ones do not exist. */
  private async load<T>(ids: Iterable<string>, held: Map<string, Loaded<T>>, exists: (id: string) => boolean, read: (ids: string[]) => Promise<Map<string, Loaded<T>>>): Promise<Map<string, Loaded<T>>> {
    const found = new Map<string, Loaded<T>>();
    const missing: string[] = [];
    for (const id of ids) {
      const hit = held.get(id);
      if (hit !== undefined) found.set(id, hit);
      else if (exists(id)) missing.push(id);
    }
    if (missing.length > 0) for (const [id, loaded] of await read(missing)) found.set(id, this.keep(held, id, loaded));
    return found;
  }

  /**
   * Reads known entities it does not hold, outside the decisions (so batches of different partitions
   * read at once instead of in turn). A read never replaces an entity held meanwhile: a decided state is
   * put here before it is written, so a held one is never older than the store.
   */
  async prefetch(ids: { devices: Iterable<string>; imeis: Iterable<string> }): Promise<void> {
    await this.ready();
    const missing = <T>(wanted: Iterable<string>, held: Map<string, Loaded<T>>, exists: (id: string) => boolean) => [...new Set(wanted)].filter((id) => !held.has(id) && exists(id));
    const devices = missing(ids.devices, this.devices, (id) => this.knownDevices.has(id));
    const imeis = missing(ids.imeis, this.imeis, (id) => this.knownImeis.has(id));
    const [readDevices, readImeis] = await Promise.all([
      devices.length === 0 ? new Map<string, Loaded<DeviceState>>() : this.repository.loadDevices(devices),
      imeis.length === 0 ? new Map<string, Loaded<ImeiRecord>>() : this.repository.loadImeis(imeis),
    ]);
    for (const [id, loaded] of readDevices) if (!this.devices.has(id)) this.keep(this.devices, id, loaded);
    for (const [id, loaded] of readImeis) if (!this.imeis.has(id)) this.keep(this.imeis, id, loaded);
  }

  /** Entities just stored (their batch still open). */
  stored(devices: readonly Loaded<DeviceState>[], imeis: readonly Loaded<ImeiRecord>[]): void {
    for (const d of devices) {
      this.knownDevices.add(d.state.deviceId);
      this.keep(this.devices, d.state.deviceId, d);
    }
    for (const i of imeis) {
      this.knownImeis.set(i.state.imei14, i.state.link?.deviceId ?? '');
      this.keep(this.imeis, i.state.imei14, i);
    }
  }

  /** Their events were acknowledged. */
  published(devices: readonly Loaded<DeviceState>[], imeis: readonly Loaded<ImeiRecord>[]): void {
    for (const loaded of [...devices, ...imeis]) {
      loaded.outboxPending = false;
      loaded.outboxSentVersion = loaded.state.version;
    }
  }

  /** A write of these entities failed against the store (a rival wrote first): read them again next time. */
  forget(ids: { devices: readonly string[]; imeis: readonly string[] }): void {
    for (const id of ids.devices) {
      this.devices.delete(id);
      this.knownDevices.add(id);
    }
    for (const id of ids.imeis) {
      this.imeis.delete(id);
      this.knownImeis.set(id, this.knownImeis.get(id) ?? '');
    }
  }

  private keep<T>(held: Map<string, Loaded<T>>, id: string, loaded: Loaded<T>): Loaded<T> {
    held.delete(id);
    held.set(id, loaded);
    if (this.devices.size + this.imeis.size > this.maxEntities) {
      // Oldest first (Map order): they are read again by `_id` when next needed.
      const drop = held.keys();
      for (let n = Math.ceil(this.maxEntities / 10); n > 0; n--) {
        const next = drop.next();
        if (next.done === true) break;
        held.delete(next.value);
      }
    }
    return loaded;
  }
}
