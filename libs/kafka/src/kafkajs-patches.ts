/**
 * Two fixes to kafkajs 2.2.4 (unmaintained since 2023), applied before kafkajs is first loaded:
 *
 * 1. Its producer groups a batch's messages by partition with `[...current, message]` per message,
 *    which is quadratic in the batch size (measured: ~15% of intake's publishing CPU at 1,000-record
 *    batches). The module is replaced by a linear version with the same contract.
 * 2. Its request queue calls `setTimeout` with a negative delay whenever it is not throttled, and
 *    Node 24 prints a TimeoutNegativeWarning for each process. Node clamps the delay to 1 ms either
 *    way, so that one warning is filtered out; every other warning is still printed.
 */
import Module from 'node:module';

interface GroupArgs {
  topic: string;
  partitionMetadata: unknown[];
  messages: unknown[];
  partitioner: (args: { topic: string; partitionMetadata: unknown[]; message: unknown }) => number;
}

function groupMessagesPerPartition({ topic, partitionMetadata, messages, partitioner }: GroupArgs): Record<number, unknown[]> {
  const result: Record<number, unknown[]> = {};
  if (partitionMetadata.length === 0) return result;
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    (result[partition] ??= []).push(message);
  }
  return result;
}

function preloadLinearGrouping(): void {
  let path: string;
  try {
    path = require.resolve('kafkajs/src/producer/groupMessagesPerPartition');
  } catch {
    return;
  }
  if (require.cache === undefined || require.cache[path]) return;
  const replacement = new Module(path);
  replacement.filename = path;
  replacement.loaded = true;
  replacement.exports = groupMessagesPerPartition;
  require.cache[path] = replacement;
}

function filterNegativeTimeoutWarnings(): void {
  const marker = Symbol.for('imei.kafkajs-warning-filter');
  const proc = process as NodeJS.Process & { [marker]?: boolean };
  if (proc[marker]) return;
  proc[marker] = true;
  const defaults = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name === 'TimeoutNegativeWarning') return;
    for (const listener of defaults) listener(warning);
  });
}

preloadLinearGrouping();
filterNegativeTimeoutWarnings();

export { groupMessagesPerPartition };
