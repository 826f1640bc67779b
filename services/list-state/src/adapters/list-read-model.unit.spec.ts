import { ListReason, ListState } from '@imei/contracts';
import { ListReadModel } from './list-read-model';
import { checkViewOf } from './read-model-feed';

describe('list read model (packed typed arrays)', () => {
  it('answers list, reason, block date and device; only a newer version replaces', () => {
    const model = new ListReadModel(16);
    model.apply('35693803564380', 1, { state: 'grey', reason: 'unverified', blockDate: '2025-08-18', deviceId: '' });
    expect(model.get('35693803564380')).toEqual({ state: 'grey', reason: 'unverified', blockDate: '2025-08-18', deviceId: '' });
    model.apply('35693803564380', 2, { state: 'white', reason: 'registered', blockDate: null, deviceId: 'dev-1' });
    model.apply('35693803564380', 1, { state: 'grey', reason: 'unverified', blockDate: '2025-08-18', deviceId: '' });
    expect(model.get('35693803564380')).toEqual({ state: 'white', reason: 'registered', blockDate: null, deviceId: 'dev-1' });
    expect(model.stateOf('35693803564380')).toBe('white');
    expect(model.get('35693803564381')).toBeUndefined();
    model.apply('ABC*1', 1, { state: 'grey', reason: 'unverified', blockDate: null, deviceId: '' });
    expect(model.stateOf('ABC*1')).toBe('grey');
    expect(model.size).toBe(2);
  });

  it('grows past its initial capacity and keeps every key', () => {
    const model = new ListReadModel(16);
    for (let i = 0; i < 100_000; i++) model.putPacked(35693803000000 + i * 13, 8, 0, 1);
    expect(model.size).toBe(100_000);
    expect(model.stateOf(String(35693803000000 + 13 * 99_999))).toBe('black');
    expect(model.bytes).toBe(262_144 * 19);
  });

  it('reads the view a ListChange announces', () => {
    const view = checkViewOf({
      imei14: '35693803564380', imei: '', state: ListState.LIST_STATE_BLACK, reason: ListReason.LIST_REASON_GRACE_EXPIRED, previousState: ListState.LIST_STATE_GREY,
      blockDate: new Date('2025-08-17T19:00:00Z'), deviceId: '', version: 3, changedAt: undefined, cause: '', actor: '',
    });
    expect(view).toEqual({ state: 'black', reason: 'grace-expired', blockDate: '2025-08-18', deviceId: '' });
  });
});
