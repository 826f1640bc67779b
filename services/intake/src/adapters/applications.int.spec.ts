import { status, type ServiceError } from '@grpc/grpc-js';
import { ApplicationEvent, ApplicationKind, ApplicationSource, ApplicationStatus, type SubmitApplicationRequest } from '@imei/contracts';
import { call, readBadRequest } from '@imei/grpc';
import { readTopic, topicRecordCount, uniqueName, waitFor } from '@imei/testing';
import { startIntakeHarness, type IntakeHarness } from '../intake-harness.test-helper';

const registration = (imeis: string[], change: Partial<SubmitApplicationRequest> = {}): SubmitApplicationRequest => ({
  idempotencyKey: uniqueName('key'),
  kind: ApplicationKind.APPLICATION_KIND_REGISTRATION,
  imeis,
  ownerRef: 'owner-ref-1',
  model: 'Phone X',
  documents: [{ kind: 'invoice', reference: 'INV-77' }],
  deviceId: '',
  claimedSource: 0,
  ...change,
});

const failure = (promise: Promise<unknown>): Promise<ServiceError> =>
  promise.then(() => Promise.reject(new Error('expected a failure')), (error: ServiceError) => error);

describe('applications through the real store and broker', () => {
  let harness: IntakeHarness;
  const events = async (count: number) =>
    (await readTopic(harness.applicationsTopic.name, count)).map((m) => ({ key: m.key!.toString(), event: ApplicationEvent.decode(m.value!) }));

  beforeAll(async () => {
    harness = await startIntakeHarness();
  });
  afterAll(() => harness.stop());

  it('a distributor registration is approved by rule and published keyed by its derived device id; a resubmission returns the first receipt', async () => {
    const distributor = harness.client('distributor:demo');
    const request = registration(['490154203237518', '35693803564380']);
    const first = await call(distributor, 'submitApplication', request);
    expect(first.duplicate).toBe(false);
    expect(first.application).toMatchObject({
      source: ApplicationSource.APPLICATION_SOURCE_OFFICIAL_DISTRIBUTOR,
      status: ApplicationStatus.APPLICATION_STATUS_APPROVED,
      submittedBy: 'distributor:demo',
      imei14s: ['49015420323751', '35693803564380'],
      version: 1,
    });
    expect(first.application!.deviceId).toMatch(/^dev-/);
    const again = await call(distributor, 'submitApplication', request);
    expect(again).toEqual({ ...first, duplicate: true });
    const [published] = await events(1);
    expect(published!.key).toBe(first.application!.deviceId);
    expect(published!.event).toMatchObject({ status: ApplicationStatus.APPLICATION_STATUS_APPROVED, application: { applicationId: first.application!.applicationId, version: 1 } });
    expect(await topicRecordCount(harness.applicationsTopic.name)).toBe(1);
  });

  it('an individual cannot claim a trusted source, an operator cannot submit, bad IMEIs are named', async () => {
    const individual = harness.client('individual:demo');
    const claimed = await failure(call(individual, 'submitApplication', registration(['353456789012348'], { claimedSource: ApplicationSource.APPLICATION_SOURCE_OFFICIAL_DISTRIBUTOR })));
    expect(claimed.code).toBe(status.PERMISSION_DENIED);
    const operator = await failure(call(harness.client('operator:kcell'), 'submitApplication', registration(['353456789012348'])));
    expect(operator.code).toBe(status.PERMISSION_DENIED);
    const bad = await failure(call(individual, 'submitApplication', registration(['4901542032375101', '490154203237510'])));
    expect(bad.code).toBe(status.INVALID_ARGUMENT);
    const violations = readBadRequest(bad) ?? [];
    expect(violations.map((v) => v.field)).toEqual(['imeis[0]', 'imeis[1]']);
    expect(violations[0]!.description).toContain('*#06#');
  });

  it('an individual application waits as received; only an officer decides it, and the decision is published at version 2', async () => {
    const individual = harness.client('individual:demo');
    const officer = harness.client('officer:demo');
    const before = await topicRecordCount(harness.applicationsTopic.name);
    const { application } = await call(individual, 'submitApplication', registration(['353456789012348']));
    expect(application).toMatchObject({ status: ApplicationStatus.APPLICATION_STATUS_RECEIVED, source: ApplicationSource.APPLICATION_SOURCE_INDIVIDUAL, decidedBy: '' });
    const id = application!.applicationId;
    expect((await failure(call(individual, 'decideApplication', { applicationId: id, approve: true, reason: '' }))).code).toBe(status.PERMISSION_DENIED);
    expect((await failure(call(officer, 'decideApplication', { applicationId: id, approve: false, reason: '' }))).code).toBe(status.INVALID_ARGUMENT);
    const approved = await call(officer, 'decideApplication', { applicationId: id, approve: true, reason: 'documents verified' });
    expect(approved).toMatchObject({ status: ApplicationStatus.APPLICATION_STATUS_APPROVED, decidedBy: 'officer:demo', version: 2 });
    expect(await call(officer, 'decideApplication', { applicationId: id, approve: true, reason: 'documents verified' })).toEqual(approved);
    expect((await failure(call(officer, 'decideApplication', { applicationId: id, approve: false, reason: 'changed my mind' }))).code).toBe(status.FAILED_PRECONDITION);
    await waitFor('2 more events', async () => (await topicRecordCount(harness.applicationsTopic.name)) === before + 2);
    const mine = (await events(before + 2)).filter((e) => e.event.application!.applicationId === id);
    expect(mine.map((e) => [e.event.application!.version, e.event.status])).toEqual([
      [1, ApplicationStatus.APPLICATION_STATUS_RECEIVED],
      [2, ApplicationStatus.APPLICATION_STATUS_APPROVED],
    ]);
    expect(new Set(mine.map((e) => e.key))).toEqual(new Set([application!.deviceId]));
    expect(await call(individual, 'getApplication', { applicationId: id })).toEqual(approved);
    expect((await failure(call(harness.client('distributor:demo'), 'getApplication', { applicationId: id }))).code).toBe(status.NOT_FOUND);
  });

  it('FindOpenApplications (service) returns received and approved applications for the IMEIs, not rejected ones; list by IMEI, owner and status pages', async () => {
    const individual = harness.client('individual:demo');
    const officer = harness.client('officer:demo');
    const service = harness.client('service:list-state');
    const imei = '861536030196001';
    const owner = uniqueName('owner');
    const received = await call(individual, 'submitApplication', registration([imei], { ownerRef: owner }));
    const rejected = await call(individual, 'submitApplication', registration([imei], { ownerRef: owner }));
    await call(officer, 'decideApplication', { applicationId: rejected.application!.applicationId, approve: false, reason: 'no invoice' });
    const approved = await call(harness.client('customs:demo'), 'submitApplication', registration([imei, '490154203237518'], { ownerRef: owner }));
    const open = await call(service, 'findOpenApplications', { imeis: [imei.slice(0, 14), '000000000000000'] });
    expect(open.applications.map((a) => a.applicationId).sort()).toEqual([received.application!.applicationId, approved.application!.applicationId].sort());
    expect((await failure(call(individual, 'findOpenApplications', { imeis: [imei] }))).code).toBe(status.PERMISSION_DENIED);

    const byImei = await call(officer, 'listApplications', { status: 0, ownerRef: '', imei, pageSize: 2, pageToken: '' });
    expect(byImei.applications).toHaveLength(2);
    const rest = await call(officer, 'listApplications', { status: 0, ownerRef: '', imei, pageSize: 2, pageToken: byImei.nextPageToken });
    expect(rest).toMatchObject({ nextPageToken: '' });
    expect(rest.applications).toHaveLength(1);
    const byOwner = await call(officer, 'listApplications', { status: ApplicationStatus.APPLICATION_STATUS_REJECTED, ownerRef: owner, imei: '', pageSize: 0, pageToken: '' });
    expect(byOwner.applications.map((a) => a.applicationId)).toEqual([rejected.application!.applicationId]);
  });
});
