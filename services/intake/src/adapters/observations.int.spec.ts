import { status } from '@grpc/grpc-js';
import { Observation, type ObservationSummary, type SubmitObservationsRequest } from '@imei/contracts';
import { call } from '@imei/grpc';
import { readTopic, topicRecordCount, waitFor } from '@imei/testing';
import { startIntakeHarness, type IntakeHarness } from '../intake-harness.test-helper';

const seenAt = new Date(Date.now() - 3_600_000);
const record = (imei: string, imsi = '401011234567890', msisdn = '77011234567') => ({ imei, imsi, msisdn, seenAt, rat: 3, row: 0 });

function stream(client: ReturnType<IntakeHarness['client']>, chunks: SubmitObservationsRequest[]): Promise<ObservationSummary> {
  return new Promise((resolve, reject) => {
    const call = client.streamObservations((error, summary) => (error ? reject(error) : resolve(summary)));
    for (const chunk of chunks) call.write(chunk);
    call.end();
  });
}

describe('observations through the real broker', () => {
  let harness: IntakeHarness;
  beforeAll(async () => {
    harness = await startIntakeHarness();
  });
  afterAll(() => harness.stop());

  it('SubmitObservations: mixed good and bad records, exact counts, accepted records on the topic keyed by imei14', async () => {
    const kcell = harness.client('operator:kcell');
    const summary = await call(kcell, 'submitObservations', {
      observations: [
        record('490154203237518'),
        record('490154203237518'), // duplicate
        record('35-69650*31022'), // malformed: flagged, accepted
        record('356938035643801'), // wrong check digit: flagged, accepted
        record('356938035643809', '4010'), // bad IMSI: rejected
        record('353456789012345', '401011234567890', '0701'), // bad MSISDN: rejected
        { ...record('353456789012347'), seenAt: new Date(Date.now() + 3_600_000) }, // future: rejected
        record('4901542032375101', '401011234567899'), // IMEISV, new subscriber: accepted
      ],
    });
    expect(summary).toMatchObject({ received: 8, accepted: 4, duplicatesDropped: 1, flaggedMalformed: 1, flaggedCheckDigit: 1, rejected: 3 });
    expect(summary.violations.map((v) => [v.index, v.field])).toEqual([
      [4, 'observations.imsi'],
      [5, 'observations.msisdn'],
      [6, 'observations.seen_at'],
    ]);
    expect(summary.violations[1]!.value).toBe('0701');

    const messages = await readTopic(harness.observationsTopic.name, 4);
    const published = messages.map((m) => ({ key: m.key!.toString(), value: Observation.decode(m.value!) }));
    expect(published.map((p) => p.key).sort()).toEqual(['35-69650*31022', '35693803564380', '49015420323751', '49015420323751']);
    for (const { key, value } of published) {
      expect(value.imei14).toBe(key);
      expect(value).toMatchObject({ operatorId: 'kcell', msisdn: '+77011234567' });
      expect(value.observationId).toMatch(/^obs-[A-Za-z0-9_-]{22}$/);
      expect(value.seenAt).toEqual(seenAt);
    }
    expect(published.find((p) => p.value.imeiRaw === '356938035643801')!.value.checkDigitInvalid).toBe(true);
    expect(published.find((p) => p.value.imeiRaw === '35-69650*31022')!.value.malformed).toBe(true);
  });

  it('StreamObservations: chunks numbered across the call, duplicates across calls dropped, operator from the token', async () => {
    const beeline = harness.client('operator:beeline');
    const before = await topicRecordCount(harness.observationsTopic.name);
    const chunks = Array.from({ length: 6 }, (_, c) => ({
      observations: Array.from({ length: 100 }, (_, i) => record(`3534567890${String(c * 100 + i).padStart(4, '0')}`, '401019999999999', '+77019999999')),
    }));
    chunks[2]!.observations[5] = record('353456789099999', 'bad-imsi');
    const summary = await stream(beeline, chunks);
    expect(summary).toMatchObject({ received: 600, accepted: 599, duplicatesDropped: 0, rejected: 1 });
    expect(summary.violations).toEqual([expect.objectContaining({ index: 205, field: 'observations.imsi', value: 'bad-imsi' })]);
    const again = await stream(beeline, chunks.slice(0, 1));
    expect(again).toMatchObject({ received: 100, accepted: 0, duplicatesDropped: 100 });
    await waitFor('599 more records', async () => (await topicRecordCount(harness.observationsTopic.name)) === before + 599);
    const all = await readTopic(harness.observationsTopic.name, before + 599);
    expect(all.filter((m) => Observation.decode(m.value!).operatorId === 'beeline')).toHaveLength(599);
  });

  it('refuses observations from a caller that is not an operator', async () => {
    const distributor = harness.client('distributor:demo');
    await expect(call(distributor, 'submitObservations', { observations: [record('490154203237518')] })).rejects.toMatchObject({
      code: status.PERMISSION_DENIED,
    });
  });
});
