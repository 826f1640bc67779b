import type { ObservationInput, ObservationSummary, SubmitObservationsRequest } from '@imei/contracts';
import { DomainError } from '@imei/errors';
import type { CallContext } from '@imei/grpc';
import { admitObservations, type AdmittedObservation } from '../domain/observation-admission';
import type { ObservationDeduplicator } from '../domain/observation-deduplicator';
import type { ObservationContext } from '../domain/observation-intake';
import { ObservationTally } from '../domain/observation-tally';
import type { ObservationPublisher } from './observation-publisher';

export interface ObservationHandlerDeps {
  deduplicator: ObservationDeduplicator;
  publisher: ObservationPublisher;
  /** Configured operator ids: an operator identity outside this set is refused. */
  operators: ReadonlySet<string>;
  clock: () => number;
  maxSkewMs: number;
  maxViolations: number;
}

/** The authenticated operator of an observations call (never a request field). */
function operatorOf(ctx: CallContext, operators: ReadonlySet<string>): string {
  ctx.require('operator');
  const operatorId = ctx.identity.operatorId;
  if (operatorId === undefined || !operators.has(operatorId)) {
    throw new DomainError('permission-denied', `${ctx.identity.principal} is not a configured operator`);
  }
  return operatorId;
}

/** gRPC SubmitObservations (one batch) and StreamObservations (chunks): same rules, same summary. */
export function observationHandlers(deps: ObservationHandlerDeps) {
  async function intake(chunks: AsyncIterable<SubmitObservationsRequest> | Iterable<SubmitObservationsRequest>, ctx: CallContext): Promise<ObservationSummary> {
    const operatorId = operatorOf(ctx, deps.operators);
    const tally = new ObservationTally(deps.maxViolations);
    const publication = deps.publisher.begin();
    const admitted: AdmittedObservation[] = [];
    let index = 0;
    try {
      for await (const chunk of chunks) {
        const inputs: readonly ObservationInput[] = chunk.observations;
        const context: ObservationContext = { operatorId, now: deps.clock(), maxSkewMs: deps.maxSkewMs };
        admitted.length = 0;
        admitObservations(inputs, index, context, deps.deduplicator, tally, admitted);
        index += inputs.length;
        await publication.offer(admitted);
        if (ctx.signal.aborted) throw new DomainError('unavailable', 'call cancelled');
      }
      await publication.finish();
    } catch (error) {
      publication.abandon();
      throw error;
    }
    return tally.counts;
  }
  return {
    submitObservations: (request: SubmitObservationsRequest, ctx: CallContext) => intake([request], ctx),
    streamObservations: (requests: AsyncIterable<SubmitObservationsRequest>, ctx: CallContext) => intake(requests, ctx),
  };
}
