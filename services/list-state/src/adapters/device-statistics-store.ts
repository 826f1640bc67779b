import type { Collection, Db } from 'mongodb';
import { addDeviceDelta, applyMemberChanges, deviceUnitOf, type DeviceMember, type MemberChange } from '../domain/device-statistics';

/** Collection `list_devices`: `_id` = device id, the list state of each member IMEI, guarded by `version`. */
interface DeviceDocument {
  _id: string;
  /** A list, not an object keyed by imei14: a malformed key may hold '.' or '$'. */
  members: Array<DeviceMember & { imei14: string }>;
  version: number;
}

/**
 * Devices as the statistics see them. IMEIs of one device live on different partitions, so two
 * consumers may change one device at once: each update is a read then a write conditional on the
 * document version, retried on a lost race (single-document writes; FerretDB has no transactions).
 */
export class DeviceStatisticsStore {
  private readonly devices: Collection<DeviceDocument>;

  constructor(db: Db, private readonly maxAttempts = 20) {
    this.devices = db.collection<DeviceDocument>('list_devices');
  }

  /** Applies member changes (grouped by device) and adds how the device counters moved into `delta`. */
  async apply(changes: readonly MemberChange[], delta: Map<string, number>): Promise<void> {
    const byDevice = new Map<string, MemberChange[]>();
    for (const change of changes) {
      for (const deviceId of new Set([change.fromDevice, change.toDevice])) {
        if (deviceId === '') continue;
        let list = byDevice.get(deviceId);
        if (!list) byDevice.set(deviceId, (list = []));
        list.push(change);
      }
    }
    await Promise.all([...byDevice].map(([deviceId, list]) => this.applyToDevice(deviceId, list, delta)));
  }

  private async applyToDevice(deviceId: string, changes: readonly MemberChange[], delta: Map<string, number>): Promise<void> {
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const doc = await this.devices.findOne({ _id: deviceId });
      const members = Object.fromEntries((doc?.members ?? []).map(({ imei14, ...member }) => [imei14, member]));
      const next = applyMemberChanges(deviceId, members, changes);
      const before = deviceUnitOf(Object.values(members));
      const after = deviceUnitOf(Object.values(next));
      const version = doc?.version ?? 0;
      try {
        const result = await this.devices.updateOne({ _id: deviceId, version }, { $set: { members: Object.entries(next).map(([imei14, member]) => ({ imei14, ...member })), version: version + 1 } }, { upsert: version === 0 });
        if (result.matchedCount + result.upsertedCount === 1) {
          addDeviceDelta(delta, before, after);
          return;
        }
      } catch (error) {
        if ((error as { code?: number }).code !== 11000) throw error;
      }
    }
    throw new Error(`device ${deviceId}: statistics update lost ${this.maxAttempts} races in a row`);
  }
}
