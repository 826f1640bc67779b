import { ApplicationSource } from '@imei/contracts';
import { DomainError } from '@imei/errors';

/** The part of an authenticated caller that decides an application's source. */
export interface Submitter {
  readonly principal: string;
  readonly role: string;
  readonly source?: string;
}

const trusted: Record<string, ApplicationSource> = {
  'official-distributor': ApplicationSource.APPLICATION_SOURCE_OFFICIAL_DISTRIBUTOR,
  customs: ApplicationSource.APPLICATION_SOURCE_CUSTOMS,
};

/** Trusted sources are approved by rule at submission (design §3). */
export function isTrustedSource(source: ApplicationSource): boolean {
  return source === ApplicationSource.APPLICATION_SOURCE_OFFICIAL_DISTRIBUTOR || source === ApplicationSource.APPLICATION_SOURCE_CUSTOMS;
}

/**
 * The source of an application: always the caller's identity (a distributor or customs feed cannot
 * be claimed by a field). `claimed` (0 = none) must match it, else the request is refused; operators,
 * officers and services do not submit applications.
 */
export function applicationSourceOf(submitter: Submitter, claimed: ApplicationSource): ApplicationSource {
  let source: ApplicationSource | undefined;
  if (submitter.role === 'trusted-source' && submitter.source !== undefined) source = trusted[submitter.source];
  else if (submitter.role === 'individual') source = ApplicationSource.APPLICATION_SOURCE_INDIVIDUAL;
  if (source === undefined) {
    throw new DomainError('permission-denied', `${submitter.principal} (role ${submitter.role}) may not submit applications`);
  }
  if (claimed !== ApplicationSource.APPLICATION_SOURCE_UNSPECIFIED && claimed !== source) {
    throw new DomainError(
      'permission-denied',
      `claimed_source ${ApplicationSource[claimed] ?? claimed} does not match the caller ${submitter.principal}, whose source is ${ApplicationSource[source]}`,
    );
  }
  return source;
}
