import { status } from '@grpc/grpc-js';
import { DomainError, type DomainErrorCode } from '@imei/errors';
import type { Logger } from '@imei/log';
import { readBadRequest } from './status-details';
import { toGrpcStatus, violationPath } from './status-mapping';

const fakeLogger = () => ({ error: jest.fn(), warn: jest.fn() });
const map = (error: unknown, logger = fakeLogger()) => toGrpcStatus(error, logger as unknown as Logger, '/imei.v1.IntakeService/SubmitObservations');

describe('toGrpcStatus', () => {
  it.each<[DomainErrorCode, status]>([
    ['invalid-argument', status.INVALID_ARGUMENT],
    ['not-found', status.NOT_FOUND],
    ['already-exists', status.ALREADY_EXISTS],
    ['failed-precondition', status.FAILED_PRECONDITION],
    ['permission-denied', status.PERMISSION_DENIED],
    ['unauthenticated', status.UNAUTHENTICATED],
    ['resource-exhausted', status.RESOURCE_EXHAUSTED],
    ['unavailable', status.UNAVAILABLE],
  ])('maps DomainError %s to status %s with its message', (code, expected) => {
    const mapped = map(new DomainError(code, `because ${code}`));
    expect(mapped).toMatchObject({ code: expected, details: `because ${code}` });
    expect(readBadRequest(mapped)).toBeUndefined();
  });

  it('carries a google.rpc.BadRequest naming each field path and value for bad input', () => {
    const error = DomainError.invalid([
      DomainError.violation('observations.imei', '49015420323751', 'check digit missing', 3),
      DomainError.violation('imeis', '3569650310224879', '16-digit IMEISV: enter the 15-digit IMEI shown by *#06#', 1),
      DomainError.violation('owner_ref', '', 'required'),
    ]);
    const mapped = map(error);
    expect(mapped.code).toBe(status.INVALID_ARGUMENT);
    expect(mapped.details).toBe(error.message);
    expect(readBadRequest(mapped)).toEqual([
      { field: 'observations[3].imei', description: 'check digit missing (value: "49015420323751")' },
      { field: 'imeis[1]', description: '16-digit IMEISV: enter the 15-digit IMEI shown by *#06# (value: "3569650310224879")' },
      { field: 'owner_ref', description: 'required (value: "")' },
    ]);
  });

  it('answers any other error INTERNAL without its message or stack, and logs it', () => {
    const logger = fakeLogger();
    const bug = new TypeError("Cannot read properties of undefined (reading 'imei')");
    const mapped = map(bug, logger);
    expect(mapped).toMatchObject({ code: status.INTERNAL, details: 'internal error' });
    expect(mapped.metadata.getMap()).toEqual({});
    expect(logger.error).toHaveBeenCalledWith({ err: bug, method: '/imei.v1.IntakeService/SubmitObservations' }, expect.any(String));
  });

  it('answers a store or broker outage UNAVAILABLE so that idempotent calls are retried', () => {
    const outage = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:27017'), { code: 'ECONNREFUSED' });
    expect(map(outage)).toMatchObject({ code: status.UNAVAILABLE });
  });
});

describe('violationPath', () => {
  it.each([
    ['observations.imei', 3, 'observations[3].imei'],
    ['observations.seen_at.seconds', 0, 'observations[0].seen_at.seconds'],
    ['imeis', 1, 'imeis[1]'],
    ['owner_ref', -1, 'owner_ref'],
    ['observations[2].imei', 2, 'observations[2].imei'],
  ])('%s at index %i → %s', (field, index, expected) => {
    expect(violationPath({ field, index, value: 'x', description: 'd' })).toBe(expected);
  });
});
