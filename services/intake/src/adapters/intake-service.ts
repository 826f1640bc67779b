import { IntakeServiceService } from '@imei/contracts';
import { implement, type EdgeOptions } from '@imei/grpc';
import { applicationHandlers, type ApplicationHandlerDeps } from './applications-grpc';
import { observationHandlers, type ObservationHandlerDeps } from './observations-grpc';

/** The IntakeService gRPC registration: observation and application handlers behind one edge. */
export function intakeService(observations: ObservationHandlerDeps, applications: ApplicationHandlerDeps, edge: EdgeOptions) {
  return implement(IntakeServiceService, { ...observationHandlers(observations), ...applicationHandlers(applications) }, edge);
}
