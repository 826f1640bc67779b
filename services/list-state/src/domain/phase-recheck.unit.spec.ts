import { partitionsBehind, recheck, type RecheckFacts } from './phase-recheck';

describe('lag barrier', () => {
  it('passes only when every partition committed up to the end captured at run start', () => {
    const ends = new Map([['g/0', 10], ['g/1', 0], ['g/2', 5]]);
    expect(partitionsBehind(ends, new Map([['g/0', 10], ['g/2', 7]]))).toEqual([]);
    expect(partitionsBehind(ends, new Map([['g/0', 9], ['g/2', 5]]))).toEqual(['g/0']);
    expect(partitionsBehind(ends, new Map())).toEqual(['g/0', 'g/2']);
  });
});

describe('re-check before a block', () => {
  const due: RecheckFacts = { state: 'grey', reason: 'unverified', blockDate: '2025-08-18', grouped: false, siblingPending: false, openApplication: 'none' };

  it('blocks a due grey candidate with nothing pending', () => {
    expect(recheck(due, '2025-08-18')).toEqual({ kind: 'block' });
  });

  it.each([
    [{ state: 'white', reason: 'registered' }, 'now white (registered)'],
    [{ reason: 'conflict' }, 'conflict awaits resolution'],
    [{ blockDate: '2025-08-19' }, 'not due (block date 2025-08-19)'],
    [{ blockDate: null }, 'not due (block date none)'],
    [{ grouped: true }, 'verified'],
    [{ openApplication: 'received' }, 'application pending a decision'],
    [{ openApplication: 'approved' }, 'approved application not yet applied'],
    [{ siblingPending: true }, 'second-IMEI confirmation pending'],
  ] as Array<[Partial<RecheckFacts>, string]>)('spares %j and records why', (change, why) => {
    const verdict = recheck({ ...due, ...change }, '2025-08-18');
    expect(verdict.kind).toBe('spare');
    expect(verdict.kind === 'spare' && verdict.why).toContain(why);
  });
});
