import { topics } from '@imei/contracts';
import { ServiceRuntime } from '@imei/runtime';
import { readConfig } from './config';

/** list-state: wiring only (config → runtime → adapters → serve). */
async function main(): Promise<void> {
  const config = readConfig();
  const runtime = await ServiceRuntime.start({
    service: 'list-state',
    topics: [topics.observations, topics.groupingStatus, topics.listCommands, topics.listChanges, topics.deadLetters],
    tokensFile: config.tokensFile,
    infrastructure: config.infrastructure,
  });
  await runtime.serve(config.grpcAddress, []);
}

main().catch((error) => {
  process.stderr.write(`list-state: failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
