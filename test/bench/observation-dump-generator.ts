import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { luhnCheckDigit } from '@imei/imei-rules';

/** A few real-looking TACs (first 8 digits) with a leading-zero one among them. */
const TACS = ['35693803', '35345678', '86153603', '35209810', '01332700', '35875109', '86723004', '35391508'];

/** Deterministic pseudo-random numbers (mulberry32), so every run generates the same file. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The subscriber and phone of device `n`: IMEI (valid check digit), IMSI, MSISDN. */
export function deviceOf(n: number): { imei: string; imsi: string; msisdn: string } {
  const body = `${TACS[n % TACS.length]}${String(Math.floor(n / TACS.length) % 1_000_000).padStart(6, '0')}`;
  return { imei: body + luhnCheckDigit(body), imsi: `40101${String(n).padStart(10, '0')}`, msisdn: `+7701${String(n).padStart(7, '0')}` };
}

export interface DumpShape {
  rows: number;
  /** Devices drawn from; with 2 days, fewer devices mean more duplicates. */
  devices: number;
  /** Epoch ms of the two days' starts the observations fall on. */
  dayStarts: readonly number[];
  /** Share of rows that are bad (rejected) or odd (flagged); default 0.002 each. */
  badShare?: number;
  seed?: number;
}

export interface DumpStats {
  rows: number;
  bytes: number;
  badRows: number;
}

const RATS = ['LTE', '4G', '3G', '5G', 'GSM'];

/**
 * Writes an operator dump CSV with realistic duplicates (the same device seen again the same day),
 * a few rejected rows (bad IMSI, bad date) and flagged ones (bad check digit, malformed IMEI).
 */
export async function writeObservationDump(path: string, shape: DumpShape): Promise<DumpStats> {
  const random = seededRandom(shape.seed ?? 42);
  const badShare = shape.badShare ?? 0.002;
  const out = createWriteStream(path);
  let bytes = 0;
  let badRows = 0;
  const put = async (text: string) => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  await put('date,imei,imsi,msisdn,rat\n');
  let block = '';
  for (let i = 0; i < shape.rows; i++) {
    const device = deviceOf(Math.floor(random() * shape.devices));
    const day = shape.dayStarts[Math.floor(random() * shape.dayStarts.length)]!;
    let date = new Date(day + Math.floor(random() * 86_000_000)).toISOString();
    let { imei, imsi } = device;
    const dice = random();
    if (dice < badShare) {
      imsi = 'x'.repeat(5);
      badRows += 1;
    } else if (dice < 2 * badShare) {
      date = 'not-a-date';
      badRows += 1;
    } else if (dice < 3 * badShare) imei = `${imei.slice(0, 14)}${(Number(imei[14]) + 1) % 10}`;
    else if (dice < 4 * badShare) imei = `${imei.slice(0, 6)}*${imei.slice(7)}`;
    block += `${date},${imei},${imsi},${device.msisdn},${RATS[i % RATS.length]}\n`;
    if (block.length > 256_000) {
      await put(block);
      block = '';
    }
  }
  await put(block);
  out.end();
  await once(out, 'finish');
  return { rows: shape.rows, bytes, badRows };
}
