import { create, fromBinary, toBinary, type Message } from '@bufbuild/protobuf';
import type { GenMessage } from '@bufbuild/protobuf/codegenv2';
import { anyIs, anyPack, anyUnpack, type Any } from '@bufbuild/protobuf/wkt';
import type { Metadata } from '@grpc/grpc-js';
import { standardRegistry } from './standard-descriptors';

/**
 * The gRPC rich error model: a binary `google.rpc.Status` in the `grpc-status-details-bin` trailer,
 * its details holding a `google.rpc.BadRequest`; any client of the standard model decodes it
 * (grpcurl prints it, resolving BadRequest through reflection).
 */
export const statusDetailsKey = 'grpc-status-details-bin';

/** `google.rpc.BadRequest.FieldViolation`: a request path such as `observations[3].imei` and why. */
export interface BadRequestViolation {
  field: string;
  description: string;
}

interface StatusMessage extends Message<'google.rpc.Status'> {
  code: number;
  message: string;
  details: Any[];
}
interface BadRequestMessage extends Message<'google.rpc.BadRequest'> {
  fieldViolations: (Message<'google.rpc.BadRequest.FieldViolation'> & BadRequestViolation)[];
}

const Status = standardRegistry.getMessage('google.rpc.Status') as unknown as GenMessage<StatusMessage>;
const BadRequest = standardRegistry.getMessage('google.rpc.BadRequest') as unknown as GenMessage<BadRequestMessage>;

/** Binary `google.rpc.Status { code, message, details: [Any(BadRequest)] }`. */
export function encodeBadRequestStatus(code: number, message: string, violations: readonly BadRequestViolation[]): Uint8Array {
  const badRequest = create(BadRequest, { fieldViolations: violations.map(({ field, description }) => ({ field, description })) });
  return toBinary(Status, create(Status, { code, message, details: [anyPack(BadRequest, badRequest)] }));
}

/**
 * The field violations of a failed call (a grpc-js `ServiceError`), or undefined when its trailers
 * carry no `google.rpc.BadRequest`.
 */
export function readBadRequest(error: { metadata?: Metadata }): BadRequestViolation[] | undefined {
  const [details] = error.metadata?.get(statusDetailsKey) ?? [];
  if (!(details instanceof Uint8Array)) return undefined;
  const packed = fromBinary(Status, details).details.find((any) => anyIs(any, BadRequest));
  return packed && anyUnpack(packed, BadRequest)?.fieldViolations.map(({ field, description }) => ({ field, description }));
}
