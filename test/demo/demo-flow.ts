/**
 * The demo flow of `npm start`: waits until every service reports SERVING, then walks one story
 * through the whole mesh and prints what happened at each step:
 *   a distributor registers a dual-SIM phone → its IMEIs turn white;
 *   an operator reports a phone nobody registered → its IMEI turns grey;
 *   an officer blocks that IMEI → black, on the national block list operators read,
 *   and the N5g-eir check an operator's core network calls answers BLACKLISTED.
 */
import { randomInt } from 'node:crypto';
import {
  ApplicationKind,
  IntakeServiceClient,
  ListState,
  ListStateServiceClient,
  OperatorNotifierServiceClient,
  RadioAccessTechnology,
  type ImeiStatus,
} from '@imei/contracts';
import { call, createGrpcClient, devToken } from '@imei/grpc';
import { luhnCheckDigit } from '@imei/imei-rules';
import { checkHealth, waitServing } from '../support/health-probe';
import { meshServices } from '../support/mesh';

const addressOf = (name: string): string => meshServices.find((s) => s.name === name)!.grpc;
const n5gEir = process.env.LIST_STATE_HTTP_ADDRESS ?? '127.0.0.1:8080';
const started = Date.now();
const say = (line: string): void => void process.stdout.write(`demo: [${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}\n`);

/** A fresh IMEI with a valid check digit (TAC of a made-up dual-SIM model). */
function newImei(tac = '35693803'): string {
  const body = tac + String(randomInt(0, 1_000_000)).padStart(6, '0');
  return body + luhnCheckDigit(body);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const stateName = (s: ImeiStatus): string => ListState[s.state]?.replace('LIST_STATE_', '') ?? String(s.state);

async function main(): Promise<void> {
  for (const service of meshServices) {
    await waitServing(service.grpc, 120_000);
    say(`${service.name.padEnd(18)} ${service.grpc}  ${await checkHealth(service.grpc)}`);
  }
  const intakeAs = (principal: string) => createGrpcClient(IntakeServiceClient, addressOf('intake'), { token: devToken(principal) });
  const listState = createGrpcClient(ListStateServiceClient, addressOf('list-state'), { token: devToken('officer:demo') });
  const notifier = createGrpcClient(OperatorNotifierServiceClient, addressOf('operator-notifier'), { token: devToken('officer:demo') });

  const [slot1, slot2, stranger] = [newImei(), newImei(), newImei('86724203')];
  const receipt = await call(intakeAs('distributor:demo'), 'submitApplication', {
    idempotencyKey: `demo-${slot1}`, kind: ApplicationKind.APPLICATION_KIND_REGISTRATION, imeis: [slot1, slot2],
    ownerRef: 'demo-owner-1', model: 'Demo Dual SIM', documents: [{ kind: 'invoice', reference: 'INV-DEMO-1' }], deviceId: '', claimedSource: 0,
  });
  say(`distributor registered device ${receipt.application!.deviceId} (${slot1}, ${slot2}): application ${receipt.application!.applicationId} status ${receipt.application!.status === 2 ? 'APPROVED' : receipt.application!.status}`);

  const seenAt = new Date();
  const summary = await call(intakeAs('operator:kcell'), 'submitObservations', {
    observations: [slot1, stranger].map((imei, i) => ({ imei, imsi: `40101${String(randomInt(0, 1e9)).padStart(10, '0')}`, msisdn: `+7701${String(randomInt(0, 1e7)).padStart(7, '0')}`, seenAt, rat: RadioAccessTechnology.RADIO_ACCESS_TECHNOLOGY_EUTRAN, row: i })),
  });
  say(`kcell reported ${summary.received} observations: ${summary.accepted} accepted, ${summary.rejected} rejected`);

  const check = async (imei: string, wanted: ListState): Promise<ImeiStatus | undefined> => {
    const status = await call(listState, 'checkImei', { imei });
    return status.known && status.state === wanted ? status : undefined;
  };
  for (const imei of [slot1, slot2]) {
    const status = await until(`${imei} white`, () => check(imei, ListState.LIST_STATE_WHITE));
    say(`list-state: ${status.imei} ${stateName(status)} (device ${status.deviceId})`);
  }
  const grey = await until(`${stranger} grey`, () => check(stranger, ListState.LIST_STATE_GREY));
  say(`list-state: ${grey.imei} ${stateName(grey)}, never registered${grey.blockDate ? `, block date ${grey.blockDate.toISOString().slice(0, 10)}` : ''}`);

  await call(listState, 'blockImei', { imei: stranger, reason: 'demo: reported stolen' });
  const black = await until(`${stranger} black`, () => check(stranger, ListState.LIST_STATE_BLACK));
  say(`officer blocked it: ${black.imei} ${stateName(black)}`);

  const reconciliation = await until('the block list to hold the IMEI', async () => {
    const r = await call(notifier, 'reconcile', { offsets: [] });
    return r.count > 0 ? r : undefined;
  });
  say(`national block list (imei.operator-blocklist.v1): ${reconciliation.count} blocked IMEI(s), digest ${reconciliation.digest.slice(0, 16)}…`);

  const response = await fetch(`http://${n5gEir}/n5g-eir-eic/v1/equipment-status?pei=imei-${stranger.slice(0, 14)}0`);
  say(`N5g-eir check by an operator's core network (check digit sent as 0): HTTP ${response.status} ${JSON.stringify(await response.json())}`);
  say('the mesh works end to end');
  for (const client of [listState, notifier]) client.close();
}

main().catch((error) => {
  process.stderr.write(`demo: ${(error as Error).message}\n`);
  process.exit(1);
});
