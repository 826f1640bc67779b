import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort, serviceNodeFlags } from '@imei/testing';
import { waitServing } from './health-probe';
import { meshServices } from './mesh';

const repoRoot = join(__dirname, '..', '..');

export type MeshServiceName = (typeof meshServices)[number]['name'];

/** A service of the mesh running as its own process (the compiled `services/<name>/dist/main.js`). */
export interface ServiceProcess {
  name: MeshServiceName;
  grpc: string;
  /** host:port of its Prometheus endpoint (`GET /metrics`). */
  metrics: string;
  child: ChildProcess;
  /** Everything the process wrote (JSON log lines). */
  output(): string;
  /** SIGTERM, then the exit code (null when it had to be SIGKILLed after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<number | null>;
  /** SIGKILL, no drain. */
  kill(): Promise<void>;
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/**
 * Starts one service on a free gRPC port with its own database (`<prefix>_<service>`) and consumer
 * groups (namespace `<prefix>`), and waits
 * until it reports SERVING. `env` adds or overrides variables (e.g. fault switches, tracing).
 */
export async function startService(name: MeshServiceName, databasePrefix: string, env: Record<string, string> = {}): Promise<ServiceProcess> {
  const grpc = `127.0.0.1:${await freePort()}`;
  const metrics = `127.0.0.1:${await freePort()}`;
  // list-state also serves HTTP (N5g-eir, public check): a port of its own, never a running mesh's.
  const http = name === 'list-state' ? { LIST_STATE_HTTP_ADDRESS: `127.0.0.1:${await freePort()}` } : {};
  const prefix = name.toUpperCase().replace(/-/g, '_');
  // Tracing is loaded first and stays off unless `env` sets OTEL_TRACES_EXPORTER (then OTEL_SERVICE_NAME = the service).
  const child = spawn(process.execPath, [...serviceNodeFlags(name), '--require', '@imei/tracing/register', join(repoRoot, 'services', name, 'dist', 'main.js')], {
    cwd: repoRoot,
    env: { ...process.env, OTEL_SERVICE_NAME: name, [`${prefix}_GRPC_ADDRESS`]: grpc, [`${prefix}_METRICS_ADDRESS`]: metrics, MONGODB_DATABASE: `${databasePrefix}_${name.replace(/-/g, '_')}`, KAFKA_GROUP_NAMESPACE: databasePrefix, LOG_LEVEL: 'info', ...http, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const handle: ServiceProcess = {
    name,
    grpc,
    metrics,
    child,
    output: () => output,
    stop: async (timeoutMs = 20_000) => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exitOf(child);
      clearTimeout(timer);
      return child.signalCode === 'SIGKILL' ? null : code;
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exitOf(child);
    },
  };
  try {
    await Promise.race([
      waitServing(grpc, 90_000),
      exitOf(child).then((code) => Promise.reject(new Error(`${name} exited with ${code} before serving:\n${output.slice(-3000)}`))),
    ]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return handle;
}
