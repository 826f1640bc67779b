import { canonicalImei, normaliseObservedImei, startOfAlmatyDay } from '@imei/imei-rules';
import type { ImeiStatus } from '@imei/contracts';
import { ListReason, ListState } from '@imei/contracts';
import type { ListEntry } from '../domain/list-entry';
import { listReasonToProto, listStateToProto } from './list-enums';
import type { ListEntryStore } from './list-entry-store';

/** Reads entries for checks: any input form is reduced to the registry key (first 14 digits). */
export class EntryReader {
  constructor(private readonly store: ListEntryStore) {}

  /** Entries by imei14 (one `_id` read each). */
  async entries(imei14s: readonly string[]): Promise<Map<string, ListEntry>> {
    const loaded = await this.store.load([...new Set(imei14s)]);
    return new Map([...loaded].map(([id, l]) => [id, l.entry]));
  }

  /** The check answer for each input, in order; unknown IMEIs are reported as such. */
  async check(inputs: readonly string[]): Promise<ImeiStatus[]> {
    const keys = inputs.map((input) => normaliseObservedImei(input));
    const entries = await this.entries(keys.map((k) => k.imei14));
    return inputs.map((input, i) => statusOf(input, keys[i]!.imei14, keys[i]!.malformed, entries.get(keys[i]!.imei14)));
  }
}

export function statusOf(input: string, imei14: string, malformed: boolean, entry: ListEntry | undefined): ImeiStatus {
  return {
    input,
    imei14,
    imei: canonicalImei(imei14),
    known: entry !== undefined,
    state: entry ? listStateToProto(entry.state) : ListState.LIST_STATE_UNSPECIFIED,
    reason: entry ? listReasonToProto(entry.reason) : ListReason.LIST_REASON_UNSPECIFIED,
    blockDate: entry?.blockDate ? new Date(startOfAlmatyDay(entry.blockDate)) : undefined,
    deviceId: entry?.deviceId ?? '',
    malformed,
  };
}
