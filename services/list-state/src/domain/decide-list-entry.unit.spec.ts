import { unknownEntry } from './list-entry';
import { at, given, IMEI, input, passed, refusal, step } from './list-entry.test-helper';

const registered = (): ReturnType<typeof given> => given([input.observation('2025-06-01'), '2025-06-01'], [input.grouping('registered'), '2025-06-02']);

describe('observations', () => {
  it('unknown IMEI first seen after the cutoff → grey unverified, version 1, audited from nothing', () => {
    const { events, entry } = step(unknownEntry(IMEI, false), input.observation('2025-06-01', 'kcell'), '2025-06-01');
    expect(events.map((e) => e.type)).toEqual(['seen', 'listed']);
    expect(entry).toMatchObject({ state: 'grey', reason: 'unverified', version: 1, firstSeenMs: at('2025-06-01'), operators: ['kcell'], blockDate: null });
    expect(entry.recent).toEqual([expect.objectContaining({ version: 1, from: null, to: 'grey', reason: 'unverified', actor: 'network' })]);
  });

  it('unknown IMEI first seen before the cutoff → white grandfathered', () => {
    const entry = given([input.observation('2025-02-10'), '2025-06-01']);
    expect(entry).toMatchObject({ state: 'white', reason: 'grandfathered', version: 1 });
    expect(entry.recent[0]!.note).toContain('before the cutoff 2025-03-01');
  });

  it('a late back-filled observation moving first seen before the cutoff grandfathers a grey entry (audited grey → white)', () => {
    const grey = given([input.observation('2025-06-01'), '2025-06-01']);
    const { entry } = step(grey, input.observation('2025-02-01', 'beeline'), '2025-06-03');
    expect(entry).toMatchObject({ state: 'white', reason: 'grandfathered', version: 2, firstSeenMs: at('2025-02-01'), operators: ['beeline', 'kcell'] });
    expect(entry.recent[1]).toMatchObject({ from: 'grey', to: 'white', reason: 'grandfathered' });
    expect(entry.recent[1]!.note).toContain('late back-filled observation');
  });

  it('a back-fill before the cutoff reverses an automatic grace-expiry block', () => {
    const blocked = given(
      [input.observation('2025-04-01'), '2025-07-27'],
      [input.phaseBlock(), '2025-08-18'],
    );
    expect(blocked).toMatchObject({ state: 'black', reason: 'grace-expired' });
    const { entry } = step(blocked, input.observation('2025-01-15'), '2025-08-19');
    expect(entry).toMatchObject({ state: 'white', reason: 'grandfathered', blockDate: null, blockedAtMs: null });
    expect(entry.recent.at(-1)!.note).toContain('automatic block reversed');
  });

  it('a back-fill does not lift an officer block, a cloned block or a conflict', () => {
    const officer = given([input.observation('2025-06-01'), '2025-06-01'], [input.officerBlock(), '2025-06-02']);
    expect(step(officer, input.observation('2025-01-01'), '2025-06-03').entry).toMatchObject({ state: 'black', reason: 'officer-decision', version: 2 });
    const conflict = given([input.observation('2025-06-01'), '2025-06-01'], [input.grouping('conflict'), '2025-06-02']);
    expect(step(conflict, input.observation('2025-01-01'), '2025-06-03').entry).toMatchObject({ state: 'grey', reason: 'conflict', version: 2 });
  });

  it('a known IMEI seen again the same day on the same operator produces nothing to write', () => {
    const entry = given([input.observation(at('2025-06-01', 9)), '2025-06-01']);
    expect(step(entry, input.observation(at('2025-06-01', 15)), '2025-06-01').events).toEqual([]);
  });

  it('a later day or another operator is an unversioned seen update', () => {
    const entry = given([input.observation('2025-06-01'), '2025-06-01']);
    const later = step(entry, input.observation('2025-06-05'), '2025-06-05');
    expect(later.events.map((e) => e.type)).toEqual(['seen']);
    expect(later.entry.version).toBe(1);
    expect(later.entry.lastSeenDay).toBeGreaterThan(entry.lastSeenDay!);
    const other = step(entry, input.observation('2025-06-01', 'tele2-altel'), '2025-06-01');
    expect(other.entry).toMatchObject({ version: 1, operators: ['kcell', 'tele2-altel'] });
  });

  it('an earlier first seen after the cutoff is recorded without a version', () => {
    const entry = given([input.observation('2025-06-10'), '2025-06-10']);
    const { events, entry: after } = step(entry, input.observation('2025-06-01'), '2025-06-11');
    expect(events.map((e) => e.type)).toEqual(['seen']);
    expect(after).toMatchObject({ version: 1, firstSeenMs: at('2025-06-01') });
    expect(after.lastSeenDay).toBe(entry.lastSeenDay);
  });

  it('first sight during a started phase whose cohort holds it gets the phase block date', () => {
    const entry = given([input.observation('2025-04-20'), '2025-07-30']);
    expect(entry).toMatchObject({ state: 'grey', blockDate: '2025-08-18' });
  });

  it('first sight in steady state gets first seen + 30 grace days', () => {
    expect(given([input.observation('2025-10-01'), '2025-10-01'])).toMatchObject({ state: 'grey', blockDate: '2025-10-31' });
  });

  it('an earlier first seen of an unscheduled grey entry schedules its block date (versioned)', () => {
    const entry = given([input.grouping('sibling-pending'), '2025-07-30']);
    expect(entry.blockDate).toBeNull();
    const { entry: after } = step(entry, input.observation('2025-04-20'), '2025-07-30');
    expect(after).toMatchObject({ state: 'grey', reason: 'pending-sibling', blockDate: '2025-08-18', version: 2 });
  });

  it('malformed IMEIs enter grey unverified, are not grandfathered, and a check digit changes nothing', () => {
    const { entry } = step(unknownEntry('35693803564380X', true), input.observation('2025-02-01', 'kcell', true), '2025-06-01');
    expect(entry).toMatchObject({ state: 'grey', reason: 'unverified', malformed: true });
    expect(entry.recent[0]!.note).toContain('malformed');
  });
});

describe('grouping facts', () => {
  it.each([
    ['registered', 'registered'],
    ['sibling-confirmed', 'sibling-confirmed'],
    ['unblocked-with-documents', 'unblocked-with-documents'],
  ] as const)('%s makes a grey entry white (%s) with the device id and clears the block date', (fact, reason) => {
    const grey = given([input.observation('2025-04-01'), '2025-07-27']);
    expect(grey.blockDate).toBe('2025-08-18');
    const { entry } = step(grey, input.grouping(fact, { deviceId: 'dev-9' }), '2025-07-28');
    expect(entry).toMatchObject({ state: 'white', reason, deviceId: 'dev-9', blockDate: null, version: 2 });
    expect(entry.recent[1]).toMatchObject({ from: 'grey', to: 'white', actor: 'service:device-grouping' });
  });

  it('registration before any observation creates a white entry', () => {
    expect(given([input.grouping('registered'), '2025-06-01'])).toMatchObject({ state: 'white', reason: 'registered', firstSeenMs: null, version: 1 });
  });

  it('the same registration again is refused as already applied, a second device id is a change', () => {
    const entry = registered();
    expect(refusal(step(entry, input.grouping('registered'), '2025-06-03').events)).toContain('already white (registered)');
    expect(step(entry, input.grouping('registered', { deviceId: 'dev-2' }), '2025-06-03').entry).toMatchObject({ deviceId: 'dev-2', version: 3 });
  });

  it('a grandfathered-device fact names the device of a white entry once, and changes no list', () => {
    const white = given([input.observation('2025-01-01'), '2025-06-01']);
    const { entry } = step(white, input.grouping('grandfathered-device', { deviceId: 'gf-1' }), '2025-06-02');
    expect(entry).toMatchObject({ state: 'white', reason: 'grandfathered', deviceId: 'gf-1', version: 2 });
    expect(refusal(step(entry, input.grouping('grandfathered-device', { deviceId: 'gf-2' }), '2025-06-03').events)).toContain('already on device gf-1');
    const grey = given([input.observation('2025-04-01'), '2025-06-01']);
    expect(refusal(step(grey, input.grouping('grandfathered-device'), '2025-06-02').events)).toContain('informational only');
  });

  it('grandfathered → registered is a reason change', () => {
    const entry = given([input.observation('2025-01-01'), '2025-06-01'], [input.grouping('registered'), '2025-06-02']);
    expect(entry).toMatchObject({ state: 'white', reason: 'registered', version: 2 });
  });

  it('sibling pending: grey unverified → grey pending with the device, never downgrading white, not touching black', () => {
    const grey = given([input.observation('2025-06-01'), '2025-06-01']);
    expect(step(grey, input.grouping('sibling-pending', { deviceId: 'dev-3' }), '2025-06-02').entry).toMatchObject({ state: 'grey', reason: 'pending-sibling', deviceId: 'dev-3', version: 2 });
    const white = registered();
    const pendingOnWhite = step(white, input.grouping('sibling-pending'), '2025-06-03');
    expect(refusal(pendingOnWhite.events)).toContain('never downgrades white (registered)');
    expect(pendingOnWhite.entry).toBe(white);
    const grandfathered = given([input.observation('2025-01-01'), '2025-06-01']);
    expect(refusal(step(grandfathered, input.grouping('sibling-pending'), '2025-06-03').events)).toContain('never downgrades');
    const black = given([input.observation('2025-06-01'), '2025-06-01'], [input.officerBlock(), '2025-06-02']);
    expect(refusal(step(black, input.grouping('sibling-pending'), '2025-06-03').events)).toContain('leaving black needs verification');
  });

  it('sibling pending for an unknown IMEI creates a grey pending entry; repeated it is refused', () => {
    const entry = given([input.grouping('sibling-pending', { deviceId: 'dev-3' }), '2025-06-01']);
    expect(entry).toMatchObject({ state: 'grey', reason: 'pending-sibling', version: 1 });
    expect(refusal(step(entry, input.grouping('sibling-pending', { deviceId: 'dev-3' }), '2025-06-02').events)).toBe('already pending on this device');
  });

  it('conflict → grey conflict from grey or white; refused on black; resolution → white registered on the winner', () => {
    const conflictFromWhite = step(registered(), input.grouping('conflict', { deviceId: 'dev-x' }), '2025-06-03').entry;
    expect(conflictFromWhite).toMatchObject({ state: 'grey', reason: 'conflict', deviceId: 'dev-1' });
    expect(refusal(step(conflictFromWhite, input.grouping('conflict'), '2025-06-04').events)).toBe('conflict already recorded');
    const resolved = step(conflictFromWhite, input.grouping('conflict-resolved', { deviceId: 'dev-x' }), '2025-06-05').entry;
    expect(resolved).toMatchObject({ state: 'white', reason: 'registered', deviceId: 'dev-x' });
    const noWinner = step(conflictFromWhite, input.grouping('conflict-resolved', { deviceId: '' }), '2025-06-05').entry;
    expect(noWinner).toMatchObject({ state: 'grey', reason: 'unverified', deviceId: '' });
    const black = given([input.observation('2025-06-01'), '2025-06-01'], [input.officerBlock(), '2025-06-02']);
    expect(refusal(step(black, input.grouping('conflict'), '2025-06-03').events)).toContain('does not lift a block');
    expect(refusal(step(registered(), input.grouping('conflict-resolved'), '2025-06-03').events)).toContain('no conflict to resolve');
  });

  it('a pending sibling does not replace a conflict', () => {
    const conflict = given([input.observation('2025-06-01'), '2025-06-01'], [input.grouping('conflict'), '2025-06-02']);
    expect(refusal(step(conflict, input.grouping('sibling-pending'), '2025-06-03').events)).toContain('awaits resolution');
  });

  describe('from black', () => {
    const graceBlocked = () => given([input.observation('2025-04-01'), '2025-07-27'], [input.phaseBlock(), at('2025-08-18', 10)]);
    const officerBlocked = () => given([input.observation('2025-06-01'), '2025-06-01'], [input.officerBlock(), at('2025-06-10', 10)]);

    it('an application approved before an automatic block took effect reverses it automatically (audited as such)', () => {
      const { entry } = step(graceBlocked(), input.grouping('registered', { approvedAt: at('2025-08-18', 9) }), '2025-08-19');
      expect(entry).toMatchObject({ state: 'white', reason: 'registered', blockedAtMs: null, blockDate: null });
      expect(entry.recent.at(-1)).toMatchObject({ from: 'black', to: 'white' });
      expect(entry.recent.at(-1)!.note).toContain('automatic reversal');
    });

    it('a registration approved after a grace block still lifts it (verification), not as a reversal', () => {
      const { entry } = step(graceBlocked(), input.grouping('sibling-confirmed', { approvedAt: at('2025-08-19') }), '2025-08-19');
      expect(entry).toMatchObject({ state: 'white', reason: 'sibling-confirmed' });
      expect(entry.recent.at(-1)!.note).toContain('lifts the grace-expired block');
    });

    it('an officer block needs an unblock with documents; a predating approval does not reverse it', () => {
      const blocked = officerBlocked();
      expect(refusal(step(blocked, input.grouping('registered', { approvedAt: at('2025-06-09') }), '2025-06-11').events)).toContain('needs an unblock with documents');
      expect(step(blocked, input.grouping('unblocked-with-documents'), '2025-06-11').entry).toMatchObject({ state: 'white', reason: 'unblocked-with-documents' });
    });

    it('a clone block is reversed by a predating approval or lifted by documents, not by a later registration', () => {
      const cloned = given([input.observation('2025-06-01'), '2025-06-01'], [input.grouping('clone-suspected', { guard: passed }), at('2025-06-10', 10)]);
      expect(cloned).toMatchObject({ state: 'black', reason: 'cloned' });
      expect(refusal(step(cloned, input.grouping('registered', { approvedAt: at('2025-06-11') }), '2025-06-11').events)).toContain('needs an unblock');
      expect(step(cloned, input.grouping('registered', { approvedAt: at('2025-06-10', 9) }), '2025-06-11').entry).toMatchObject({ state: 'white', cloneSuspected: true });
      expect(step(cloned, input.grouping('unblocked-with-documents'), '2025-06-11').entry).toMatchObject({ state: 'white', cloneSuspected: false });
    });
  });

  describe('clone suspicion', () => {
    const grey = () => given([input.observation('2025-06-01'), '2025-06-01']);

    it('blocks a grey entry when the guard passed (black, cloned, block date today)', () => {
      const { entry } = step(grey(), input.grouping('clone-suspected', { guard: passed }), at('2025-06-10', 10));
      expect(entry).toMatchObject({ state: 'black', reason: 'cloned', blockDate: '2025-06-10', blockedAtMs: at('2025-06-10', 10), cloneSuspected: true });
    });

    it('records the guard refusal on the entry without blocking, once', () => {
      const { entry } = step(grey(), input.grouping('clone-suspected', { guard: { kind: 'refused', why: 'burst of 500' } }), '2025-06-10');
      expect(entry).toMatchObject({ state: 'grey', reason: 'unverified', cloneSuspected: true, version: 2 });
      expect(entry.recent.at(-1)!.note).toContain('refused by the mass-block guard: burst of 500');
      expect(refusal(step(entry, input.grouping('clone-suspected', { guard: { kind: 'refused', why: 'x' } }), '2025-06-11').events)).toContain('refused');
    });

    it('blocks on an officer override, noting who and why', () => {
      const { entry } = step(grey(), input.grouping('clone-suspected', { guard: { kind: 'overridden', officer: 'officer:demo', reason: 'confirmed clone ring' } }), '2025-06-10');
      expect(entry).toMatchObject({ state: 'black', reason: 'cloned' });
      expect(entry.recent.at(-1)!.note).toContain('overridden by officer:demo: confirmed clone ring');
    });

    it('never blocks without a guard verdict', () => {
      expect(step(grey(), input.grouping('clone-suspected'), '2025-06-10').entry.state).toBe('grey');
    });

    it('only flags a white entry (policy), and refuses on black', () => {
      const { entry } = step(registered(), input.grouping('clone-suspected', { guard: passed }), '2025-06-10');
      expect(entry).toMatchObject({ state: 'white', reason: 'registered', cloneSuspected: true, version: 3 });
      expect(refusal(step(entry, input.grouping('clone-suspected', { guard: passed }), '2025-06-11').events)).toContain('already recorded');
      const black = given([input.observation('2025-06-01'), '2025-06-01'], [input.officerBlock(), '2025-06-02']);
      expect(refusal(step(black, input.grouping('clone-suspected', { guard: passed }), '2025-06-03').events)).toContain('already black');
    });
  });
});

describe('officer commands', () => {
  it('block: any state → black officer decision with the reason, block date today', () => {
    const { entry } = step(registered(), input.officerBlock('court order 7'), at('2025-06-10', 10));
    expect(entry).toMatchObject({ state: 'black', reason: 'officer-decision', blockDate: '2025-06-10', blockedAtMs: at('2025-06-10', 10) });
    expect(entry.recent.at(-1)).toMatchObject({ from: 'white', to: 'black', actor: 'officer:demo', note: 'court order 7' });
    expect(given([input.officerBlock(), '2025-06-01'])).toMatchObject({ state: 'black', version: 1 });
  });

  it('block refuses an empty reason and an entry already blocked by an officer', () => {
    expect(refusal(step(unknownEntry(IMEI, false), input.officerBlock('  '), '2025-06-01').events)).toContain('needs a reason');
    const blocked = given([input.officerBlock(), '2025-06-01']);
    expect(refusal(step(blocked, input.officerBlock(), '2025-06-02').events)).toContain('already black (officer-decision)');
  });

  it('unblock: black → white officer unblock; refused when not black or without a reason', () => {
    const blocked = given([input.observation('2025-06-01'), '2025-06-01'], [input.officerBlock(), '2025-06-02']);
    expect(step(blocked, input.officerUnblock('mistake'), '2025-06-03').entry).toMatchObject({ state: 'white', reason: 'officer-unblock', blockDate: null, blockedAtMs: null });
    expect(refusal(step(blocked, input.officerUnblock(''), '2025-06-03').events)).toContain('needs a reason');
    expect(refusal(step(registered(), input.officerUnblock(), '2025-06-03').events)).toContain('not blocked: white (registered)');
    expect(refusal(step(unknownEntry(IMEI, false), input.officerUnblock(), '2025-06-03').events)).toBe('not blocked: unknown');
  });
});

describe('phase commands', () => {
  const grey = () => given([input.observation('2025-06-01'), '2025-06-01']);

  it('schedule sets the block date of an unscheduled grey entry', () => {
    const { entry } = step(grey(), input.phaseSchedule('2025-09-15', 'phase-2'), '2025-08-18');
    expect(entry).toMatchObject({ state: 'grey', blockDate: '2025-09-15', version: 2 });
    expect(entry.recent.at(-1)!.note).toBe('phase phase-2 schedules the block on 2025-09-15');
  });

  it('schedule never moves a block date: an earlier or later one is refused once set', () => {
    const scheduled = step(grey(), input.phaseSchedule('2025-09-15'), '2025-08-18').entry;
    expect(refusal(step(scheduled, input.phaseSchedule('2025-08-30'), '2025-08-19').events)).toContain('never moves earlier');
    expect(step(scheduled, input.phaseSchedule('2025-10-01'), '2025-08-19').entry.blockDate).toBe('2025-09-15');
  });

  it('schedule keeps the minimum notice when the proposed date has passed', () => {
    expect(step(grey(), input.phaseSchedule('2025-08-01'), '2025-08-18').entry.blockDate).toBe('2025-08-19');
  });

  it('schedule refuses white, black, conflict and unknown entries', () => {
    expect(refusal(step(registered(), input.phaseSchedule('2025-09-15'), '2025-08-18').events)).toContain('not grey');
    expect(refusal(step(given([input.officerBlock(), '2025-06-01']), input.phaseSchedule('2025-09-15'), '2025-08-18').events)).toContain('not grey');
    const conflict = step(grey(), input.grouping('conflict'), '2025-06-02').entry;
    expect(refusal(step(conflict, input.phaseSchedule('2025-09-15'), '2025-08-18').events)).toContain('awaits resolution');
    expect(refusal(step(unknownEntry(IMEI, false), input.phaseSchedule('2025-09-15'), '2025-08-18').events)).toBe('unknown IMEI');
  });

  it('block: a due grey entry → black grace expired, keeping its block date', () => {
    const scheduled = step(grey(), input.phaseSchedule('2025-09-15'), '2025-08-18').entry;
    const { entry } = step(scheduled, input.phaseBlock(), at('2025-09-15', 6));
    expect(entry).toMatchObject({ state: 'black', reason: 'grace-expired', blockDate: '2025-09-15', blockedAtMs: at('2025-09-15', 6) });
    expect(entry.recent.at(-1)).toMatchObject({ from: 'grey', to: 'black', actor: 'scheduler:phase-1' });
  });

  it('block of a malformed entry has reason malformed', () => {
    let entry = step(unknownEntry('ABC123', true), input.observation('2025-10-01', 'kcell', true), '2025-10-01').entry;
    expect(entry.blockDate).toBe('2025-10-31');
    entry = step(entry, input.phaseBlock(), '2025-10-31').entry;
    expect(entry).toMatchObject({ state: 'black', reason: 'malformed' });
  });

  it('block refuses what is not due, not grey, in conflict, unscheduled, or refused by the guard', () => {
    const scheduled = step(grey(), input.phaseSchedule('2025-09-15'), '2025-08-18').entry;
    expect(refusal(step(scheduled, input.phaseBlock(), '2025-09-14').events)).toBe('not due until 2025-09-15');
    expect(refusal(step(grey(), input.phaseBlock(), '2025-09-14').events)).toBe('no block date scheduled');
    expect(refusal(step(registered(), input.phaseBlock(), '2025-09-14').events)).toContain('not grey');
    const conflict = step(scheduled, input.grouping('conflict'), '2025-09-01').entry;
    expect(refusal(step(conflict, input.phaseBlock(), '2025-09-16').events)).toContain('awaits resolution');
    expect(refusal(step(scheduled, input.phaseBlock({ kind: 'refused', why: 'too many' }), '2025-09-16').events)).toContain('too many');
    expect(refusal(step(unknownEntry(IMEI, false), input.phaseBlock(), '2025-09-16').events)).toBe('unknown IMEI');
  });

  it('block with an officer override notes it', () => {
    const scheduled = step(grey(), input.phaseSchedule('2025-09-15'), '2025-08-18').entry;
    const { entry } = step(scheduled, input.phaseBlock({ kind: 'overridden', officer: 'officer:demo', reason: 'ministry order' }), '2025-09-15');
    expect(entry.recent.at(-1)!.note).toContain('overridden by officer:demo: ministry order');
  });
});

describe('replays and the audit trail', () => {
  it('an input whose cause is already on the entry changes nothing', () => {
    const block = input.officerBlock();
    const blocked = given([input.observation('2025-06-01'), '2025-06-01'], [block, '2025-06-02'], [input.officerUnblock(), '2025-06-03']);
    const { events, entry } = step(blocked, block, '2025-06-04');
    expect(refusal(events)).toBe('already applied (replay)');
    expect(entry).toBe(blocked);
  });

  it('keeps the 16 most recent audit records, versions in order', () => {
    let entry = given([input.observation('2025-06-01'), '2025-06-01']);
    for (let i = 0; i < 10; i++) {
      entry = step(entry, input.officerBlock(), '2025-06-02').entry;
      entry = step(entry, input.officerUnblock(), '2025-06-02').entry;
    }
    expect(entry.version).toBe(21);
    expect(entry.recent).toHaveLength(16);
    expect(entry.recent.map((r) => r.version)).toEqual(Array.from({ length: 16 }, (_, i) => 6 + i));
  });
});
