import { evolveDevice, type DeviceState } from './device';
import type { DeviceChange, GroupingEvent, ImeiChange } from './grouping-events';
import type { GroupingView } from './grouping-commands';
import { evolveImei, type ImeiRecord } from './imei-record';

/**
 * Collects the events of one command while simulating their effect, so later steps of the same command
 * see earlier ones (a second IMEI takes the next slot). `events()` drops the events of entities that
 * already applied this cause: a replay redoes exactly the writes that a crash left undone.
 */
export class Decision {
  private readonly collected: GroupingEvent[] = [];
  private readonly devices = new Map<string, DeviceState>();
  private readonly imeis = new Map<string, ImeiRecord>();

  constructor(
    readonly view: GroupingView,
    readonly cause: string,
    readonly at: Date,
  ) {}

  device(deviceId: string): DeviceState | undefined {
    return this.devices.get(deviceId) ?? this.view.devices.get(deviceId);
  }

  imei(imei14: string): ImeiRecord | undefined {
    return this.imeis.get(imei14) ?? this.view.imeis.get(imei14);
  }

  onDevice(deviceId: string, change: DeviceChange): void {
    const event: GroupingEvent = { entity: 'device', deviceId, cause: this.cause, at: this.at, change };
    this.devices.set(deviceId, evolveDevice(this.device(deviceId), event));
    this.collected.push(event);
  }

  onImei(imei14: string, change: ImeiChange): void {
    const event: GroupingEvent = { entity: 'imei', imei14, cause: this.cause, at: this.at, change };
    this.imeis.set(imei14, evolveImei(this.imei(imei14), event));
    this.collected.push(event);
  }

  events(): GroupingEvent[] {
    return this.collected.filter((event) =>
      event.entity === 'device'
        ? !(this.view.devices.get(event.deviceId)?.causes.includes(this.cause) ?? false)
        : !(this.view.imeis.get(event.imei14)?.causes.includes(this.cause) ?? false),
    );
  }
}
