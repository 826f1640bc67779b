import type { Server } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';

/** The `grpc.health.v1.Health` status of a server (Check and Watch; probes call it without a token). */
export interface HealthStatus {
  /** Whether the server currently reports SERVING. */
  readonly serving: boolean;
  /**
   * Flips the overall status "" and every registered service together: set false while a
   * dependency (store, broker) is down, true once it is back. Watchers hear only real changes.
   */
  setServing(serving: boolean): void;
}

/** Adds the standard health service reporting `serviceNames` and "" as `serving` (default SERVING). */
export function addHealth(server: Server, serviceNames: readonly string[], serving = true): HealthStatus {
  const names = ['', ...serviceNames];
  const health = new HealthImplementation();
  let current: boolean | undefined;
  const status: HealthStatus = {
    get serving() {
      return current === true;
    },
    setServing(next) {
      if (next === current) return;
      current = next;
      for (const name of names) health.setStatus(name, next ? 'SERVING' : 'NOT_SERVING');
    },
  };
  status.setServing(serving);
  health.addToServer(server);
  return status;
}
