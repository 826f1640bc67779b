import { ConfigResourceTypes, type Kafka } from 'kafkajs';

const DAY_MS = 86_400_000;

/** Overrides of the block-list topic's registry config. */
export interface BlockListTopicProfile {
  /**
   * Dev profile: segments roll after 60 s and are cleaned once 1 % is superseded, records are kept
   * uncompacted for their first 10 minutes (tests that read a key's history stay exact), so
   * compaction is visible within minutes. Default false (the registry's production values).
   */
  dev?: boolean;
  /** How long tombstones are kept (delete.retention.ms), in days; default the registry's (30). */
  tombstoneDays?: number;
}

/** The block-list topic's config: the registry's values with the profile's overrides. */
export function blockListTopicConfig(registry: Readonly<Record<string, string>>, profile: BlockListTopicProfile): Record<string, string> {
  const config: Record<string, string> = { ...registry };
  if (profile.dev) Object.assign(config, { 'segment.ms': '60000', 'min.cleanable.dirty.ratio': '0.01', 'min.compaction.lag.ms': String(10 * 60_000) });
  if (profile.tombstoneDays !== undefined) {
    if (!Number.isInteger(profile.tombstoneDays) || profile.tombstoneDays < 1 || profile.tombstoneDays > 3650) throw new Error(`tombstone days ${JSON.stringify(profile.tombstoneDays)}: a whole number of days 1..3650 is required`);
    config['delete.retention.ms'] = String(profile.tombstoneDays * DAY_MS);
  }
  return config;
}

/**
 * Sets `topic`'s configs on the running broker (as a user allowed to alter them: the admin). The
 * request replaces the topic's whole set of overrides, so `config` must be complete.
 */
export async function applyTopicConfig(kafka: Kafka, topic: string, config: Readonly<Record<string, string>>): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: Object.entries(config).map(([name, value]) => ({ name, value })) }] });
  } finally {
    await admin.disconnect();
  }
}
