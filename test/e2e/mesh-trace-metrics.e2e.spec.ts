import { createServer, type Server } from 'node:http';
import {
  ApplicationKind,
  ApplicationStatus,
  IntakeServiceClient,
  ListState,
  ListStateServiceClient,
} from '@imei/contracts';
import { call, createGrpcClient, devToken } from '@imei/grpc';
import { luhnCheckDigit } from '@imei/imei-rules';
import { freePort, testKafka, uniqueName, waitFor } from '@imei/testing';
import { meshServices } from '../support/mesh';
import { startService, type ServiceProcess } from '../support/mesh-processes';

/** A span as the Zipkin v2 API carries it (what the services export with OTEL_TRACES_EXPORTER=zipkin). */
interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name: string;
  kind?: string;
  localEndpoint?: { serviceName?: string };
  tags?: Record<string, string>;
}

/** The receiving end of Zipkin's `POST /api/v2/spans`, kept in memory: the trace store of this test. */
async function startSpanReceiver(): Promise<{ server: Server; endpoint: string; spans: ZipkinSpan[] }> {
  const spans: ZipkinSpan[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/api/v2/spans') spans.push(...(JSON.parse(body) as ZipkinSpan[]));
      res.writeHead(202).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, endpoint: `http://127.0.0.1:${port}/api/v2/spans`, spans };
}

const digits = (n: number) => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join('');
const newImei = () => { const body = `35${digits(12)}`; return body + luhnCheckDigit(body); };

describe('observability of the mesh as processes', () => {
  const running: ServiceProcess[] = [];
  let receiver: Awaited<ReturnType<typeof startSpanReceiver>>;
  const prefix = uniqueName('e2e_trace').replace(/-/g, '_');
  // Personal data the flow carries: none of it may reach a span.
  const imsi = `40177${digits(10)}`;
  const msisdn = `+7701${digits(7)}`;
  const ownerRef = `IIN-${digits(12)}`;
  const imei = newImei();
  const blockedImei = newImei();

  beforeAll(async () => {
    receiver = await startSpanReceiver();
    const env = {
      OTEL_TRACES_EXPORTER: 'zipkin',
      OTEL_EXPORTER_ZIPKIN_ENDPOINT: receiver.endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '200',
      // The shared topics hold millions of benchmark records: this mesh's new groups start at the end.
      KAFKA_FROM_BEGINNING: 'false',
      LIST_STATE_FROM_BEGINNING: 'false',
    };
    for (const { name } of meshServices) running.push(await startService(name, prefix, env));
    // New groups start at the end: wait until every group of this mesh has joined with partitions.
    const admin = testKafka().admin();
    await admin.connect();
    try {
      await waitFor('consumer groups of the mesh stable', async () => {
        const ids = (await admin.listGroups()).groups.map((g) => g.groupId).filter((id) => id.includes(`.${prefix}.`));
        const { groups } = await admin.describeGroups(ids);
        const states = groups.map((g) => `${g.groupId}: ${g.state}/${g.members.length}`).join(', ');
        // Groups that joined (list-state's read-model reader commits without staying a member: Empty).
        const joined = groups.filter((g) => g.state !== 'Empty');
        if (joined.length < 5 || !joined.every((g) => g.state === 'Stable' && g.members.length > 0)) throw new Error(`groups ${states}`);
        return true;
      }, 150_000, 500);
    } finally {
      await admin.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 3000)); // first fetches fix the groups' start offsets
  }, 600_000);

  afterAll(async () => {
    await Promise.all(running.map((s) => s.kill()));
    receiver?.server.close();
  });

  const service = (name: string) => running.find((s) => s.name === name)!;

  it('a registration and an unblock with documents are each one trace across the four services, without personal data', async () => {
    const intake = createGrpcClient(IntakeServiceClient, service('intake').grpc, { token: devToken('distributor:demo') });
    const operator = createGrpcClient(IntakeServiceClient, service('intake').grpc, { token: devToken('operator:kcell') });
    const listState = createGrpcClient(ListStateServiceClient, service('list-state').grpc, { token: devToken('officer:demo') });
    const stateOf = async (which = imei) => (await call(listState, 'checkImei', { imei: which })).state;
    try {
      // Observations carrying IMSI and MSISDN, then a registration approved by rule (trusted distributor).
      await call(operator, 'submitObservations', { observations: [imei, blockedImei].map((i) => ({ imei: i, imsi, msisdn, seenAt: new Date(), rat: 0, row: 0 })) });
      const registration = await call(intake, 'submitApplication', {
        idempotencyKey: uniqueName('reg'), kind: ApplicationKind.APPLICATION_KIND_REGISTRATION, imeis: [imei], ownerRef, model: 'e2e phone', documents: [], deviceId: '', claimedSource: 0,
      });
      expect(registration.application?.status).toBe(ApplicationStatus.APPLICATION_STATUS_APPROVED);
      await waitFor('registered IMEI white', async () => (await stateOf()) === ListState.LIST_STATE_WHITE, 60_000, 300);

      // An unregistered IMEI seen on the network, blocked by an officer, then unblocked with documents through intake.
      await waitFor('observed IMEI grey', async () => (await stateOf(blockedImei)) === ListState.LIST_STATE_GREY, 60_000, 300);
      await call(listState, 'blockImei', { imei: blockedImei, reason: 'e2e: stolen report' });
      await waitFor('IMEI black', async () => (await stateOf(blockedImei)) === ListState.LIST_STATE_BLACK, 60_000, 300);
      const unblock = await call(intake, 'submitApplication', {
        idempotencyKey: uniqueName('unblock'), kind: ApplicationKind.APPLICATION_KIND_UNBLOCK_WITH_DOCUMENTS, imeis: [blockedImei], ownerRef,
        model: '', documents: [{ kind: 'customs-declaration', reference: 'CD-e2e-1' }], deviceId: '', claimedSource: 0,
      });
      expect(unblock.application?.status).toBe(ApplicationStatus.APPLICATION_STATUS_APPROVED);
      await waitFor('unblocked IMEI white', async () => (await stateOf(blockedImei)) === ListState.LIST_STATE_WHITE, 60_000, 300);
    } finally {
      intake.close();
      operator.close();
      listState.close();
    }

    const submits = () => receiver.spans.filter((s) => s.localEndpoint?.serviceName === 'intake' && s.name.endsWith('SubmitApplication') && s.kind === 'SERVER');
    const traceOf = (traceId: string) => receiver.spans.filter((s) => s.traceId === traceId);
    const servicesOf = (traceId: string) => new Set(traceOf(traceId).map((s) => s.localEndpoint?.serviceName));
    const everyService = meshServices.map((s) => s.name);
    // Spans are exported in batches: wait until both application traces reached all four services.
    await waitFor('both application traces reach the four services', async () => {
      const traces = submits().map((s) => s.traceId);
      return traces.length === 2 && traces.every((t) => everyService.every((name) => servicesOf(t).has(name)));
    }, 30_000, 300).catch(() => undefined);

    const [registrationTrace, unblockTrace] = submits().map((s) => s.traceId);
    for (const traceId of [registrationTrace!, unblockTrace!]) {
      const spans = traceOf(traceId);
      expect([...servicesOf(traceId)].sort()).toEqual([...everyService].sort());
      // Parentage: one root (intake's server span) and every other span's parent is in the trace.
      const ids = new Set(spans.map((s) => s.id));
      expect(spans.filter((s) => !s.parentId).map((s) => `${s.localEndpoint?.serviceName} ${s.name}`)).toEqual(['intake grpc.imei.v1.IntakeService/SubmitApplication']);
      expect(spans.filter((s) => s.parentId && !ids.has(s.parentId)).map((s) => `${s.localEndpoint?.serviceName} ${s.name}`)).toEqual([]);
      // Each hop: the consumer's process span is the child of the producer's send span.
      const hop = (topic: string, from: string, to: string) => {
        const sends = spans.filter((s) => s.name === `send ${topic}` && s.localEndpoint?.serviceName === from);
        const processes = spans.filter((s) => s.name === `process ${topic}` && s.localEndpoint?.serviceName === to);
        expect(processes.length).toBeGreaterThan(0);
        for (const p of processes) expect(sends.map((s) => s.id)).toContain(p.parentId);
      };
      hop('imei.applications.v1', 'intake', 'device-grouping');
      hop('imei.grouping-status.v1', 'device-grouping', 'list-state');
      hop('imei.list-changes.v1', 'list-state', 'operator-notifier');
    }
    expect(traceOf(registrationTrace!).find((s) => s.name === 'send imei.list-changes.v1')?.tags).toMatchObject({ 'messaging.system': 'kafka', 'imei.imei14': imei.slice(0, 14) });
    // The unblock also publishes the block list's tombstone, in the same trace.
    expect(traceOf(unblockTrace!).some((s) => s.name === 'send imei.operator-blocklist.v1' && s.localEndpoint?.serviceName === 'operator-notifier')).toBe(true);

    const everything = JSON.stringify(receiver.spans);
    for (const secret of [imsi, msisdn, msisdn.slice(1), ownerRef]) expect(everything).not.toContain(secret);
    // Store spans are there, with statements reduced to their shape.
    const db = receiver.spans.filter((s) => s.tags?.['db.system.name'] ?? s.tags?.['db.system']);
    expect(db.length).toBeGreaterThan(0);
  });

  it('each service serves its Prometheus series', async () => {
    const scrape = async (s: ServiceProcess) => (await fetch(`http://${s.metrics}/metrics`)).text();
    const expected: Record<string, string[]> = {
      intake: ['grpc_server_handled_total{', 'grpc_server_handling_seconds_bucket{', 'imei_kafka_records_produced_total{'],
      'device-grouping': ['imei_kafka_records_consumed_total{', 'imei_kafka_consumer_lag{', 'imei_kafka_records_produced_total{', 'imei_kafka_dead_letters_total'],
      'list-state': ['grpc_server_handled_total{', 'imei_kafka_records_consumed_total{', 'imei_kafka_consumer_lag{', 'imei_kafka_records_produced_total{', 'imei_list_entries{'],
      'operator-notifier': ['imei_kafka_records_consumed_total{', 'imei_kafka_consumer_lag{', 'imei_kafka_records_produced_total{'],
    };
    for (const s of running) {
      const text = await scrape(s);
      expect(text).toContain(`service="${s.name}"`);
      expect(text).toContain('process_cpu_seconds_total');
      for (const series of expected[s.name]!) expect(`${s.name}: ${text.includes(series) ? series : `missing ${series}`}`).toBe(`${s.name}: ${series}`);
    }
    const intakeText = await scrape(service('intake'));
    expect(intakeText).toMatch(/grpc_server_handled_total\{[^}]*grpc_method="SubmitApplication"[^}]*grpc_code="OK"[^}]*\} 2/);
    expect(intakeText).toMatch(/imei_kafka_records_produced_total\{[^}]*topic="imei.applications.v1"[^}]*\} \d+/);
  });
});
