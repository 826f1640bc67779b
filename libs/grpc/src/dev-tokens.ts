import type { Identity } from './identity';

/**
 * Identities of the local stack. Each one's token is `dev-` + its principal with `:` replaced by `-`
 * (`operator:kcell` → `dev-operator-kcell`), so scripts and demos can derive them. Production
 * deployments pass a token file instead (see `TokenTable.load`).
 */
export const devIdentities: readonly Identity[] = [
  { principal: 'service:intake', role: 'service' },
  { principal: 'service:device-grouping', role: 'service' },
  { principal: 'service:list-state', role: 'service' },
  { principal: 'service:operator-notifier', role: 'service' },
  { principal: 'operator:kcell', role: 'operator', operatorId: 'kcell' },
  { principal: 'operator:beeline', role: 'operator', operatorId: 'beeline' },
  { principal: 'operator:tele2-altel', role: 'operator', operatorId: 'tele2-altel' },
  { principal: 'officer:demo', role: 'officer' },
  { principal: 'distributor:demo', role: 'trusted-source', source: 'official-distributor' },
  { principal: 'customs:demo', role: 'trusted-source', source: 'customs' },
  { principal: 'individual:demo', role: 'individual' },
];

/** The local-stack token of a dev principal, e.g. `devToken('service:list-state')`. */
export function devToken(principal: string): string {
  return `dev-${principal.replaceAll(':', '-')}`;
}
