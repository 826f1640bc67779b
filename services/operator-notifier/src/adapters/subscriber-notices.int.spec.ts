import { ListReason, ListState, OperatorNotice } from '@imei/contracts';
import { readTopic, topicRecordCount } from '@imei/testing';
import { startNotifierHarness, type NotifierHarness } from '../notifier-harness.test-helper';

const DAY = 86_400_000;
const GREY = ListState.LIST_STATE_GREY;
const WHITE = ListState.LIST_STATE_WHITE;

async function noticesOn(h: NotifierHarness, operatorId: string, count: number): Promise<OperatorNotice[]> {
  const topic = h.noticesTopicOf(operatorId).name;
  if (count === 0) return [];
  return (await readTopic(topic, count, 30_000)).map((m) => OperatorNotice.decode(m.value!));
}

describe('subscriber notices per operator and lead time', () => {
  let h: NotifierHarness;
  const now = Date.parse('2025-08-01T06:00:00Z');
  beforeAll(async () => {
    h = await startNotifierHarness(now);
  });
  afterAll(async () => {
    await h.stop();
  });

  it('warns each operator of its own subscribers of a grey IMEI at 14, 3 and 1 days, once each', async () => {
    const imei14 = `35${String(Date.now()).slice(-12)}`;
    const other = `36${String(Date.now()).slice(-12)}`;
    const blockDate = now + 10 * DAY;
    await h.observe(imei14, '77010000001', 'kcell', now - DAY);
    await h.observe(imei14, '77050000002', 'beeline', now - 2 * DAY);
    await h.observe(other, '77010000003', 'kcell', now - DAY);
    await h.indexCaughtUp();
    await h.publish([
      h.listChange(imei14, 1, GREY, { blockDate: new Date(blockDate), reason: ListReason.LIST_REASON_UNVERIFIED }),
      // Registered before its block date: no notice.
      h.listChange(other, 1, GREY, { blockDate: new Date(blockDate) }),
      h.listChange(other, 2, WHITE, { reason: ListReason.LIST_REASON_REGISTERED }),
    ]);
    await h.caughtUp();

    expect(await h.app.notices.run(now)).toBe(2);
    expect(await h.app.notices.run(now + DAY)).toBe(0); // same lead: never repeated
    const kcell = await noticesOn(h, 'kcell', 1);
    expect(kcell).toEqual([expect.objectContaining({ operatorId: 'kcell', msisdn: '77010000001', leadDays: 14, blockDate: new Date(blockDate), imei: h.listChange(imei14, 1, GREY).imei })]);
    expect((await noticesOn(h, 'beeline', 1))[0]).toMatchObject({ operatorId: 'beeline', msisdn: '77050000002', leadDays: 14 });

    expect(await h.app.notices.run(blockDate - 2 * DAY)).toBe(2);
    expect(await h.app.notices.run(blockDate - 2 * DAY + 3_600_000)).toBe(0);
    expect(await h.app.notices.run(blockDate - 12 * 3_600_000)).toBe(2);
    expect(await h.app.notices.run(blockDate + DAY)).toBe(0); // past the block date
    const leads = (await noticesOn(h, 'kcell', 3)).map((n) => n.leadDays);
    expect(leads).toEqual([14, 3, 1]);
    expect(await topicRecordCount(h.noticesTopicOf('kcell').name)).toBe(3);

    // Leaving grey and then moving between white and black in one batch still clears the block date.
    const later = `37${String(Date.now()).slice(-12)}`;
    await h.observe(later, '77010000009', 'kcell', now - DAY);
    await h.indexCaughtUp();
    await h.publish([h.listChange(later, 1, GREY, { blockDate: new Date(blockDate) })]);
    await h.caughtUp();
    expect(await h.app.notices.schedule.findOne({ _id: later })).toMatchObject({ blockDateMs: blockDate });
    await h.publish([
      h.listChange(later, 2, WHITE, { previousState: GREY, reason: ListReason.LIST_REASON_REGISTERED }),
      h.listChange(later, 3, ListState.LIST_STATE_BLACK, { previousState: WHITE, reason: ListReason.LIST_REASON_OFFICER_DECISION }),
    ]);
    await h.caughtUp();
    expect(await h.app.notices.schedule.findOne({ _id: later })).toMatchObject({ listVersion: 3, blockDateMs: null });

    // A replayed list change (same version) does not reset anything: still nothing new.
    await h.publish([h.listChange(imei14, 1, GREY, { blockDate: new Date(blockDate) })]);
    await h.caughtUp();
    expect(await h.app.notices.run(blockDate - 12 * 3_600_000)).toBe(0);
  });
});
