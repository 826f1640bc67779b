import { GroupingFact } from '@imei/contracts';
import { canonicalImei } from '@imei/imei-rules';
import { at } from '../domain/list-entry.test-helper';
import { startListStateHarness, type ListStateHarness } from '../list-state-harness.test-helper';

let h: ListStateHarness;
const grey = '35693803100001';
const white = '35693803100002';

beforeAll(async () => {
  h = await startListStateHarness(at('2025-06-10'));
  await h.observe(grey, at('2025-06-01'));
  await h.fact(white, GroupingFact.GROUPING_FACT_REGISTERED);
  await h.entry(grey);
  await h.entry(white);
});
afterAll(async () => {
  await h?.stop();
});

const get = async (path: string): Promise<{ status: number; type: string; body: Record<string, unknown> }> => {
  const res = await fetch(`http://127.0.0.1:${h.httpPort}${path}`);
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as Record<string, unknown> };
};

describe('N5g-eir equipment status (TS 29.511)', () => {
  it('200 with the equipment status for imei- and imeisv- PEIs, whatever the 15th digit', async () => {
    expect(await get(`/n5g-eir-eic/v1/equipment-status?pei=imei-${grey}0`)).toMatchObject({ status: 200, body: { status: 'GREYLISTED' } });
    expect(await get(`/n5g-eir-eic/v1/equipment-status?pei=imei-${canonicalImei(white)}&supi=imsi-401010000000001`)).toMatchObject({ status: 200, body: { status: 'WHITELISTED' } });
    expect(await get(`/n5g-eir-eic/v1/equipment-status?pei=imeisv-${white}07`)).toMatchObject({ status: 200, body: { status: 'WHITELISTED' } });
  });

  it('404 problem details with cause ERROR_EQUIPMENT_UNKNOWN for an unknown IMEI', async () => {
    const res = await get('/n5g-eir-eic/v1/equipment-status?pei=imei-990000000000000');
    expect(res).toMatchObject({ status: 404, type: 'application/problem+json', body: { status: 404, cause: 'ERROR_EQUIPMENT_UNKNOWN' } });
  });

  it.each(['', 'imei-12345', `imeisv-${grey}`, `imei-${grey}A`, `mac-${grey}0`])('400 problem details for pei %j', async (pei) => {
    const res = await get(`/n5g-eir-eic/v1/equipment-status?pei=${encodeURIComponent(pei)}`);
    expect(res).toMatchObject({ status: 400, type: 'application/problem+json', body: { status: 400, invalidParams: [expect.objectContaining({ param: 'pei' })] } });
  });
});

describe('N5g-eir query with a SUPI (LIST_STATE_EIR_SUPI_OBSERVES)', () => {
  it('counts as a live sighting: an unknown IMEI becomes grey through the consumer; without a SUPI nothing is recorded', async () => {
    const sighted = '35693803100011';
    const unsighted = '35693803100012';
    expect((await get(`/n5g-eir-eic/v1/equipment-status?pei=imei-${sighted}0&supi=imsi-401010000000009`)).status).toBe(404);
    expect((await get(`/n5g-eir-eic/v1/equipment-status?pei=imei-${unsighted}0`)).status).toBe(404);
    const entry = await h.entry(sighted);
    expect(entry).toMatchObject({ state: 'grey', reason: 'unverified', version: 1, operators: [] });
    expect(entry.recent[0]).toMatchObject({ actor: 'n5g-eir', cause: expect.stringMatching(/^eir-35693803100011-/) });
    expect(await get(`/n5g-eir-eic/v1/equipment-status?pei=imei-${sighted}0`)).toMatchObject({ status: 200, body: { status: 'GREYLISTED' } });
    expect((await h.app.reader.entries([unsighted])).size).toBe(0);
  });
});

describe('public check', () => {
  it('answers a person, tells when the check digit is wrong, and is rate limited per address', async () => {
    const known = await get(`/public/v1/imei-check?imei=${canonicalImei(grey)}`);
    expect(known).toMatchObject({ status: 200, body: { known: true, list: 'grey', imei: canonicalImei(grey) } });
    const wrongDigit = (Number(canonicalImei(grey)[14]) + 1) % 10;
    const bad = await get(`/public/v1/imei-check?imei=${grey}${wrongDigit}`);
    expect(bad.status).toBe(400);
    expect(String(bad.body.detail)).toMatch(/check digit/i);
    expect(await get(`/public/v1/imei-check?imei=${canonicalImei('99000000000000')}`)).toMatchObject({ status: 200, body: { known: false } });
    // The harness allows 5 checks a minute per address: the 4th and 5th pass, the 6th is refused.
    await get(`/public/v1/imei-check?imei=${canonicalImei(white)}`);
    await get(`/public/v1/imei-check?imei=${canonicalImei(white)}`);
    expect((await get(`/public/v1/imei-check?imei=${canonicalImei(white)}`)).status).toBe(429);
  });
});
