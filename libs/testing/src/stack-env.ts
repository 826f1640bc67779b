import { join } from 'node:path';

/** Repository root (libs/testing/src → ../../..). */
export const repoRoot = join(__dirname, '..', '..', '..');

/** Where the local stack and the tests reach the broker and the store (same defaults as the services). */
export const stackEnv = {
  brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  mongoUri: process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/',
  adminUser: 'admin',
  adminPassword: process.env.KAFKA_ADMIN_PASSWORD ?? 'admin-dev-secret',
  /** Dev password of a SCRAM user created by the stack script. */
  passwordOf: (user: string): string => `${user}-dev-secret`,
};
