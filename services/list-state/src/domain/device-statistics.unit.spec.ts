import { addDeviceDelta, applyMemberChanges, deviceUnitOf, type DeviceMember } from './device-statistics';

const m = (state: DeviceMember['state'], reason: DeviceMember['reason'], version = 1): DeviceMember => ({ state, reason, version });

describe('device rule (design §2)', () => {
  it('white when all IMEIs are white, black when any is black, otherwise grey; mixed when lists differ', () => {
    expect(deviceUnitOf([m('white', 'registered'), m('white', 'sibling-confirmed')])).toEqual({ state: 'white', reason: 'registered', mixed: false });
    expect(deviceUnitOf([m('white', 'registered'), m('grey', 'pending-sibling')])).toEqual({ state: 'grey', reason: 'pending-sibling', mixed: true });
    expect(deviceUnitOf([m('grey', 'unverified'), m('black', 'cloned'), m('white', 'registered')])).toEqual({ state: 'black', reason: 'cloned', mixed: true });
    expect(deviceUnitOf([m('black', 'officer-decision'), m('black', 'grace-expired')])).toEqual({ state: 'black', reason: 'grace-expired', mixed: false });
    expect(deviceUnitOf([])).toBeNull();
  });

  it('counts a device once, moving its counters with its list', () => {
    const delta = new Map<string, number>();
    addDeviceDelta(delta, null, { state: 'grey', reason: 'pending-sibling', mixed: true });
    addDeviceDelta(delta, { state: 'grey', reason: 'pending-sibling', mixed: true }, { state: 'white', reason: 'registered', mixed: false });
    expect(Object.fromEntries(delta)).toEqual({ 'devices.state.white': 1, 'devices.reason.white.registered': 1 });
  });
});

describe('device members', () => {
  it('a member moves only forward in entry version; it leaves the device it left', () => {
    const members = { a: m('white', 'registered', 2) };
    expect(applyMemberChanges('dev', members, [{ imei14: 'a', fromDevice: 'dev', toDevice: 'dev', member: m('grey', 'conflict', 2) }])).toEqual(members);
    expect(applyMemberChanges('dev', members, [{ imei14: 'a', fromDevice: 'dev', toDevice: 'dev', member: m('black', 'officer-decision', 3) }])).toEqual({ a: m('black', 'officer-decision', 3) });
    expect(applyMemberChanges('dev', members, [{ imei14: 'a', fromDevice: 'dev', toDevice: 'other', member: m('white', 'registered', 3) }])).toEqual({});
    expect(applyMemberChanges('other', {}, [{ imei14: 'a', fromDevice: 'dev', toDevice: 'other', member: m('white', 'registered', 3) }])).toEqual({ a: m('white', 'registered', 3) });
  });
});
