import { topics } from '@imei/contracts';
import { ServiceRuntime } from '@imei/runtime';
import { readConfig } from './config';

/** operator-notifier: wiring only (config → runtime → adapters → serve). */
async function main(): Promise<void> {
  const config = readConfig();
  const runtime = await ServiceRuntime.start({
    service: 'operator-notifier',
    topics: [topics.observations, topics.listChanges, topics.blockList, topics.deadLetters],
    tokensFile: config.tokensFile,
    infrastructure: config.infrastructure,
  });
  await runtime.serve(config.grpcAddress, []);
}

main().catch((error) => {
  process.stderr.write(`operator-notifier: failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
