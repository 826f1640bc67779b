import { RadioAccessTechnology, type ObservationInput } from '@imei/contracts';
import type { FieldViolation } from '@imei/errors';
import { startOfAlmatyDay } from '@imei/imei-rules';

/** The columns of an operator dump (any order in the file). */
export const DUMP_COLUMNS = ['date', 'imei', 'imsi', 'msisdn', 'rat'] as const;
export type DumpColumn = (typeof DUMP_COLUMNS)[number];

const ratNames: Record<string, RadioAccessTechnology> = {
  '': RadioAccessTechnology.RADIO_ACCESS_TECHNOLOGY_UNSPECIFIED,
  '0': RadioAccessTechnology.RADIO_ACCESS_TECHNOLOGY_UNSPECIFIED,
  '1': RadioAccessTechnology.RADIO_ACCESS_TECHNOLOGY_GERAN,
  '2': RadioAccessTechnology.RADIO_ACCESS_TECHNOLOGY_UTRAN,
  '3': RadioAccessTechnology.RADIO_ACCESS_TECHNOLOGY_EUTRAN,
  '4': RadioAccessTechnology.RADIO_ACCESS_TECHNOLOGY_NR,
  '2g': RadioAccessTechnology.RADIO_ACCESS_TECHNOLOGY_GERAN,
  gsm: RadioAccessTechnology.RADIO_ACCESS_TECHNOLOGY_GERAN,
  geran: RadioAccessTechnology.RADIO_ACCESS_TECHNOLOGY_GERAN,
  '3g': RadioAccessTechnology.RADIO_ACCESS_TECHNOLOGY_UTRAN,
  umts: RadioAccessTechnology.RADIO_ACCESS_TECHNOLOGY_UTRAN,
  wcdma: RadioAccessTechnology.RADIO_ACCESS_TECHNOLOGY_UTRAN,
  utran: RadioAccessTechnology.RADIO_ACCESS_TECHNOLOGY_UTRAN,
  '4g': RadioAccessTechnology.RADIO_ACCESS_TECHNOLOGY_EUTRAN,
  lte: RadioAccessTechnology.RADIO_ACCESS_TECHNOLOGY_EUTRAN,
  eutran: RadioAccessTechnology.RADIO_ACCESS_TECHNOLOGY_EUTRAN,
  'e-utran': RadioAccessTechnology.RADIO_ACCESS_TECHNOLOGY_EUTRAN,
  '5g': RadioAccessTechnology.RADIO_ACCESS_TECHNOLOGY_NR,
  nr: RadioAccessTechnology.RADIO_ACCESS_TECHNOLOGY_NR,
};

/** The RAT of a dump cell: 0–4, or a name such as 2G/GSM, 3G/UMTS, 4G/LTE, 5G/NR; empty is unspecified. */
export function parseRat(cell: string): RadioAccessTechnology | undefined {
  const key = cell.trim().toLowerCase();
  return ratNames[key];
}

const dateTime = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const dayStarts = new Map<string, number>();

function almatyDayStart(date: string): number {
  let start = dayStarts.get(date);
  if (start === undefined) {
    if (dayStarts.size > 4096) dayStarts.clear();
    start = startOfAlmatyDay(date);
    dayStarts.set(date, start);
  }
  return start;
}

/**
 * When a dump row was seen, epoch ms: ISO 8601 with a zone (`2025-08-01T10:00:00Z`, `+05:00`) is
 * exact; a date-time without a zone (`2025-08-01 10:00:00`) is Almaty local time; a bare date is the
 * start of that Almaty day; 10 or 13 digits are epoch seconds or milliseconds. Undefined otherwise.
 */
export function parseDumpDate(cell: string): number | undefined {
  const text = cell.trim();
  if (/^\d{10}$/.test(text)) return Number(text) * 1000;
  if (/^\d{13}$/.test(text)) return Number(text);
  const m = dateTime.exec(text);
  if (!m) return undefined;
  const [, date, hh = '00', mm = '00', ss = '00', fraction = '', zone] = m;
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59) return undefined;
  if (zone !== undefined) {
    const iso = `${date}T${hh}:${mm}:${ss}${fraction.slice(0, 4)}${zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`;
    const ms = Date.parse(iso);
    return Number.isNaN(ms) ? undefined : ms;
  }
  let start: number;
  try {
    start = almatyDayStart(date!);
  } catch {
    return undefined; // not a calendar date (e.g. 2025-02-30)
  }
  return start + Number(hh) * 3_600_000 + Number(mm) * 60_000 + Number(ss) * 1000 + Math.floor(Number(`0${fraction || '.0'}`) * 1000);
}

export type DumpRowVerdict = { readonly ok: true; readonly input: ObservationInput } | { readonly ok: false; readonly violation: FieldViolation };

/**
 * One operator dump row as the observation to submit, numbered with its file row. Only what must be
 * read before sending (date, RAT) is judged here; everything else goes to intake's own validation,
 * so a file and a gRPC feed follow the same rules.
 */
export function observationOfDumpRow(fields: readonly string[], columns: Readonly<Record<DumpColumn, number>>, row: number): DumpRowVerdict {
  const dateCell = fields[columns.date] ?? '';
  const seenAtMs = parseDumpDate(dateCell);
  if (seenAtMs === undefined) {
    const description = 'date is not a time: use ISO 8601 (2025-08-01T10:00:00+05:00), Almaty local "2025-08-01 10:00:00", a date, or epoch seconds/ms.';
    return { ok: false, violation: { index: row, field: 'date', value: dateCell.slice(0, 64), description } };
  }
  const ratCell = fields[columns.rat] ?? '';
  const rat = parseRat(ratCell);
  if (rat === undefined) {
    return { ok: false, violation: { index: row, field: 'rat', value: ratCell.slice(0, 64), description: 'rat must be 0-4 or 2G/3G/4G/5G (GSM, UMTS, LTE, NR).' } };
  }
  return {
    ok: true,
    input: { imei: fields[columns.imei] ?? '', imsi: fields[columns.imsi] ?? '', msisdn: fields[columns.msisdn] ?? '', seenAt: new Date(seenAtMs), rat, row },
  };
}
