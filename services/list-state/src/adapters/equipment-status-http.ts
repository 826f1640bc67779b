import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { validateApplicationImei } from '@imei/imei-rules';
import type { Logger } from '@imei/log';
import type { ListStateName } from '../domain/list-entry';
import type { EirQueryObserver } from './eir-query-observer';
import type { CheckView } from './list-read-model';
import type { EntryReader } from './entry-reader';

/** TS 29.511 EquipmentStatus of each list. */
const equipmentStatus: Record<ListStateName, 'WHITELISTED' | 'GREYLISTED' | 'BLACKLISTED'> = {
  white: 'WHITELISTED',
  grey: 'GREYLISTED',
  black: 'BLACKLISTED',
};

const PEI = /^(?:imei-(\d{15})|imeisv-(\d{16}))$/;

/**
 * The imei14 of a PEI: `imei-<15 digits>` or `imeisv-<16 digits>`; undefined otherwise. The 15th digit of
 * an `imei-` PEI is not validated (TS 22.016 §3: not transmitted at check occasions, networks send 0).
 */
export function imei14OfPei(pei: string): string | undefined {
  const m = PEI.exec(pei);
  return m ? (m[1] ?? m[2])!.slice(0, 14) : undefined;
}

/** Fixed-window request counter per client address (public check). */
export class RateLimiter {
  private window = 0;
  private readonly counts = new Map<string, number>();

  constructor(private readonly perMinute: number, private readonly clock: () => number) {}

  allow(client: string): boolean {
    const window = Math.floor(this.clock() / 60_000);
    if (window !== this.window) {
      this.window = window;
      this.counts.clear();
    }
    const n = (this.counts.get(client) ?? 0) + 1;
    this.counts.set(client, n);
    return n <= this.perMinute;
  }
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function problem(res: ServerResponse, status: number, title: string, detail: string, extra: Record<string, unknown> = {}): void {
  send(res, status, { title, status, detail, ...extra }, 'application/problem+json');
}

/** What a person checking a phone before buying it needs to know. */
function publicAnswer(imei: string, entry: CheckView | undefined): Record<string, unknown> {
  if (!entry) return { imei, known: false, advice: 'Not seen on any network and not registered: ask the seller for proof of legal import, or register it with documents.' };
  const advice =
    entry.state === 'white'
      ? 'Verified: this phone can be used.'
      : entry.state === 'grey'
        ? `Not verified: it will be blocked${entry.blockDate ? ` on ${entry.blockDate}` : ''} unless it is registered with documents.`
        : 'Blocked: it does not work on networks here; leaving the black list needs documents proving legal import.';
  return { imei, known: true, list: entry.state, reason: entry.reason, blockDate: entry.blockDate, advice };
}

export interface EquipmentStatusHttpOptions {
  reader: EntryReader;
  logger: Logger;
  limiter: RateLimiter;
  /** Set when N5g-eir queries carrying a SUPI count as sightings (LIST_STATE_EIR_SUPI_OBSERVES). */
  eirObserver?: EirQueryObserver;
}

/**
 * HTTP edge: the N5g-eir EquipmentIdentityCheck (`GET /n5g-eir-eic/v1/equipment-status?pei=…`, TS
 * 29.511) for operators' core networks, and a rate-limited public check (`GET /public/v1/imei-check?imei=…`)
 * that, unlike the network check, tells a person when the check digit is wrong.
 */
export function equipmentStatusHandler(options: EquipmentStatusHttpOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method !== 'GET') return problem(res, 405, 'Method Not Allowed', `${req.method} is not supported`);
      if (url.pathname === '/n5g-eir-eic/v1/equipment-status') {
        const pei = url.searchParams.get('pei') ?? '';
        const imei14 = imei14OfPei(pei);
        if (imei14 === undefined) {
          return problem(res, 400, 'Bad Request', `pei ${JSON.stringify(pei)} is neither imei-<15 digits> nor imeisv-<16 digits>`, {
            cause: 'MANDATORY_IE_INCORRECT',
            invalidParams: [{ param: 'pei', reason: 'expected imei-<15 digits> or imeisv-<16 digits>' }],
          });
        }
        if (options.eirObserver && url.searchParams.has('supi')) options.eirObserver.seen(imei14);
        const state = await options.reader.stateOf(imei14);
        if (state === undefined) return problem(res, 404, 'Not Found', `equipment ${pei} is unknown`, { cause: 'ERROR_EQUIPMENT_UNKNOWN' });
        return send(res, 200, { status: equipmentStatus[state] });
      }
      if (url.pathname === '/public/v1/imei-check') {
        if (!options.limiter.allow(req.socket.remoteAddress ?? 'unknown')) {
          res.setHeader('retry-after', '60');
          return problem(res, 429, 'Too Many Requests', 'too many checks from this address: try again in a minute');
        }
        const raw = url.searchParams.get('imei') ?? '';
        const valid = validateApplicationImei(raw);
        if (!valid.ok) return problem(res, 400, 'Bad Request', valid.message, { invalidParams: [{ param: 'imei', reason: valid.message }], code: valid.code });
        const entry = (await options.reader.views([valid.imei14])).get(valid.imei14);
        return send(res, 200, publicAnswer(valid.imei, entry));
      }
      return problem(res, 404, 'Not Found', `no resource ${url.pathname}`);
    } catch (error) {
      options.logger.error({ err: error }, 'HTTP check failed');
      if (!res.headersSent) problem(res, 503, 'Service Unavailable', 'the list store is not reachable; retry', { cause: 'SYSTEM_FAILURE' });
    }
  };
}

/** Starts the HTTP edge on host:port (port 0 picks one); resolves with the server and its port. */
export async function startEquipmentStatusHttp(address: { host: string; port: number }, options: EquipmentStatusHttpOptions): Promise<{ server: Server; port: number }> {
  const handler = equipmentStatusHandler(options);
  const server = createServer({ keepAlive: true }, (req, res) => void handler(req, res));
  server.listen(address.port, address.host);
  await once(server, 'listening');
  return { server, port: (server.address() as { port: number }).port };
}
