import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { create, createFileRegistry, fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema, type FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import { credentials, loadPackageDefinition, makeGenericClientConstructor, status, type Client, type ClientDuplexStream, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { service as healthService } from 'grpc-health-check';
import { startFakeMesh, type FakeMesh } from './fake-mesh.test-helper';

// Generic clients, as a probe or grpcurl would use them: no token, protos loaded at run time.
type HealthClient = Client & {
  check(request: { service: string }, callback: (error: ServiceError | null, response: { status: string }) => void): void;
  watch(request: { service: string }): ClientReadableStream<{ status: string }>;
};
type ReflectionClient = Client & { serverReflectionInfo(): ClientDuplexStream<object, ReflectionResponse> };
interface ReflectionResponse {
  list_services_response?: { service: { name: string }[] };
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
}

const reflectionProto = (version: 'v1' | 'v1alpha') =>
  join(dirname(require.resolve('@grpc/reflection/package.json')), 'build/proto/grpc/reflection', version, 'reflection.proto');

function reflectionClient(address: string, version: 'v1' | 'v1alpha'): ReflectionClient {
  const loaded = loadPackageDefinition(loadSync(reflectionProto(version), { keepCase: true })) as any;
  return new loaded.grpc.reflection[version].ServerReflection(address, credentials.createInsecure());
}

/** One request on the reflection stream, its one answer. */
function reflect(client: ReflectionClient, request: object): Promise<ReflectionResponse> {
  return new Promise((resolve, reject) => {
    const stream = client.serverReflectionInfo();
    stream.once('data', (response: ReflectionResponse) => {
      resolve(response);
      stream.end();
    });
    stream.once('error', reject);
    stream.write(request);
  });
}

/**
 * The files reflection serves for `symbol` (the first, then its imports), linked the way a generic
 * client such as grpcurl does: every import and type reference must resolve.
 */
async function reflectedRegistry(address: string, symbol: string) {
  const client = reflectionClient(address, 'v1');
  const response = await reflect(client, { file_containing_symbol: symbol });
  client.close();
  const files = response.file_descriptor_response!.file_descriptor_proto.map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes));
  const byName = new Map(files.map((file) => [file.name, file]));
  const ordered: FileDescriptorProto[] = [];
  const addWithImports = (name: string): void => {
    const file = byName.get(name);
    if (!file) throw new Error(`reflection left out ${name}`);
    if (ordered.includes(file)) return;
    file.dependency.forEach(addWithImports);
    ordered.push(file);
  };
  addWithImports(files[0]!.name);
  return createFileRegistry(create(FileDescriptorSetSchema, { file: ordered }));
}

describe('startGrpcServer', () => {
  let mesh: FakeMesh;
  let health: HealthClient;
  const check = (service: string) =>
    new Promise<string>((resolve, reject) => health.check({ service }, (error, response) => (error ? reject(error) : resolve(response.status))));

  beforeAll(async () => {
    mesh = await startFakeMesh();
    const HealthClient = makeGenericClientConstructor(healthService, 'grpc.health.v1.Health');
    health = new HealthClient(mesh.address, credentials.createInsecure()) as unknown as HealthClient;
  });
  afterAll(async () => {
    health.close();
    await mesh.server.stop(100);
  });

  it('binds a real port on loopback', () => {
    expect(mesh.server.port).toBeGreaterThan(0);
  });

  it('answers health checks without a token, overall and per service, and flips them together', async () => {
    expect(await check('')).toBe('SERVING');
    expect(await check('imei.v1.IntakeService')).toBe('SERVING');
    await expect(check('imei.v1.NoSuchService')).rejects.toMatchObject({ code: status.NOT_FOUND });

    mesh.server.health.setServing(false);
    expect(mesh.server.health.serving).toBe(false);
    expect(await check('')).toBe('NOT_SERVING');
    expect(await check('imei.v1.OperatorNotifierService')).toBe('NOT_SERVING');

    mesh.server.health.setServing(true);
    expect(await check('imei.v1.IntakeService')).toBe('SERVING');
  });

  it('tells watchers each change of status, once', async () => {
    const watch = health.watch({ service: 'imei.v1.IntakeService' });
    const ended = once(watch, 'error');
    const next = async () => ((await once(watch, 'data'))[0] as { status: string }).status;
    expect(await next()).toBe('SERVING');
    const afterFalse = next();
    mesh.server.health.setServing(false);
    expect(await afterFalse).toBe('NOT_SERVING');
    mesh.server.health.setServing(false);
    const afterTrue = next();
    mesh.server.health.setServing(true);
    expect(await afterTrue).toBe('SERVING');
    watch.cancel();
    expect(await ended).toMatchObject([{ code: status.CANCELLED }]);
  });

  it.each(['v1', 'v1alpha'] as const)('lists the served services through reflection %s', async (version) => {
    const client = reflectionClient(mesh.address, version);
    const response = await reflect(client, { list_services: '' });
    client.close();
    expect(response.list_services_response?.service.map((s) => s.name).sort()).toEqual([
      'grpc.health.v1.Health',
      'imei.v1.IntakeService',
      'imei.v1.OperatorNotifierService',
    ]);
  });

  it.each(['imei.v1.IntakeService', 'grpc.health.v1.Health', 'google.rpc.BadRequest'])('serves complete, valid file descriptors for %s', async (symbol) => {
    const registry = await reflectedRegistry(mesh.address, symbol);
    expect(registry.get(symbol)).toBeDefined();
  });

  it('describes streaming shapes through reflection', async () => {
    const intake = (await reflectedRegistry(mesh.address, 'imei.v1.IntakeService')).getService('imei.v1.IntakeService');
    expect(intake?.method.streamObservations.methodKind).toBe('client_streaming');
  });
});
