import { status, type ServiceError } from '@grpc/grpc-js';
import { ListReason, ListState } from '@imei/contracts';
import { call, readBadRequest } from '@imei/grpc';
import { canonicalImei } from '@imei/imei-rules';
import { startNotifierHarness, type NotifierHarness } from '../notifier-harness.test-helper';

const HOUR = 3_600_000;
const BLACK = ListState.LIST_STATE_BLACK;
const WHITE = ListState.LIST_STATE_WHITE;

let seq = 0;
function imei(): string {
  seq += 1;
  return `35${String(Date.now() % 1e8).padStart(8, '0')}${String(seq).padStart(4, '0')}`;
}

describe('enforcement report over the real broker and FerretDB', () => {
  let h: NotifierHarness;
  const blockedAt = Date.parse('2025-08-18T00:00:00Z');
  beforeAll(async () => {
    h = await startNotifierHarness(blockedAt);
  });
  afterAll(async () => {
    await h.stop();
  });

  it("lists each operator's blocked IMEIs still seen on its network after block + grace; operators see only their own", async () => {
    const [ignored, unblocked, seenEarly, neverBlocked, reblocked] = [imei(), imei(), imei(), imei(), imei()];
    await h.publish([ignored, unblocked, seenEarly, reblocked].map((id) => h.listChange(id, 1, BLACK, { reason: ListReason.LIST_REASON_GRACE_EXPIRED })));
    await h.caughtUp();

    // kcell keeps serving `ignored` 30 h after its block; beeline still saw it 2 h after (within the grace).
    await h.observe(ignored, '77010000001', 'kcell', blockedAt + 30 * HOUR);
    await h.observe(ignored, '77010000001', 'kcell', blockedAt + 26 * HOUR); // older, replayed or late: keeps the latest
    await h.observe(ignored, '77050000002', 'beeline', blockedAt + 2 * HOUR);
    await h.observe(unblocked, '77010000003', 'kcell', blockedAt + 30 * HOUR);
    await h.observe(seenEarly, '77010000004', 'kcell', blockedAt - HOUR);
    await h.observe(neverBlocked, '77010000005', 'kcell', blockedAt + 30 * HOUR);
    await h.observe(reblocked, '77010000006', 'kcell', blockedAt + 30 * HOUR);
    await h.indexCaughtUp();
    // Only sightings after a block are kept (not `seenEarly`, not `neverBlocked`), one per operator and IMEI.
    const kept = await h.app.enforcement.collection.find({}, { sort: { _id: 1 } }).toArray();
    expect(kept.map((s) => [s.operatorId, s.imei14, s.lastSeenMs]).sort()).toEqual([
      ['beeline', ignored, blockedAt + 2 * HOUR], ['kcell', ignored, blockedAt + 30 * HOUR], ['kcell', reblocked, blockedAt + 30 * HOUR], ['kcell', unblocked, blockedAt + 30 * HOUR],
    ].sort());
    // `unblocked` leaves the list; `reblocked` leaves and comes back later: the old sighting was of the earlier block.
    h.clock.now = blockedAt + 40 * HOUR;
    await h.publish([h.listChange(unblocked, 2, WHITE), h.listChange(reblocked, 2, WHITE), h.listChange(reblocked, 3, BLACK)]);
    await h.caughtUp();

    h.clock.now = blockedAt + 72 * HOUR;
    const kcell = h.client('operator:kcell');
    const report = await call(kcell, 'getEnforcementReport', { operatorId: '', graceSeconds: 0, limit: 0, seenSince: undefined });
    expect(report).toMatchObject({ operatorId: 'kcell', graceSeconds: 24 * 3600, count: 1, asOf: new Date(blockedAt + 72 * HOUR) });
    expect(report.entries).toEqual([{
      imei14: ignored, imei: canonicalImei(ignored), reason: ListReason.LIST_REASON_GRACE_EXPIRED,
      blockedAt: new Date(blockedAt), lastSeenAt: new Date(blockedAt + 30 * HOUR), listVersion: 1,
    }]);
    // Only sightings in the reporting period count.
    await expect(call(kcell, 'getEnforcementReport', { operatorId: 'kcell', graceSeconds: 0, limit: 0, seenSince: new Date(blockedAt + 31 * HOUR) })).resolves.toMatchObject({ count: 0 });

    const officer = h.client('officer:demo');
    await expect(call(officer, 'getEnforcementReport', { operatorId: 'beeline', graceSeconds: 0, limit: 0, seenSince: undefined })).resolves.toMatchObject({ count: 0, entries: [] });
    const strict = await call(officer, 'getEnforcementReport', { operatorId: 'beeline', graceSeconds: 3600, limit: 0, seenSince: undefined });
    expect(strict).toMatchObject({ count: 1, graceSeconds: 3600, entries: [{ imei14: ignored, lastSeenAt: new Date(blockedAt + 2 * HOUR) }] });

    // Once the operator applies the block, no new sighting comes in; unblocking clears the entry.
    await h.publish([h.listChange(ignored, 2, WHITE)]);
    await h.caughtUp();
    await expect(call(kcell, 'getEnforcementReport', { operatorId: '', graceSeconds: 0, limit: 0, seenSince: undefined })).resolves.toMatchObject({ count: 0 });

    await expect(call(kcell, 'getEnforcementReport', { operatorId: 'beeline', graceSeconds: 0, limit: 0, seenSince: undefined })).rejects.toMatchObject({ code: status.PERMISSION_DENIED });
    await expect(call(h.client('individual:demo'), 'getEnforcementReport', { operatorId: 'kcell', graceSeconds: 0, limit: 0, seenSince: undefined })).rejects.toMatchObject({ code: status.PERMISSION_DENIED });
    await expect(call(officer, 'getEnforcementReport', { operatorId: '', graceSeconds: 0, limit: 0, seenSince: undefined })).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
    const bad = await call(officer, 'getEnforcementReport', { operatorId: 'kcell', graceSeconds: -5, limit: 20_000, seenSince: undefined }).catch((e: ServiceError) => e);
    expect(bad).toMatchObject({ code: status.INVALID_ARGUMENT });
    expect(readBadRequest(bad as ServiceError)?.map((v) => v.field)).toEqual(['grace_seconds', 'limit']);
    expect((bad as ServiceError).details).toContain('grace_seconds="-5"');
  });
});
