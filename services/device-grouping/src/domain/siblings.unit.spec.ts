import { ApplicationKind, GroupingFact, ListReason } from '@imei/contracts';
import { DomainError } from '@imei/errors';
import { canonicalImei } from '@imei/imei-rules';
import { cloneEvidenceOf, mergeSightings, type Sighting } from './clone-suspicion';
import { decide } from './grouping-decide';
import { grandfatheredDeviceIdOf } from './grouping-ids';
import { DEFAULT_GROUPING_POLICY } from './grouping-policy';
import { currentGroupingOf } from './imei-record';
import { coObservedImeis, siblingCommands } from './sibling-inference';
import { application, kinds, MemoryGrouping, now, tacTable } from './grouping-fixtures.test-helper';

const A1 = '35693803564380';
const A2 = '35693803564398';
const A3 = '35693803564406';
const B1 = '49015420323751';
const C1 = '86153603019600';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const confirm = (imei14: string, deviceId = 'dev-app-1', applicationId = 'app-s') => ({
  type: 'confirm-sibling' as const,
  application: application({ applicationId, deviceId, imei14s: [imei14], kind: ApplicationKind.APPLICATION_KIND_SIBLING_CONFIRMATION, source: 3 }),
});

const linksOf = (g: MemoryGrouping) => new Map([...g.imeis].flatMap(([id, r]) => (r.link ? [[id, r.link.deviceId] as const] : [])));

function registered(imei14s = [A1]): MemoryGrouping {
  const grouping = new MemoryGrouping();
  grouping.run({ type: 'register', application: application({ applicationId: 'app-1', imei14s }) });
  return grouping;
}

describe('sibling inference', () => {
  const index = new Map([
    ['pn:sub-1', new Map([[A1, 0], [A2, 2 * DAY], [B1, 40 * DAY], ['0123*', DAY]])],
    ['pn:sub-2', new Map([[A2, 5 * HOUR], [A3, 0]])],
  ]);

  it('finds IMEIs of the same subscriber within the window, the closest sighting per IMEI, never malformed keys', () => {
    const co = coObservedImeis(A1, new Map([['pn:sub-1', 0]]), index, 30 * DAY);
    expect(co).toEqual([{ imei14: A2, subscriber: 'pn:sub-1', gapMs: 2 * DAY }]);
    const both = coObservedImeis(A2, new Map([['pn:sub-1', 2 * DAY], ['pn:sub-2', 5 * HOUR]]), index, 30 * DAY);
    expect(both.map((c) => [c.imei14, c.gapMs])).toEqual([[A1, 2 * DAY], [A3, 5 * HOUR]]);
  });

  it('an unlinked IMEI with a compatible TAC becomes a pending sibling of the device below its slots, once', () => {
    const grouping = registered();
    const commands = siblingCommands(A2, [{ imei14: A1, subscriber: 'pn:sub-1', gapMs: HOUR }], linksOf(grouping));
    expect(commands).toEqual([{ type: 'mark-pending', deviceId: 'dev-app-1', imei14: A2, evidence: `used by subscriber pn:sub-1 within 1 h of ${canonicalImei(A1)}` }]);
    expect(kinds(grouping.run(commands[0]!))).toEqual([`imei:${A2}:sibling-pending`, 'device:dev-app-1:sibling-pending']);
    expect(currentGroupingOf(grouping.imeis.get(A2))).toMatchObject({ deviceId: 'dev-app-1', fact: GroupingFact.GROUPING_FACT_SIBLING_PENDING });
    expect(grouping.devices.get('dev-app-1')!.pendingSiblings.map((p) => p.imei14)).toEqual([A2]);
    expect(grouping.run(commands[0]!)).toEqual([]);
    // The linked side of the pair suggests the same.
    expect(siblingCommands(A1, [{ imei14: A2, subscriber: 'pn:sub-1', gapMs: HOUR }], linksOf(grouping))[0]).toMatchObject({ deviceId: 'dev-app-1', imei14: A2 });
  });

  it('no pending sibling for an incompatible TAC, a full device, two linked IMEIs or a clone', () => {
    const grouping = registered();
    expect(grouping.run({ type: 'mark-pending', deviceId: 'dev-app-1', imei14: B1, evidence: 'e' })).toEqual([]);
    grouping.tac = tacTable([{ tac: '35693803', brand: 'Acme', model: 'Solo', deviceType: 'Smartphone', slots: 1 }]);
    expect(grouping.run({ type: 'mark-pending', deviceId: 'dev-app-1', imei14: A2, evidence: 'e' })).toEqual([]);
    grouping.tac = tacTable([]);
    grouping.run({ type: 'register', application: application({ applicationId: 'app-2', imei14s: [A3] }) });
    expect(siblingCommands(A3, [{ imei14: A1, subscriber: 's', gapMs: 0 }], linksOf(grouping))).toEqual([]);
    grouping.run({ type: 'flag-clone', imei14: A2, evidence: { distinctImsis: 3, operatorIds: ['beeline', 'kcell'], windowMs: HOUR, firstSeenAt: now, lastSeenAt: now } });
    expect(grouping.run({ type: 'mark-pending', deviceId: 'dev-app-1', imei14: A2, evidence: 'e' })).toEqual([]);
  });

  it('TAC data makes two TACs of the same model compatible', () => {
    const grouping = registered();
    grouping.tac = tacTable([
      { tac: '35693803', brand: 'Acme', model: 'Duo', deviceType: 'Smartphone', slots: 2 },
      { tac: '86153603', brand: 'ACME', model: 'duo', deviceType: 'Smartphone', slots: 2 },
    ]);
    expect(kinds(grouping.run({ type: 'mark-pending', deviceId: 'dev-app-1', imei14: C1, evidence: 'e' }))).toEqual([`imei:${C1}:sibling-pending`, 'device:dev-app-1:sibling-pending']);
  });
});

describe('simplified application (sibling confirmation)', () => {
  it('confirms a pending sibling into the device', () => {
    const grouping = registered();
    grouping.run({ type: 'mark-pending', deviceId: 'dev-app-1', imei14: A2, evidence: 'e' });
    const events = grouping.run(confirm(A2));
    expect(kinds(events)).toEqual([`imei:${A2}:linked`, 'device:dev-app-1:sibling-confirmed']);
    expect(grouping.devices.get('dev-app-1')).toMatchObject({ imei14s: [A1, A2], pendingSiblings: [] });
    expect(currentGroupingOf(grouping.imeis.get(A2))).toEqual({ deviceId: 'dev-app-1', fact: GroupingFact.GROUPING_FACT_SIBLING_CONFIRMED, applicationId: 'app-s', approvedAt: now });
    expect(grouping.run(confirm(A2))).toEqual([]);
  });

  it('confirms a plausible sibling that was never inferred (same TAC)', () => {
    const grouping = registered();
    expect(kinds(grouping.run(confirm(A2)))).toEqual([`imei:${A2}:linked`, 'device:dev-app-1:sibling-confirmed']);
  });

  it.each([
    ['linked-to-other-device', (g: MemoryGrouping) => g.run({ type: 'register', application: application({ applicationId: 'app-9', imei14s: [A2] }) }), 'belongs to another device'],
    ['clone-suspected', (g: MemoryGrouping) => g.run({ type: 'flag-clone', imei14: A2, evidence: { distinctImsis: 4, operatorIds: ['beeline', 'kcell'], windowMs: HOUR, firstSeenAt: now, lastSeenAt: now } }), 'suspected to be cloned: 4 SIM cards on beeline, kcell within 60 minutes'],
    ['blacklisted', (g: MemoryGrouping) => g.blackReasons.set(A2, ListReason.LIST_REASON_OFFICER_DECISION), 'is blocked (LIST_REASON_OFFICER_DECISION)'],
    ['device-full', (g: MemoryGrouping) => g.run({ type: 'register', application: application({ applicationId: 'app-2', deviceId: 'dev-app-1', imei14s: [A3, '35693803564414', '35693803564422'] }) }), 'already has 4 IMEIs'],
    ['not-plausible', () => undefined, 'TAC matches none'],
  ])('is refused when %s, with a reason', (code, arrange, reason) => {
    const grouping = registered();
    arrange(grouping);
    const imei14 = code === 'not-plausible' ? B1 : A2;
    const events = grouping.run(confirm(imei14));
    expect(events).toHaveLength(1);
    expect(events[0]!.change).toMatchObject({ type: 'sibling-refused', code, imei14 });
    expect((events[0]!.change as { reason: string }).reason).toContain(reason);
    expect(grouping.devices.get('dev-app-1')!.imei14s).not.toContain(imei14);
  });

  it('a black IMEI whose grace expired can still be confirmed', () => {
    const grouping = registered();
    grouping.blackReasons.set(A2, ListReason.LIST_REASON_GRACE_EXPIRED);
    expect(kinds(grouping.run(confirm(A2)))).toEqual([`imei:${A2}:linked`, 'device:dev-app-1:sibling-confirmed']);
  });

  it('a confirmation for a device the registry does not know is invalid input', () => {
    expect(() => new MemoryGrouping().run(confirm(A2, 'dev-none'))).toThrow(DomainError);
  });
});

describe('grandfathered phones', () => {
  it('become implicit devices whose other IMEIs can be inferred and confirmed', () => {
    const grouping = new MemoryGrouping();
    const deviceId = grandfatheredDeviceIdOf(A1);
    expect(kinds(grouping.run({ type: 'grandfather', imei14: A1 }))).toEqual([`device:${deviceId}:registered`, `imei:${A1}:linked`, `device:${deviceId}:imei-linked`]);
    expect(grouping.devices.get(deviceId)).toMatchObject({ kind: 'grandfathered', imei14s: [A1], version: 1 });
    expect(currentGroupingOf(grouping.imeis.get(A1)).fact).toBe(GroupingFact.GROUPING_FACT_GRANDFATHERED_DEVICE);
    expect(grouping.run({ type: 'grandfather', imei14: A1 })).toEqual([]);
    grouping.run({ type: 'mark-pending', deviceId, imei14: A2, evidence: 'e' });
    expect(kinds(grouping.run(confirm(A2, deviceId)))).toEqual([`imei:${A2}:linked`, `device:${deviceId}:sibling-confirmed`]);
  });

  it('an IMEI already linked to a registered device or malformed makes no implicit device', () => {
    const grouping = registered();
    expect(grouping.run({ type: 'grandfather', imei14: A1 })).toEqual([]);
    expect(grouping.run({ type: 'grandfather', imei14: '0123*' })).toEqual([]);
  });
});

describe('conflict resolution by an officer', () => {
  function inConflict(): { grouping: MemoryGrouping; conflictId: string } {
    const grouping = registered();
    grouping.run({ type: 'register', application: application({ applicationId: 'app-2', imei14s: [A1] }) });
    return { grouping, conflictId: grouping.imeis.get(A1)!.conflicts[0]!.conflictId };
  }
  const resolve = (conflictId: string, winnerDeviceId: string, reason = 'invoice checked') =>
    ({ type: 'resolve-conflict' as const, imei14: A1, conflictId, winnerDeviceId, officer: 'officer:demo', reason });

  it('for the claimant: the IMEI moves, the existing device hears imei-unlinked', () => {
    const { grouping, conflictId } = inConflict();
    expect(kinds(grouping.run(resolve(conflictId, 'dev-app-2')))).toEqual([`imei:${A1}:conflict-resolved`, 'device:dev-app-2:conflict-resolved', 'device:dev-app-1:imei-unlinked']);
    expect(grouping.devices.get('dev-app-1')!.imei14s).toEqual([]);
    expect(grouping.devices.get('dev-app-2')!.imei14s).toEqual([A1]);
    expect(currentGroupingOf(grouping.imeis.get(A1))).toEqual({ deviceId: 'dev-app-2', fact: GroupingFact.GROUPING_FACT_CONFLICT_RESOLVED, applicationId: 'app-2', approvedAt: now });
    expect(grouping.run(resolve(conflictId, 'dev-app-2'))).toEqual([]);
    expect(() => grouping.run(resolve(conflictId, 'dev-app-1'))).toThrow(/already resolved/);
  });

  it('for the existing device: it keeps the IMEI and its application', () => {
    const { grouping, conflictId } = inConflict();
    grouping.run(resolve(conflictId, 'dev-app-1'));
    expect(currentGroupingOf(grouping.imeis.get(A1))).toMatchObject({ deviceId: 'dev-app-1', fact: GroupingFact.GROUPING_FACT_CONFLICT_RESOLVED, applicationId: 'app-1' });
    expect(grouping.devices.get('dev-app-1')!.imei14s).toEqual([A1]);
  });

  it('refuses an unknown conflict, a third device as winner, and a missing reason', () => {
    const { grouping, conflictId } = inConflict();
    expect(() => grouping.run(resolve('cf-none', 'dev-app-1'))).toThrow(expect.objectContaining({ code: 'not-found' }));
    expect(() => grouping.run(resolve(conflictId, 'dev-x'))).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    expect(() => grouping.run(resolve(conflictId, 'dev-app-1', ' '))).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });

  it('a retry after a crash between the IMEI write and the device writes completes the devices only', () => {
    const { grouping, conflictId } = inConflict();
    const events = decide(resolve(conflictId, 'dev-app-2'), grouping.view(), now);
    grouping.apply(events.filter((e) => e.entity === 'imei'));
    expect(kinds(grouping.run(resolve(conflictId, 'dev-app-2')))).toEqual(['device:dev-app-2:conflict-resolved', 'device:dev-app-1:imei-unlinked']);
  });
});

describe('clone suspicion', () => {
  const at = (imsi: string, operatorId: string, hours: number): Sighting => ({ imsi, operatorId, atMs: hours * HOUR });
  const policy = DEFAULT_GROUPING_POLICY;

  it('3 distinct IMSIs on 2 operators within 6 hours is a suspicion, with the evidence', () => {
    expect(cloneEvidenceOf([at('a', 'kcell', 0), at('b', 'beeline', 2), at('c', 'kcell', 5)], policy)).toEqual({
      distinctImsis: 3, operatorIds: ['beeline', 'kcell'], windowMs: 6 * HOUR, firstSeenAt: new Date(0), lastSeenAt: new Date(5 * HOUR),
    });
  });

  it('a phone passed around a family is not: SIMs one after another, or on one network, or two SIMs', () => {
    expect(cloneEvidenceOf([at('a', 'kcell', 0), at('b', 'beeline', 10), at('c', 'kcell', 20)], policy)).toBeUndefined();
    expect(cloneEvidenceOf([at('a', 'kcell', 0), at('b', 'kcell', 1), at('c', 'kcell', 2)], policy)).toBeUndefined();
    expect(cloneEvidenceOf([at('a', 'kcell', 0), at('b', 'beeline', 1), at('a', 'beeline', 2)], policy)).toBeUndefined();
  });

  it('sightings are kept without repeats, the most recent ones', () => {
    const merged = mergeSightings([at('a', 'kcell', 1), at('b', 'kcell', 2)], [at('a', 'kcell', 1), at('c', 'beeline', 0)], 2);
    expect(merged).toEqual([at('a', 'kcell', 1), at('b', 'kcell', 2)]);
  });

  it('flags the IMEI once, and its device when it has one', () => {
    const grouping = registered();
    const evidence = cloneEvidenceOf([at('a', 'kcell', 0), at('b', 'beeline', 2), at('c', 'kcell', 5)], policy)!;
    expect(kinds(grouping.run({ type: 'flag-clone', imei14: A1, evidence }))).toEqual([`imei:${A1}:clone-suspected`, 'device:dev-app-1:clone-suspected']);
    expect(currentGroupingOf(grouping.imeis.get(A1))).toMatchObject({ fact: GroupingFact.GROUPING_FACT_CLONE_SUSPECTED, deviceId: 'dev-app-1', applicationId: 'app-1' });
    expect(grouping.run({ type: 'flag-clone', imei14: A1, evidence })).toEqual([]);
    expect(kinds(grouping.run({ type: 'flag-clone', imei14: B1, evidence }))).toEqual([`imei:${B1}:clone-suspected`]);
  });
});
