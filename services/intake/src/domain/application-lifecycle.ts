import { ApplicationStatus, type Application, type ApplicationSource } from '@imei/contracts';
import { DomainError } from '@imei/errors';
import { deviceIdOf } from './application-ids';
import { isTrustedSource } from './application-source';
import type { ValidSubmission } from './application-submission';

/** Principal recorded as the decider when a trusted source is approved by rule. */
export const RULE_DECIDER = 'rule:trusted-source';

export type ApplicationCommand =
  | {
      readonly type: 'submit';
      readonly applicationId: string;
      readonly submission: ValidSubmission;
      readonly source: ApplicationSource;
      readonly submittedBy: string;
    }
  | { readonly type: 'decide'; readonly approve: boolean; readonly reason: string; readonly officer: string };

/** What happened to an application; each event is one lifecycle change (one version). */
export type LifecycleEvent =
  | { readonly type: 'submitted'; readonly application: Application }
  | {
      readonly type: 'decided';
      readonly status: ApplicationStatus.APPLICATION_STATUS_APPROVED | ApplicationStatus.APPLICATION_STATUS_REJECTED;
      readonly reason: string;
      readonly decidedBy: string;
      readonly at: Date;
    };

/** No application yet, or the application as it stands. */
export type ApplicationState = Application | undefined;

function submitted(command: Extract<ApplicationCommand, { type: 'submit' }>, now: Date): Application {
  const { submission, applicationId } = command;
  const byRule = isTrustedSource(command.source);
  return {
    applicationId,
    kind: submission.kind,
    source: command.source,
    submittedBy: command.submittedBy,
    // A sibling confirmation (and an unblock that names one) is about a known device; anything else
    // describes a device the registry may not know yet, whose id derives from the application id.
    deviceId: submission.deviceId !== '' ? submission.deviceId : deviceIdOf(applicationId),
    imei14s: [...submission.imei14s],
    ownerRef: submission.ownerRef,
    model: submission.model,
    documents: submission.documents.map((d) => ({ ...d })),
    status: byRule ? ApplicationStatus.APPLICATION_STATUS_APPROVED : ApplicationStatus.APPLICATION_STATUS_RECEIVED,
    decisionReason: byRule ? 'approved by rule: trusted source' : '',
    decidedBy: byRule ? RULE_DECIDER : '',
    receivedAt: now,
    decidedAt: byRule ? now : undefined,
    version: 1,
    idempotencyKey: submission.idempotencyKey,
  };
}

/**
 * Decides what a command does to an application (pure; `now` injected). A submission of a new
 * application yields one event: received, or already approved when the source is trusted (approved
 * by rule in the same change). An officer decides only a received application; a rejection needs a
 * reason. Throws DomainError for a command that cannot apply.
 */
export function decide(command: ApplicationCommand, state: ApplicationState, now: Date): LifecycleEvent[] {
  switch (command.type) {
    case 'submit':
      if (state !== undefined) throw new DomainError('already-exists', `application ${command.applicationId} already exists`);
      return [{ type: 'submitted', application: submitted(command, now) }];
    case 'decide': {
      if (state === undefined) throw new DomainError('not-found', 'no such application');
      if (state.status !== ApplicationStatus.APPLICATION_STATUS_RECEIVED) {
        throw new DomainError(
          'failed-precondition',
          `application ${state.applicationId} is ${ApplicationStatus[state.status]}, only a received application can be decided`,
        );
      }
      const reason = command.reason.trim();
      if (!command.approve && reason === '') {
        throw DomainError.invalid([DomainError.violation('reason', command.reason, 'A rejection needs a reason the applicant can read.')]);
      }
      const status = command.approve ? ApplicationStatus.APPLICATION_STATUS_APPROVED : ApplicationStatus.APPLICATION_STATUS_REJECTED;
      return [{ type: 'decided', status, reason, decidedBy: command.officer, at: now }];
    }
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

/** Applies an event: the application after it, its version grown by one per change. */
export function evolve(state: ApplicationState, event: LifecycleEvent): Application {
  switch (event.type) {
    case 'submitted':
      return event.application;
    case 'decided':
      if (state === undefined) throw new Error('a decision needs an application');
      return { ...state, status: event.status, decisionReason: event.reason, decidedBy: event.decidedBy, decidedAt: event.at, version: state.version + 1 };
    default: {
      const unknown: never = event;
      throw new Error(`unknown event ${JSON.stringify(unknown)}`);
    }
  }
}

/** True when an application counts for list-state's re-check before a block: received or approved. */
export function isOpen(application: Application): boolean {
  return application.status === ApplicationStatus.APPLICATION_STATUS_RECEIVED || application.status === ApplicationStatus.APPLICATION_STATUS_APPROVED;
}
