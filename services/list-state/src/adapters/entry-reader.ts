import { canonicalImei, normaliseObservedImei, startOfAlmatyDay } from '@imei/imei-rules';
import type { ImeiStatus } from '@imei/contracts';
import { ListReason, ListState } from '@imei/contracts';
import type { ListEntry, ListStateName } from '../domain/list-entry';
import { listReasonToProto, listStateToProto } from './list-enums';
import type { ListEntryStore } from './list-entry-store';
import type { CheckView } from './list-read-model';
import type { ReadModelFeed } from './read-model-feed';

/**
 * Reads entries for checks: any input form is reduced to the registry key (first 14 digits). With a
 * caught-up read model, known IMEIs are answered from memory; a miss (or a model still catching up)
 * reads the store by `_id`, so an IMEI created a moment ago is never reported unknown.
 */
export class EntryReader {
  constructor(private readonly store: ListEntryStore, private readonly feed?: ReadModelFeed) {}

  /** Entries by imei14 (one `_id` read each). */
  async entries(imei14s: readonly string[]): Promise<Map<string, ListEntry>> {
    const loaded = await this.store.load([...new Set(imei14s)]);
    return new Map([...loaded].map(([id, l]) => [id, l.entry]));
  }

  /** What checks answer for each known imei14 (memory first, then the store). */
  async views(imei14s: readonly string[]): Promise<Map<string, CheckView>> {
    const found = new Map<string, CheckView>();
    const missing: string[] = [];
    const model = this.feed?.ready ? this.feed.model : undefined;
    for (const id of imei14s) {
      const view = model?.get(id);
      if (view) found.set(id, view);
      else missing.push(id);
    }
    if (missing.length > 0) for (const [id, entry] of await this.entries(missing)) found.set(id, entry);
    return found;
  }

  /** Just the list of one IMEI (the N5g-eir answer), or undefined when unknown. */
  async stateOf(imei14: string): Promise<ListStateName | undefined> {
    const state = this.feed?.ready ? this.feed.model.stateOf(imei14) : undefined;
    return state ?? (await this.entries([imei14])).get(imei14)?.state;
  }

  /** The check answer for one input (a single check: no arrays or maps on the way). */
  async checkOne(input: string): Promise<ImeiStatus> {
    const key = normaliseObservedImei(input);
    const view = this.feed?.ready ? this.feed.model.get(key.imei14) : undefined;
    return statusOf(input, key.imei14, key.malformed, view ?? (await this.entries([key.imei14])).get(key.imei14));
  }

  /** The check answer for each input, in order; unknown IMEIs are reported as such. */
  async check(inputs: readonly string[]): Promise<ImeiStatus[]> {
    const keys = inputs.map((input) => normaliseObservedImei(input));
    const views = await this.views(keys.map((k) => k.imei14));
    return inputs.map((input, i) => statusOf(input, keys[i]!.imei14, keys[i]!.malformed, views.get(keys[i]!.imei14)));
  }
}

export function statusOf(input: string, imei14: string, malformed: boolean, entry: CheckView | undefined): ImeiStatus {
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
