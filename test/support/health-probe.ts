import { credentials, makeGenericClientConstructor, type Client } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';

const statusNames: Record<string, string> = { '0': 'UNKNOWN', '1': 'SERVING', '2': 'NOT_SERVING', '3': 'SERVICE_UNKNOWN' };
const HealthClient = makeGenericClientConstructor(healthService, 'grpc.health.v1.Health');

/** The standard gRPC health status of the server at `address` ("" = the whole server). */
export function checkHealth(address: string, service = '', deadlineMs = 2000): Promise<string> {
  const client = new HealthClient(address, credentials.createInsecure()) as unknown as Client & {
    check(req: { service: string }, opts: { deadline: number }, cb: (err: Error | null, res?: { status: string | number }) => void): void;
  };
  return new Promise<string>((resolve, reject) => {
    client.check({ service }, { deadline: Date.now() + deadlineMs }, (error, response) => {
      client.close();
      if (error) reject(error);
      else resolve(statusNames[String(response!.status)] ?? String(response!.status));
    });
  });
}

/** Waits until the server at `address` reports SERVING (default up to 60 s). */
export async function waitServing(address: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      last = await checkHealth(address);
      if (last === 'SERVING') return;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${address} not SERVING after ${timeoutMs} ms (${last})`);
}
