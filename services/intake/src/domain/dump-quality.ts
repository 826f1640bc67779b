import { normaliseObservedImei } from '@imei/imei-rules';

/** Limits of the quality gates on an operator dump (design: a truncated or mangled dump must not make phones look new or vanish). */
export interface DumpQualityThresholds {
  /** Largest share of rows with an empty date, IMEI, IMSI or MSISDN; default 0.05. */
  maxEmptyFieldShare: number;
  /** Largest share of rows whose IMEI is malformed (not 14 leading digits); default 0.05. */
  maxUnusableImeiShare: number;
  /** Largest share of rows that look like an IMEI whose leading 0 a spreadsheet stripped; default 0.01. */
  maxStrippedZeroShare: number;
  /** Rows against the operator's recent average: at least this ratio (default 0.5) … */
  minVolumeRatio: number;
  /** … and at most this ratio (default 3). */
  maxVolumeRatio: number;
  /** Recent imports needed before the volume gate judges; default 3. */
  minHistory: number;
}

export const DEFAULT_DUMP_QUALITY: DumpQualityThresholds = Object.freeze({
  maxEmptyFieldShare: 0.05,
  maxUnusableImeiShare: 0.05,
  maxStrippedZeroShare: 0.01,
  minVolumeRatio: 0.5,
  maxVolumeRatio: 3,
  minHistory: 3,
});

export type QualityGate = 'empty-fields' | 'unusable-imeis' | 'stripped-leading-zero' | 'row-volume';

export interface QualityFinding {
  readonly gate: QualityGate;
  readonly tripped: boolean;
  /** What was measured and against what, for the report. */
  readonly detail: string;
}

/** Most distinct TACs / 7-digit prefixes remembered by a scan (bounded memory whatever the file). */
const MAX_TRACKED = 200_000;

/** Counts gathered from one pass over a dump. */
export class DumpQualityScan {
  rows = 0;
  rowsWithEmptyField = 0;
  unusableImeis = 0;
  startsWithZero = 0;
  startsWithOne = 0;
  /** TACs of full IMEIs (15 or 16 digits) in the file. */
  readonly fileTacs = new Set<string>();
  /** 14-digit values by their first 7 digits (the TAC they would have after a stripped 0). */
  readonly bodiesByPrefix7 = new Map<string, { count: number; tacs: Set<string> }>();

  add(date: string, imei: string, imsi: string, msisdn: string): void {
    this.rows += 1;
    if (date.trim() === '' || imei.trim() === '' || imsi.trim() === '' || msisdn.trim() === '') this.rowsWithEmptyField += 1;
    const observed = normaliseObservedImei(imei);
    if (observed.malformed) {
      this.unusableImeis += 1;
      return;
    }
    const first = observed.imei14.charCodeAt(0);
    if (first === 48) this.startsWithZero += 1;
    else if (first === 49) this.startsWithOne += 1;
    if (observed.form === 'imei15' || observed.form === 'imeisv16') {
      if (this.fileTacs.size < MAX_TRACKED) this.fileTacs.add(observed.imei14.slice(0, 8));
    } else if (observed.form === 'body14') {
      const prefix = observed.imei14.slice(0, 7);
      let entry = this.bodiesByPrefix7.get(prefix);
      if (!entry && this.bodiesByPrefix7.size < MAX_TRACKED) this.bodiesByPrefix7.set(prefix, (entry = { count: 0, tacs: new Set() }));
      if (entry) {
        entry.count += 1;
        if (entry.tacs.size < 64) entry.tacs.add(observed.imei14.slice(0, 8));
      }
    }
  }

  /** 14-digit values whose own TAC is unknown but which match a known TAC once a 0 is prepended. */
  strippedZeroSuspects(knownTacs: ReadonlySet<string>): number {
    const known = (tac: string) => this.fileTacs.has(tac) || knownTacs.has(tac);
    let suspects = 0;
    for (const [prefix, entry] of this.bodiesByPrefix7) {
      if (!known(`0${prefix}`)) continue;
      const ownKnown = [...entry.tacs].some(known);
      if (!ownKnown) suspects += entry.count;
    }
    return suspects;
  }
}

const pct = (share: number) => `${(share * 100).toFixed(2)}%`;

/**
 * Judges a scanned dump against the thresholds and the operator's recent row counts (newest last).
 * Every gate is reported; `tripped` ones refuse the file unless the caller overrides.
 */
export function evaluateDumpQuality(
  scan: DumpQualityScan,
  thresholds: DumpQualityThresholds,
  recentRowCounts: readonly number[],
  knownTacs: ReadonlySet<string> = new Set(),
): QualityFinding[] {
  const rows = scan.rows;
  const share = (n: number) => (rows === 0 ? 0 : n / rows);
  const empty = share(scan.rowsWithEmptyField);
  const unusable = share(scan.unusableImeis);
  const suspects = scan.strippedZeroSuspects(knownTacs);
  const moreOnesThanZeros = scan.startsWithOne > scan.startsWithZero && share(scan.startsWithOne) > thresholds.maxStrippedZeroShare;
  const findings: QualityFinding[] = [
    {
      gate: 'empty-fields',
      tripped: empty > thresholds.maxEmptyFieldShare,
      detail: `${scan.rowsWithEmptyField} of ${rows} rows (${pct(empty)}) have an empty date/imei/imsi/msisdn; limit ${pct(thresholds.maxEmptyFieldShare)}`,
    },
    {
      gate: 'unusable-imeis',
      tripped: unusable > thresholds.maxUnusableImeiShare,
      detail: `${scan.unusableImeis} of ${rows} rows (${pct(unusable)}) have an unusable IMEI; limit ${pct(thresholds.maxUnusableImeiShare)}`,
    },
    {
      gate: 'stripped-leading-zero',
      tripped: share(suspects) > thresholds.maxStrippedZeroShare || moreOnesThanZeros,
      detail:
        `${suspects} 14-digit IMEIs (${pct(share(suspects))}) match a known TAC once a leading 0 is restored (limit ${pct(thresholds.maxStrippedZeroShare)}); ` +
        `${scan.startsWithOne} IMEIs start with 1 against ${scan.startsWithZero} with 0` +
        (moreOnesThanZeros ? ' (more 1s than 0s: a spreadsheet probably dropped leading zeros)' : ''),
    },
  ];
  if (recentRowCounts.length >= thresholds.minHistory) {
    const average = recentRowCounts.reduce((sum, n) => sum + n, 0) / recentRowCounts.length;
    const ratio = average === 0 ? (rows === 0 ? 1 : Infinity) : rows / average;
    findings.push({
      gate: 'row-volume',
      tripped: ratio < thresholds.minVolumeRatio || ratio > thresholds.maxVolumeRatio,
      detail: `${rows} rows against a recent average of ${Math.round(average)} (ratio ${ratio.toFixed(2)}; allowed ${thresholds.minVolumeRatio}–${thresholds.maxVolumeRatio})`,
    });
  } else {
    findings.push({ gate: 'row-volume', tripped: false, detail: `not judged: ${recentRowCounts.length} recent imports known, ${thresholds.minHistory} needed` });
  }
  return findings;
}
