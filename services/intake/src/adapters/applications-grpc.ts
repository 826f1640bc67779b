import { DomainError } from '@imei/errors';

// Replaced by the application lifecycle in the next commit.
export type ApplicationHandlerDeps = Record<string, never>;

export function applicationHandlers(_deps: ApplicationHandlerDeps) {
  const pending = async (): Promise<never> => {
    throw new DomainError('failed-precondition', 'applications are not served yet');
  };
  return {
    submitApplication: pending,
    decideApplication: pending,
    getApplication: pending,
    listApplications: pending,
    findOpenApplications: pending,
  };
}
