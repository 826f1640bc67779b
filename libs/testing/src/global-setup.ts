import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Jest global setup for integration and e2e tiers: brings the real local stack up (Kafka with SCRAM
 * and ACLs, FerretDB) unless it is already running. A stack that fails to start fails the run: these
 * tests never pass by skipping.
 */
export default async function globalSetup(): Promise<void> {
  const root = join(__dirname, '..', '..', '..');
  execFileSync('bash', [join(root, 'deploy/local/stack.sh'), 'up'], { stdio: 'inherit', cwd: root });
}
