import { topics } from '@imei/contracts';
import { ServiceRuntime } from '@imei/runtime';
import { readConfig } from './config';

/** device-grouping: wiring only (config → runtime → adapters → serve). */
async function main(): Promise<void> {
  const config = readConfig();
  const runtime = await ServiceRuntime.start({
    service: 'device-grouping',
    topics: [topics.observations, topics.applications, topics.listChanges, topics.deviceEvents, topics.groupingStatus, topics.deadLetters],
    tokensFile: config.tokensFile,
    infrastructure: config.infrastructure,
  });
  await runtime.serve(config.grpcAddress, []);
}

main().catch((error) => {
  process.stderr.write(`device-grouping: failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
