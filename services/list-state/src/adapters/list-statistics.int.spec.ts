import { GroupingFact, ListReason, ListState, type Statistics } from '@imei/contracts';
import { call } from '@imei/grpc';
import { waitFor } from '@imei/testing';
import { at } from '../domain/list-entry.test-helper';
import { startListStateHarness, type ListStateHarness } from '../list-state-harness.test-helper';
import type { GroupingStatusSource, OpenApplicationSource } from './recheck-sources';

let h: ListStateHarness;
const none: GroupingStatusSource & OpenApplicationSource = { current: async () => new Map(), open: async () => new Map() };

beforeAll(async () => {
  h = await startListStateHarness(at('2025-06-10'), { recheck: { grouping: none, applications: none } });
});
afterAll(async () => {
  await h?.stop();
});

const stats = (date = ''): Promise<Statistics> => call(h.client('officer:demo'), 'getStatistics', { date });
const total = (s: Statistics, state: ListState) => s.stateTotals.find((t) => t.state === state)!;
const count = (s: Statistics, reason: ListReason) => s.counts.find((c) => c.reason === reason) ?? { imeis: 0, devices: 0 };

describe('statistics in IMEIs and devices, per operator, daily snapshots (kept incrementally)', () => {
  it('counts a grouped device once by the device rule, an ungrouped IMEI as a device, and mixed devices', async () => {
    const [first, second, third, loose] = ['35693803200001', '35693803200002', '35693803200003', '35693803200004'];
    // Device dev-s: a registered IMEI and a pending second IMEI; an ungrouped grey IMEI on beeline.
    await h.fact(first!, GroupingFact.GROUPING_FACT_REGISTERED, { deviceId: 'dev-s' });
    await h.fact(second!, GroupingFact.GROUPING_FACT_SIBLING_PENDING, { deviceId: 'dev-s' });
    await h.observe(loose!, at('2025-06-01'), 'beeline');
    await h.entry(first!);
    await h.entry(second!);
    await h.entry(loose!);
    let s = await waitFor('counters of three IMEIs', async () => {
      const now = await stats();
      return total(now, ListState.LIST_STATE_GREY).imeis === 2 && total(now, ListState.LIST_STATE_WHITE).imeis === 1 ? now : undefined;
    });
    expect(total(s, ListState.LIST_STATE_GREY)).toMatchObject({ imeis: 2, devices: 2 }); // dev-s (mixed) + the loose IMEI
    expect(total(s, ListState.LIST_STATE_WHITE)).toMatchObject({ imeis: 1, devices: 0 });
    expect(s.mixedDevices).toBe(1);
    expect(count(s, ListReason.LIST_REASON_PENDING_SIBLING_CONFIRMATION)).toMatchObject({ imeis: 1, devices: 1 });
    expect(s.operators).toEqual([{ operatorId: 'beeline', state: ListState.LIST_STATE_GREY, imeis: 1 }]);

    // The second IMEI confirmed and a third registered: one white device of three IMEIs.
    await h.fact(second!, GroupingFact.GROUPING_FACT_SIBLING_CONFIRMED, { deviceId: 'dev-s' });
    await h.fact(third!, GroupingFact.GROUPING_FACT_REGISTERED, { deviceId: 'dev-s' });
    s = await waitFor('device white', async () => {
      const now = await stats();
      return total(now, ListState.LIST_STATE_WHITE).imeis === 3 ? now : undefined;
    });
    expect(total(s, ListState.LIST_STATE_WHITE)).toMatchObject({ imeis: 3, devices: 1 });
    expect(total(s, ListState.LIST_STATE_GREY)).toMatchObject({ imeis: 1, devices: 1 });
    expect(s.mixedDevices).toBe(0);

    // An officer blocks one IMEI: the device is black (any IMEI black) and mixed.
    await call(h.client('officer:demo'), 'blockImei', { imei: third!, reason: 'stolen: report 5' });
    s = await waitFor('device black', async () => {
      const now = await stats();
      return total(now, ListState.LIST_STATE_BLACK).imeis === 1 ? now : undefined;
    });
    expect(total(s, ListState.LIST_STATE_BLACK)).toMatchObject({ imeis: 1, devices: 1 });
    expect(total(s, ListState.LIST_STATE_WHITE)).toMatchObject({ imeis: 2, devices: 0 });
    expect(count(s, ListReason.LIST_REASON_OFFICER_DECISION)).toMatchObject({ imeis: 1, devices: 1 });
    expect(s.mixedDevices).toBe(1);

    // Daily snapshot: taken by the scheduler's tick, answered by date.
    await h.app.scheduler!.tick();
    const snapshot = await stats('2025-06-10');
    expect(snapshot).toMatchObject({ snapshotDate: '2025-06-10', mixedDevices: 1 });
    expect(total(snapshot, ListState.LIST_STATE_BLACK)).toMatchObject({ imeis: 1, devices: 1 });
    await expect(stats('2025-06-09')).rejects.toMatchObject({ code: 5 });
    await expect(stats('June')).rejects.toMatchObject({ code: 3 });
  });
});
