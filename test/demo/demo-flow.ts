/**
 * The demo flow of `npm start`: waits until every service of the mesh reports SERVING, then walks
 * through what the mesh can do so far and prints it.
 */
import { meshServices } from '../support/mesh';
import { checkHealth, waitServing } from '../support/health-probe';

async function main(): Promise<void> {
  for (const service of meshServices) {
    await waitServing(service.grpc);
    process.stdout.write(`demo: ${service.name.padEnd(18)} ${service.grpc}  ${await checkHealth(service.grpc)}\n`);
  }
  process.stdout.write('demo: the mesh is up\n');
}

main().catch((error) => {
  process.stderr.write(`demo: ${(error as Error).message}\n`);
  process.exit(1);
});
