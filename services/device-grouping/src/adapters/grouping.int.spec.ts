import { ApplicationKind, ApplicationStatus, DeadLetter, GroupingFact, topics } from '@imei/contracts';
import { uniqueName, waitFor } from '@imei/testing';
import { conflictIdOf, grandfatheredDeviceIdOf } from '../domain/grouping-ids';
import { approvedApplication, grandfathered, imeisOfOneModel, observation, readToEnd, startGroupingHarness, type GroupingHarness } from '../grouping-harness.test-helper';

describe('device-grouping through the real broker and FerretDB', () => {
  let h: GroupingHarness;
  const device = (id: string) => h.core.repository.loadDevices([id]).then((m) => m.get(id)?.state);
  const imei = (id: string) => h.core.repository.loadImeis([id]).then((m) => m.get(id)?.state);

  beforeAll(async () => {
    h = await startGroupingHarness();
  });
  afterAll(() => h.stop());

  it('registers a device from an approved application: one DeviceEvent, one GroupingStatus per IMEI; a received one is ignored and a replay changes nothing', async () => {
    const [a1, a2] = imeisOfOneModel(2);
    const application = approvedApplication([a1!, a2!]);
    await h.publishApplication({ ...application, status: ApplicationStatus.APPLICATION_STATUS_RECEIVED, decidedAt: undefined });
    await h.publishApplication(application);
    await waitFor('device stored', () => device(application.deviceId));
    await waitFor('published', async () => (await h.core.repository.loadDevices([application.deviceId])).get(application.deviceId)?.outboxPending === false);
    expect(await device(application.deviceId)).toMatchObject({ imei14s: [a1, a2], version: 1, kind: 'registered' });
    const events = await waitFor('device event', async () => { const e = await h.deviceEventsOf(application.deviceId); return e.length > 0 && e; });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ version: 1, event: { $case: 'registered', registered: { applicationId: application.applicationId, device: { imei14s: [a1, a2] } } } });
    const statuses = await waitFor('status', async () => { const e = await h.statusesOf(a2!); return e.length > 0 && e; });
    expect(statuses).toEqual([expect.objectContaining({ deviceId: application.deviceId, fact: GroupingFact.GROUPING_FACT_REGISTERED, applicationId: application.applicationId, version: 1 })]);

    await h.publishApplication(application);
    const marker = approvedApplication(imeisOfOneModel(1));
    await h.publishApplication(marker);
    await waitFor('the record after the replay processed', () => device(marker.deviceId));
    await waitFor('marker published', async () => (await h.deviceEventsOf(marker.deviceId)).length === 1);
    expect(await h.deviceEventsOf(application.deviceId)).toHaveLength(1);
    expect(await h.statusesOf(a1!)).toHaveLength(1);
    expect((await device(application.deviceId))!.version).toBe(1);
  });

  it('an IMEI claimed by a second device is a conflict: nothing overwritten, conflict record and events; an officer resolves it', async () => {
    const [a1, a2] = imeisOfOneModel(2);
    const first = approvedApplication([a1!]);
    const second = approvedApplication([a1!, a2!]);
    await h.publishApplication(first);
    await h.publishApplication(second);
    const conflictId = conflictIdOf(a1!, second.deviceId, second.applicationId);
    await waitFor('conflict listed', async () => (await h.core.repository.conflict(conflictId)) !== undefined && (await device(second.deviceId)) !== undefined);
    expect((await imei(a1!))!.link!.deviceId).toBe(first.deviceId);
    expect(await device(second.deviceId)).toMatchObject({ imei14s: [a2] });
    const claimantEvents = await waitFor('claimant events', async () => { const e = await h.deviceEventsOf(second.deviceId); return e.length > 0 && e; });
    expect(claimantEvents[0]!.event).toMatchObject({ $case: 'registered' });
    const statusesOfA1 = await waitFor('2 statuses', async () => { const e = await h.statusesOf(a1!); return e.length === 2 && e; });
    expect(statusesOfA1.map((s) => [s.version, s.fact, s.deviceId])).toEqual([[1, GroupingFact.GROUPING_FACT_REGISTERED, first.deviceId], [2, GroupingFact.GROUPING_FACT_CONFLICT, first.deviceId]]);
    expect((await h.core.repository.listConflicts(false, 100)).map((c) => c.conflictId)).toContain(conflictId);

    const result = await h.core.processor.run([{ command: { type: 'resolve-conflict', imei14: a1!, conflictId, winnerDeviceId: second.deviceId, officer: 'officer:demo', reason: 'invoice' } }], new Date());
    expect(result.refused).toEqual([]);
    expect(await device(second.deviceId)).toMatchObject({ imei14s: [a2, a1] });
    expect(await device(first.deviceId)).toMatchObject({ imei14s: [] });
    expect((await h.core.repository.listConflicts(false, 100)).map((c) => c.conflictId)).not.toContain(conflictId);
    const resolved = await waitFor('resolution published', async () => (await h.statusesOf(a1!))[2]);
    expect(resolved).toMatchObject({ version: 3, fact: GroupingFact.GROUPING_FACT_CONFLICT_RESOLVED, deviceId: second.deviceId, applicationId: second.applicationId });
    await waitFor('unlinked published', async () => (await h.deviceEventsOf(first.deviceId)).length === 2);
    expect((await h.deviceEventsOf(first.deviceId)).map((e) => e.event?.$case)).toEqual(['registered', 'imeiUnlinked']);
  });

  it('infers a pending sibling from a shared subscriber, and a simplified application confirms it', async () => {
    const [a1, a2] = imeisOfOneModel(2);
    const application = approvedApplication([a1!]);
    await h.publishApplication(application);
    await waitFor('device stored', () => device(application.deviceId));
    const imsi = `40101${Date.now() % 1e10}`;
    await h.publishObservations([observation(a1!, imsi), observation(a2!, imsi, 'beeline')]);
    await waitFor('sibling pending', async () => (await device(application.deviceId))?.pendingSiblings.length === 1);
    expect((await device(application.deviceId))!.pendingSiblings[0]!.evidence).not.toContain(imsi);
    await waitFor('pending status', async () => (await h.statusesOf(a2!)).some((s) => s.fact === GroupingFact.GROUPING_FACT_SIBLING_PENDING && s.deviceId === application.deviceId));

    const simplified = approvedApplication([a2!], { kind: ApplicationKind.APPLICATION_KIND_SIBLING_CONFIRMATION, deviceId: application.deviceId });
    await h.publishApplication(simplified);
    await waitFor('sibling confirmed', async () => (await device(application.deviceId))?.imei14s.length === 2);
    await waitFor('confirmed status', async () => (await h.statusesOf(a2!)).at(-1)?.fact === GroupingFact.GROUPING_FACT_SIBLING_CONFIRMED);
    await waitFor('3 device events', async () => (await h.deviceEventsOf(application.deviceId)).length === 3);
    expect((await h.deviceEventsOf(application.deviceId)).map((e) => [e.version, e.event?.$case])).toEqual([[1, 'registered'], [2, 'siblingPending'], [3, 'siblingConfirmed']]);
  });

  it('out of order: observations before the registration that explains them still yield the pending sibling', async () => {
    const [b1, b2] = imeisOfOneModel(2);
    const msisdn = `+7701${Date.now() % 1e7}`;
    await h.publishObservations([observation(b1!, '', 'kcell', new Date(), msisdn), observation(b2!, '', 'kcell', new Date(), msisdn)]);
    await waitFor('indexed', async () => (await h.core.index.subscribersOf([b1!, b2!], Date.now())).size === 2);
    const application = approvedApplication([b1!]);
    await h.publishApplication(application);
    await waitFor('sibling pending after registration', async () => (await device(application.deviceId))?.pendingSiblings.map((p) => p.imei14).includes(b2!));
  });

  it('a grandfathered phone becomes an implicit device whose sibling can be inferred and confirmed', async () => {
    const [g1, g2] = imeisOfOneModel(2);
    await h.publishListChanges([grandfathered(g1!)]);
    const deviceId = grandfatheredDeviceIdOf(g1!);
    await waitFor('implicit device', () => device(deviceId));
    expect(await device(deviceId)).toMatchObject({ kind: 'grandfathered', imei14s: [g1] });
    await waitFor('grandfathered status', async () => (await h.statusesOf(g1!)).at(-1)?.fact === GroupingFact.GROUPING_FACT_GRANDFATHERED_DEVICE);
    const imsi = `40102${Date.now() % 1e10}`;
    await h.publishObservations([observation(g1!, imsi), observation(g2!, imsi)]);
    await waitFor('pending', async () => (await device(deviceId))?.pendingSiblings.length === 1);
    await h.publishApplication(approvedApplication([g2!], { kind: ApplicationKind.APPLICATION_KIND_SIBLING_CONFIRMATION, deviceId, source: 3 }));
    await waitFor('confirmed', async () => (await device(deviceId))?.imei14s.length === 2);
  });

  it('clone suspicion (3 IMSIs on 2 networks within hours) refuses a simplified application with the reason', async () => {
    const [c1, c2] = imeisOfOneModel(2);
    const application = approvedApplication([c1!]);
    await h.publishApplication(application);
    await waitFor('device stored', () => device(application.deviceId));
    const t = Date.now();
    await h.publishObservations([
      observation(c2!, `40101${t % 1e10}`, 'kcell', new Date(t - 3_600_000)),
      observation(c2!, `40102${t % 1e10}`, 'beeline', new Date(t - 1_800_000)),
      observation(c2!, `40177${t % 1e10}`, 'tele2-altel', new Date(t)),
    ]);
    await waitFor('clone status', async () => (await h.statusesOf(c2!)).at(-1)?.fact === GroupingFact.GROUPING_FACT_CLONE_SUSPECTED);
    await h.publishApplication(approvedApplication([c2!], { kind: ApplicationKind.APPLICATION_KIND_SIBLING_CONFIRMATION, deviceId: application.deviceId }));
    const refused = await waitFor('refusal event', async () => (await h.deviceEventsOf(application.deviceId)).find((e) => e.event?.$case === 'siblingRefused'));
    expect(refused.event).toMatchObject({ siblingRefused: { imei14: c2, reasonCode: 'clone-suspected' } });
    expect((await device(application.deviceId))!.imei14s).toEqual([c1]);
  });

  it('an invalid application goes to the DLQ with the reason; the records after it still go through', async () => {
    const bad = approvedApplication(['12345']);
    const unknownDevice = approvedApplication(imeisOfOneModel(1), { kind: ApplicationKind.APPLICATION_KIND_SIBLING_CONFIRMATION, deviceId: uniqueName('dev-none') });
    const good = approvedApplication(imeisOfOneModel(1));
    await h.publishApplication(bad);
    await h.publishApplication(unknownDevice);
    await h.publishApplication(good);
    await waitFor('good one stored', () => device(good.deviceId));
    const letters = await waitFor('dead letters', async () => {
      const mine = (await readToEnd(topics.deadLetters.name, h.kafka)).map((m) => DeadLetter.decode(m.value!)).filter((d) => d.sourceTopic === h.applications.name);
      return mine.length >= 2 && mine;
    });
    expect(letters.map((d) => d.reason)).toEqual([expect.stringContaining('"12345"'), expect.stringContaining('is not known to device-grouping')]);
  });
});
