/**
 * Generated populations for the device-grouping benchmark: registered devices (1–4 IMEIs, several
 * models) and a week of observations whose true second IMEIs are known, with confounders.
 */
import { ApplicationKind, ApplicationSource, ApplicationStatus, type Application, type Observation } from '@imei/contracts';

/** A deterministic PRNG (mulberry32) so a run can be repeated. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MODELS = 200;
/** 8-digit TAC of model `m` (a range no real TAC data in the bench store uses). */
const tacOf = (m: number, family: number): string => `9${family}${String(m).padStart(6, '0')}`;
const body = (tac: string, serial: number): string => `${tac}${String(serial).padStart(6, '0')}`;

export interface BenchDevice {
  deviceId: string;
  imei14s: string[];
  /** The unregistered second IMEI of a single-IMEI dual-SIM phone (the truth inference must find). */
  hiddenSibling?: string;
  imsi: string;
  msisdn: string;
}

/** Devices `0..count-1`: 1 IMEI (40%), 2 (45%), 3 (10%), 4 (5%); IMEIs of one device share a TAC. */
export function benchDevices(prefix: string, count: number, random: () => number): BenchDevice[] {
  const devices: BenchDevice[] = [];
  for (let i = 0; i < count; i++) {
    const r = random();
    const n = r < 0.4 ? 1 : r < 0.85 ? 2 : r < 0.95 ? 3 : 4;
    const model = i % MODELS;
    const tac = tacOf(model, 1);
    const base = Math.floor(i / MODELS) * 8;
    const imei14s = Array.from({ length: n }, (_, slot) => body(tac, base + slot));
    devices.push({
      deviceId: `${prefix}-${i}`,
      imei14s,
      hiddenSibling: n === 1 ? body(tac, base + 1) : undefined,
      imsi: `40101${String(i).padStart(10, '0')}`,
      msisdn: `+7701${String(i).padStart(7, '0')}`,
    });
  }
  return devices;
}

export function registrationOf(device: BenchDevice, now: Date): Application {
  return {
    applicationId: `app-${device.deviceId}`,
    kind: ApplicationKind.APPLICATION_KIND_REGISTRATION,
    source: ApplicationSource.APPLICATION_SOURCE_OFFICIAL_DISTRIBUTOR,
    submittedBy: 'distributor:bench',
    deviceId: device.deviceId,
    imei14s: device.imei14s,
    ownerRef: `owner-${device.deviceId}`,
    model: '',
    documents: [],
    status: ApplicationStatus.APPLICATION_STATUS_APPROVED,
    decisionReason: 'approved by rule: trusted source',
    decidedBy: 'rule:trusted-source',
    receivedAt: now,
    decidedAt: now,
    version: 1,
    idempotencyKey: device.deviceId,
  };
}

export interface ObservationPlan {
  observations: Observation[];
  /** `deviceId imei14` of every true sibling that shares a subscriber within the window. */
  truth: Set<string>;
}

const DAY = 86_400_000;

/**
 * About `total` observations over the last 7 days: every device's IMEIs with its owner's SIM; for a
 * share of the single-IMEI devices the hidden second IMEI with the owner's SIM too (truth); confounders
 * the rule must not link: the owner's SIM in a phone of another model (incompatible TAC), and noise
 * phones with subscribers of their own; the rest is noise.
 */
export function observationPlan(devices: readonly BenchDevice[], total: number, now: number, random: () => number): ObservationPlan {
  const observations: Observation[] = [];
  const truth = new Set<string>();
  let serial = 0;
  const seen = (imei14: string, imsi: string, msisdn: string, operatorId: string): void => {
    serial++;
    const seenAt = new Date(now - Math.floor(random() * 7 * DAY));
    observations.push({ imei14, imeiRaw: imei14, malformed: false, checkDigitInvalid: false, imsi, msisdn, operatorId, seenAt, rat: 3, observationId: `bench-obs-${serial}` });
  };
  for (const [i, d] of devices.entries()) {
    const operatorId = i % 3 === 0 ? 'kcell' : i % 3 === 1 ? 'beeline' : 'tele2-altel';
    for (const imei14 of d.imei14s) seen(imei14, d.imsi, d.msisdn, operatorId);
    if (d.hiddenSibling !== undefined && random() < 0.5) {
      seen(d.hiddenSibling, d.imsi, d.msisdn, operatorId);
      truth.add(`${d.deviceId} ${d.hiddenSibling}`);
    } else if (random() < 0.1) {
      // The owner's SIM in a phone of another model: not a sibling.
      seen(body(tacOf(i % MODELS, 2), Math.floor(i / MODELS)), d.imsi, d.msisdn, operatorId);
    }
  }
  let noise = 0;
  while (observations.length < total) {
    const phone = noise++;
    const imsi = `40102${String(phone).padStart(10, '0')}`;
    const imei14 = body(tacOf(phone % MODELS, 3), Math.floor(phone / MODELS) % 1_000_000);
    for (let k = 0; k < 3 && observations.length < total; k++) seen(imei14, imsi, '', 'kcell');
  }
  return { observations, truth };
}
