import { ApplicationKind, GroupingFact } from '@imei/contracts';
import { imeiCountExceedsSlots } from './device';
import { currentGroupingOf } from './imei-record';
import { conflictIdOf } from './grouping-ids';
import { application, kinds, MemoryGrouping, now, tacTable } from './grouping-fixtures.test-helper';

const A1 = '35693803564380';
const A2 = '35693803564398';
const A3 = '35693803564406';
const A4 = '35693803564414';
const A5 = '35693803564422';
const B1 = '49015420323751';

describe('registration from an approved application', () => {
  it('creates the device with its IMEIs in slot order, model and slots from TAC data, one change per entity', () => {
    const grouping = new MemoryGrouping();
    grouping.tac = tacTable([{ tac: '35693803', brand: 'Acme', model: 'Duo', deviceType: 'Smartphone', slots: 2 }]);
    const events = grouping.run({ type: 'register', application: application({ applicationId: 'app-1', imei14s: [A1, A2] }) });
    expect(kinds(events)).toEqual([
      'device:dev-app-1:registered',
      `imei:${A1}:linked`, `device:dev-app-1:imei-linked`,
      `imei:${A2}:linked`, `device:dev-app-1:imei-linked`,
    ]);
    expect(grouping.devices.get('dev-app-1')).toMatchObject({
      kind: 'registered', imei14s: [A1, A2], brand: 'Acme', model: 'Duo', slots: 2, ownerRef: 'owner-1', version: 1, createdAt: now,
    });
    expect(currentGroupingOf(grouping.imeis.get(A2))).toEqual({ deviceId: 'dev-app-1', fact: GroupingFact.GROUPING_FACT_REGISTERED, applicationId: 'app-1', approvedAt: now });
    expect(grouping.imeis.get(A1)!.version).toBe(1);
  });

  it('a replay of the same application changes nothing, also after a crash between the IMEI writes and the device write', () => {
    const grouping = new MemoryGrouping();
    const command = { type: 'register' as const, application: application({ applicationId: 'app-1', imei14s: [A1, B1] }) };
    const events = grouping.run(command);
    expect(grouping.run(command)).toEqual([]);

    const crashed = new MemoryGrouping();
    crashed.apply(events.filter((e) => e.entity === 'imei'));
    const redo = crashed.run(command);
    expect(redo.every((e) => e.entity === 'device')).toBe(true);
    expect(crashed.devices.get('dev-app-1')).toEqual(grouping.devices.get('dev-app-1'));
    expect(crashed.imeis.get(A1)).toEqual(grouping.imeis.get(A1));
  });

  it('extends a known device with a second application; an IMEI it already holds stays as it is', () => {
    const grouping = new MemoryGrouping();
    grouping.run({ type: 'register', application: application({ applicationId: 'app-1', imei14s: [A1] }) });
    const events = grouping.run({ type: 'register', application: application({ applicationId: 'app-2', deviceId: 'dev-app-1', imei14s: [A1, A2] }) });
    expect(kinds(events)).toEqual([`imei:${A2}:linked`, 'device:dev-app-1:imei-linked']);
    expect(grouping.devices.get('dev-app-1')).toMatchObject({ imei14s: [A1, A2], version: 2 });
  });

  it('an IMEI linked to another device is a conflict: nothing is overwritten, the conflict is on the IMEI and the claimant', () => {
    const grouping = new MemoryGrouping();
    grouping.run({ type: 'register', application: application({ applicationId: 'app-1', imei14s: [A1] }) });
    const events = grouping.run({ type: 'register', application: application({ applicationId: 'app-2', imei14s: [A1, A2] }) });
    const conflictId = conflictIdOf(A1, 'dev-app-2', 'app-2');
    expect(kinds(events)).toEqual(['device:dev-app-2:registered', `imei:${A1}:conflict-detected`, 'device:dev-app-2:conflict-detected', `imei:${A2}:linked`, 'device:dev-app-2:imei-linked']);
    expect(grouping.imeis.get(A1)!.link!.deviceId).toBe('dev-app-1');
    expect(grouping.imeis.get(A1)!.conflicts).toEqual([
      { conflictId, imei14: A1, existingDeviceId: 'dev-app-1', claimingDeviceId: 'dev-app-2', applicationId: 'app-2', approvedAt: now, detectedAt: now },
    ]);
    expect(currentGroupingOf(grouping.imeis.get(A1))).toMatchObject({ deviceId: 'dev-app-1', fact: GroupingFact.GROUPING_FACT_CONFLICT, applicationId: 'app-1' });
    expect(grouping.devices.get('dev-app-1')!.imei14s).toEqual([A1]);
    expect(grouping.devices.get('dev-app-2')!.imei14s).toEqual([A2]);
    // Replayed: the same conflict id, no second record.
    expect(grouping.run({ type: 'register', application: application({ applicationId: 'app-2', imei14s: [A1, A2] }) })).toEqual([]);
    expect(grouping.imeis.get(A1)!.conflicts).toHaveLength(1);
  });

  it('an unblock with documents registers the same way and re-announces an IMEI the device already holds', () => {
    const grouping = new MemoryGrouping();
    const unblock = application({ applicationId: 'app-u', imei14s: [B1], kind: ApplicationKind.APPLICATION_KIND_UNBLOCK_WITH_DOCUMENTS });
    grouping.run({ type: 'register', application: unblock });
    expect(currentGroupingOf(grouping.imeis.get(B1)).fact).toBe(GroupingFact.GROUPING_FACT_UNBLOCKED_WITH_DOCUMENTS);

    grouping.run({ type: 'register', application: application({ applicationId: 'app-r', imei14s: [A1] }) });
    const again = grouping.run({ type: 'register', application: application({ applicationId: 'app-u2', deviceId: 'dev-app-r', imei14s: [A1], kind: ApplicationKind.APPLICATION_KIND_UNBLOCK_WITH_DOCUMENTS }) });
    expect(kinds(again)).toEqual([`imei:${A1}:linked`]);
    expect(currentGroupingOf(grouping.imeis.get(A1))).toMatchObject({ fact: GroupingFact.GROUPING_FACT_UNBLOCKED_WITH_DOCUMENTS, applicationId: 'app-u2' });
  });

  it('a fifth IMEI is refused with a reason; a TAC that says 2 slots flags a 3-IMEI device', () => {
    const grouping = new MemoryGrouping();
    grouping.tac = tacTable([{ tac: '35693803', brand: 'Acme', model: 'Duo', deviceType: 'Smartphone', slots: 2 }]);
    grouping.run({ type: 'register', application: application({ applicationId: 'app-1', imei14s: [A1, A2, A3, A4] }) });
    const events = grouping.run({ type: 'register', application: application({ applicationId: 'app-2', deviceId: 'dev-app-1', imei14s: [A5] }) });
    expect(events).toHaveLength(1);
    expect(events[0]!.change).toMatchObject({ type: 'sibling-refused', code: 'device-full', imei14: A5 });
    expect(grouping.imeis.get(A5)).toBeUndefined();
    expect(imeiCountExceedsSlots(grouping.devices.get('dev-app-1')!)).toBe(true);
  });
});
