import type { Application, ApplicationReceipt, DecideApplicationRequest, SubmitApplicationRequest } from '@imei/contracts';
import { ApplicationStatus } from '@imei/contracts';
import { DomainError } from '@imei/errors';
import { VersionConflictError } from '@imei/outbox';
import { applicationIdOf } from '../domain/application-ids';
import { decide, evolve, type ApplicationCommand, type ApplicationState } from '../domain/application-lifecycle';
import { applicationSourceOf, type Submitter } from '../domain/application-source';
import { validateSubmission } from '../domain/application-submission';
import type { ApplicationRepository, LoadedApplication } from './application-repository';

/** Applies lifecycle commands: load → decide → evolve → store-then-publish. */
export class ApplicationCommands {
  constructor(
    private readonly repository: ApplicationRepository,
    private readonly clock: () => number,
  ) {}

  /**
   * Submits an application as `submitter`. The same idempotency key from the same principal returns
   * the first receipt (duplicate = true), also when two identical submissions race.
   */
  async submit(request: SubmitApplicationRequest, submitter: Submitter): Promise<ApplicationReceipt> {
    const source = applicationSourceOf(submitter, request.claimedSource);
    const verdict = validateSubmission(request);
    if (!verdict.ok) throw DomainError.invalid(verdict.violations);
    const applicationId = applicationIdOf(submitter.principal, verdict.submission.idempotencyKey);
    const cause = `submit:${applicationId}`;
    const existing = await this.repository.load(applicationId);
    if (existing) return this.firstReceipt(existing, cause);
    const command: ApplicationCommand = { type: 'submit', applicationId, submission: verdict.submission, source, submittedBy: submitter.principal };
    const application = this.apply(command, undefined);
    try {
      await this.repository.save(application, undefined, cause);
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      const winner = await this.repository.load(applicationId);
      if (!winner) throw error;
      return this.firstReceipt(winner, cause);
    }
    return { application, duplicate: false };
  }

  /**
   * An officer approves or rejects a received application. Repeating the decision that was already
   * taken by the same officer answers the application as it stands (a retried call), anything else
   * on a decided application is refused.
   */
  async decide(request: DecideApplicationRequest, officer: string): Promise<Application> {
    const loaded = await this.repository.load(request.applicationId);
    if (!loaded) throw new DomainError('not-found', `application ${JSON.stringify(request.applicationId)} does not exist`);
    const cause = `decide:${request.applicationId}:${loaded.version}`;
    const wanted = request.approve ? ApplicationStatus.APPLICATION_STATUS_APPROVED : ApplicationStatus.APPLICATION_STATUS_REJECTED;
    if (loaded.application.status === wanted && loaded.application.decidedBy === officer) {
      await this.repository.republishIfPending(loaded, cause);
      return loaded.application;
    }
    const application = this.apply({ type: 'decide', approve: request.approve, reason: request.reason, officer }, loaded.application);
    try {
      await this.repository.save(application, loaded, cause);
    } catch (error) {
      if (error instanceof VersionConflictError) {
        throw new DomainError('failed-precondition', `application ${request.applicationId} was decided concurrently; read it again`);
      }
      throw error;
    }
    return application;
  }

  private apply(command: ApplicationCommand, state: ApplicationState): Application {
    const now = new Date(this.clock());
    return decide(command, state, now).reduce<ApplicationState>(evolve, state)!;
  }

  private async firstReceipt(existing: LoadedApplication, cause: string): Promise<ApplicationReceipt> {
    await this.repository.republishIfPending(existing, cause);
    return { application: existing.application, duplicate: true };
  }
}
