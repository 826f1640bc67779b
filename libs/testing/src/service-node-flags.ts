import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './stack-env';

/**
 * A service's own node flags (V8 heap sizing), declared once in its package.json as `config.nodeFlags`
 * and used by every launcher: `deploy/local/run-mesh.sh`, the e2e mesh, the benchmarks.
 */
export function serviceNodeFlags(service: string): string[] {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'services', service, 'package.json'), 'utf8')) as { config?: { nodeFlags?: string } };
  return (manifest.config?.nodeFlags ?? '').split(' ').filter((flag) => flag !== '');
}
