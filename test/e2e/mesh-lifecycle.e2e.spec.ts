import { uniqueName } from '@imei/testing';
import { checkHealth } from '../support/health-probe';
import { meshServices } from '../support/mesh';
import { startService, type ServiceProcess } from '../support/mesh-processes';

describe('the mesh as processes', () => {
  const running: ServiceProcess[] = [];
  afterAll(async () => {
    await Promise.all(running.map((s) => s.kill()));
  });

  it('starts every service against the stack, reports SERVING, and stops cleanly on SIGTERM', async () => {
    const prefix = uniqueName('e2e_lifecycle').replace(/-/g, '_');
    for (const { name } of meshServices) running.push(await startService(name, prefix));
    for (const service of running) expect(await checkHealth(service.grpc)).toBe('SERVING');

    const codes = await Promise.all(running.map((s) => s.stop()));
    const failed = running.filter((_, i) => codes[i] !== 0).map((s) => `${s.name}:\n${s.output().slice(-2000)}`);
    expect(failed).toEqual([]);
    expect(codes).toEqual([0, 0, 0, 0]);
    for (const service of running) expect(service.output()).toMatch(/"msg":"stopped"/);
  });
});
