import { ApplicationStatus, type Application } from '@imei/contracts';
import { DomainError } from '@imei/errors';
import type { CallContext } from '@imei/grpc';
import { normaliseObservedImei } from '@imei/imei-rules';
import type { ApplicationCommands } from './application-commands';
import type { ApplicationRepository } from './application-repository';

export interface ApplicationHandlerDeps {
  commands: ApplicationCommands;
  repository: ApplicationRepository;
}

/** Default and largest page of ListApplications. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;
/** Most IMEIs one FindOpenApplications call may ask about. */
export const MAX_FIND_IMEIS = 10_000;

const openStatuses = [ApplicationStatus.APPLICATION_STATUS_RECEIVED, ApplicationStatus.APPLICATION_STATUS_APPROVED] as const;

/** Officers and services read every application; a submitter reads its own. */
function mayRead(ctx: CallContext, application: Application): boolean {
  const { role, principal } = ctx.identity;
  return role === 'officer' || role === 'service' || application.submittedBy === principal;
}

/** The registry key of an IMEI given in a query (lenient: any form the registry keys). */
function imei14Of(raw: string): string {
  return normaliseObservedImei(raw).imei14;
}

/** gRPC handlers of the application lifecycle (submit, decide, get, list, find open). */
export function applicationHandlers(deps: ApplicationHandlerDeps) {
  return {
    submitApplication: async (request: Parameters<ApplicationCommands['submit']>[0], ctx: CallContext) =>
      deps.commands.submit(request, ctx.identity),

    decideApplication: async (request: Parameters<ApplicationCommands['decide']>[0], ctx: CallContext) => {
      ctx.require('officer');
      return deps.commands.decide(request, ctx.identity.principal);
    },

    getApplication: async (request: { applicationId: string }, ctx: CallContext) => {
      const loaded = await deps.repository.load(request.applicationId);
      if (!loaded || !mayRead(ctx, loaded.application)) {
        throw new DomainError('not-found', `application ${JSON.stringify(request.applicationId)} does not exist`);
      }
      return loaded.application;
    },

    listApplications: async (
      request: { status: ApplicationStatus; ownerRef: string; imei: string; pageSize: number; pageToken: string },
      ctx: CallContext,
    ) => {
      ctx.require('officer', 'service');
      if (request.pageSize < 0 || request.pageSize > MAX_PAGE_SIZE) {
        throw DomainError.invalid([DomainError.violation('page_size', String(request.pageSize), `page_size must be 0 (default ${DEFAULT_PAGE_SIZE}) to ${MAX_PAGE_SIZE}.`)]);
      }
      const limit = request.pageSize === 0 ? DEFAULT_PAGE_SIZE : request.pageSize;
      const page = await deps.repository.list({
        status: request.status,
        ownerRef: request.ownerRef,
        imei14: request.imei === '' ? '' : imei14Of(request.imei),
        after: request.pageToken,
        limit,
      });
      return { applications: page, nextPageToken: page.length === limit ? page[page.length - 1]!.applicationId : '' };
    },

    findOpenApplications: async (request: { imeis: string[] }, ctx: CallContext) => {
      ctx.require('service', 'officer');
      if (request.imeis.length > MAX_FIND_IMEIS) {
        throw DomainError.invalid([DomainError.violation('imeis', String(request.imeis.length), `at most ${MAX_FIND_IMEIS} IMEIs per call.`)]);
      }
      return { applications: await deps.repository.findByImeis(request.imeis.map(imei14Of), openStatuses) };
    },
  };
}
