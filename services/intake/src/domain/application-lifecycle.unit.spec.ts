import { ApplicationKind, ApplicationSource, ApplicationStatus } from '@imei/contracts';
import { DomainError } from '@imei/errors';
import { applicationIdOf, deviceIdOf } from './application-ids';
import { decide, evolve, isOpen, RULE_DECIDER, type ApplicationCommand } from './application-lifecycle';
import { applicationSourceOf } from './application-source';
import type { ValidSubmission } from './application-submission';

const now = new Date('2025-08-01T10:00:00Z');
const later = new Date('2025-08-02T10:00:00Z');
const submission: ValidSubmission = {
  kind: ApplicationKind.APPLICATION_KIND_REGISTRATION, idempotencyKey: 'k-1', imei14s: ['49015420323751'],
  ownerRef: 'owner-1', model: 'X', documents: [], deviceId: '',
};
const submit = (source: ApplicationSource): ApplicationCommand => ({
  type: 'submit', applicationId: applicationIdOf('individual:demo', 'k-1'), submission, source, submittedBy: 'individual:demo',
});
const apply = (command: ApplicationCommand, state: Parameters<typeof decide>[1], at = now) => decide(command, state, at).reduce(evolve, state)!;

describe('application lifecycle', () => {
  it('an individual application is received at version 1 and waits for an officer', () => {
    const application = apply(submit(ApplicationSource.APPLICATION_SOURCE_INDIVIDUAL), undefined);
    expect(application).toMatchObject({ status: ApplicationStatus.APPLICATION_STATUS_RECEIVED, version: 1, decidedBy: '', receivedAt: now, decidedAt: undefined });
    expect(application.deviceId).toBe(deviceIdOf(application.applicationId));
    expect(isOpen(application)).toBe(true);
  });

  it('a trusted source is approved by rule in the submitting change', () => {
    const application = apply(submit(ApplicationSource.APPLICATION_SOURCE_CUSTOMS), undefined);
    expect(application).toMatchObject({ status: ApplicationStatus.APPLICATION_STATUS_APPROVED, version: 1, decidedBy: RULE_DECIDER, decidedAt: now });
  });

  it('an officer approves or rejects (with a reason) a received application, version + 1', () => {
    const received = apply(submit(ApplicationSource.APPLICATION_SOURCE_INDIVIDUAL), undefined);
    const approved = apply({ type: 'decide', approve: true, reason: '', officer: 'officer:demo' }, received, later);
    expect(approved).toMatchObject({ status: ApplicationStatus.APPLICATION_STATUS_APPROVED, version: 2, decidedBy: 'officer:demo', decidedAt: later });
    const rejected = apply({ type: 'decide', approve: false, reason: 'forged invoice', officer: 'officer:demo' }, received, later);
    expect(rejected).toMatchObject({ status: ApplicationStatus.APPLICATION_STATUS_REJECTED, decisionReason: 'forged invoice' });
    expect(isOpen(rejected)).toBe(false);
  });

  it('refuses a rejection without reason, a decision on a decided application, and a second submission', () => {
    const received = apply(submit(ApplicationSource.APPLICATION_SOURCE_INDIVIDUAL), undefined);
    expect(() => decide({ type: 'decide', approve: false, reason: ' ', officer: 'o' }, received, now)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    const approved = apply({ type: 'decide', approve: true, reason: '', officer: 'o' }, received);
    expect(() => decide({ type: 'decide', approve: false, reason: 'x', officer: 'o' }, approved, now)).toThrow(expect.objectContaining({ code: 'failed-precondition' }));
    expect(() => decide({ type: 'decide', approve: true, reason: '', officer: 'o' }, undefined, now)).toThrow(expect.objectContaining({ code: 'not-found' }));
    expect(() => decide(submit(ApplicationSource.APPLICATION_SOURCE_INDIVIDUAL), received, now)).toThrow(expect.objectContaining({ code: 'already-exists' }));
  });

  it('keeps a sibling confirmation on the named device', () => {
    const command = { ...submit(ApplicationSource.APPLICATION_SOURCE_INDIVIDUAL), submission: { ...submission, kind: ApplicationKind.APPLICATION_KIND_SIBLING_CONFIRMATION, deviceId: 'dev-known' } } as ApplicationCommand;
    expect(apply(command, undefined).deviceId).toBe('dev-known');
  });
});

describe('ids', () => {
  it('derive deterministically from principal + idempotency key, and device from application', () => {
    expect(applicationIdOf('p', 'k')).toBe(applicationIdOf('p', 'k'));
    expect(applicationIdOf('p', 'k')).not.toBe(applicationIdOf('q', 'k'));
    expect(applicationIdOf('p', 'k')).toMatch(/^app-[A-Za-z0-9_-]{22}$/);
    expect(deviceIdOf('app-1')).toMatch(/^dev-[A-Za-z0-9_-]{22}$/);
  });
});

describe('applicationSourceOf', () => {
  it('takes the source from the identity', () => {
    expect(applicationSourceOf({ principal: 'distributor:demo', role: 'trusted-source', source: 'official-distributor' }, 0)).toBe(ApplicationSource.APPLICATION_SOURCE_OFFICIAL_DISTRIBUTOR);
    expect(applicationSourceOf({ principal: 'individual:demo', role: 'individual' }, ApplicationSource.APPLICATION_SOURCE_INDIVIDUAL)).toBe(ApplicationSource.APPLICATION_SOURCE_INDIVIDUAL);
  });

  it('refuses an individual claiming a trusted source, and operators, officers, services', () => {
    expect(() => applicationSourceOf({ principal: 'individual:demo', role: 'individual' }, ApplicationSource.APPLICATION_SOURCE_OFFICIAL_DISTRIBUTOR)).toThrow(DomainError);
    for (const role of ['operator', 'officer', 'service']) {
      expect(() => applicationSourceOf({ principal: `${role}:x`, role }, 0)).toThrow(expect.objectContaining({ code: 'permission-denied' }));
    }
  });
});
