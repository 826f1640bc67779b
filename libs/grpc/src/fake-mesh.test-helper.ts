// Test-only fakes (excluded from the build): a server with tiny intake and operator-notifier
// implementations written through `implement`, so the int specs exercise the real edge.
import {
  EnforcementReport,
  OperatorProgress,
  Reconciliation,
  Application,
  ApplicationStatus,
  BlockListChunk,
  IntakeServiceService,
  ObservationSummary,
  OperatorNotifierServiceService,
  type IntakeServiceServer,
  type OperatorNotifierServiceServer,
} from '@imei/contracts';
import { DomainError } from '@imei/errors';
import { createLogger } from '@imei/log';
import { implement, startGrpcServer, TokenTable, type EdgeOptions, type GrpcServer } from './index';

export interface FakeMesh {
  server: GrpcServer;
  address: string;
  /** Attempts seen by the server per method, to prove retries. */
  attempts: { getApplication: number; submitApplication: number };
  /** Where the never-answering findOpenApplications handler is: waiting on its signal, or aborted. */
  findOpenApplications: 'idle' | 'waiting' | 'aborted';
}

export async function startFakeMesh(): Promise<FakeMesh> {
  const edge: EdgeOptions = { authenticator: TokenTable.dev(), logger: createLogger('grpc-test', 'silent') };
  const attempts = { getApplication: 0, submitApplication: 0 };
  // Filled in once the server is up; the handlers below only touch the counters meanwhile.
  const mesh = { attempts, findOpenApplications: 'idle' } as FakeMesh;

  const intake = implement(
    IntakeServiceService,
    {
      async submitObservations(request, ctx) {
        ctx.require('operator');
        const violations = request.observations.flatMap((o, index) =>
          /^\d{15}$/.test(o.imei) ? [] : [DomainError.violation('observations.imei', o.imei, 'not a 15-digit IMEI', index)],
        );
        if (violations.length > 0) throw DomainError.invalid(violations);
        return ObservationSummary.fromPartial({ received: request.observations.length, accepted: request.observations.length });
      },
      async streamObservations(requests, ctx) {
        ctx.require('operator');
        let received = 0;
        for await (const chunk of requests) received += chunk.observations.length;
        return ObservationSummary.fromPartial({ received, accepted: received });
      },
      async submitApplication() {
        attempts.submitApplication += 1;
        throw new DomainError('unavailable', 'broker unreachable');
      },
      async decideApplication(request, ctx) {
        ctx.require('officer');
        return Application.fromPartial({ applicationId: request.applicationId, status: ApplicationStatus.APPLICATION_STATUS_APPROVED, decidedBy: ctx.identity.principal });
      },
      async getApplication(request) {
        attempts.getApplication += 1;
        if (attempts.getApplication === 1) throw new DomainError('unavailable', 'store unreachable');
        return Application.fromPartial({ applicationId: request.applicationId });
      },
      async listApplications() {
        throw new Error('secret internals at /srv/intake/repository.ts:42');
      },
      async findOpenApplications(_request, ctx) {
        mesh.findOpenApplications = 'waiting';
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
        mesh.findOpenApplications = 'aborted';
        throw ctx.signal.reason;
      },
    },
    edge,
  );

  const notifier = implement(
    OperatorNotifierServiceService,
    {
      async getOperatorProgress(_request, ctx) {
        ctx.require('operator');
        return OperatorProgress.fromPartial({ operatorId: ctx.identity.operatorId! });
      },
      async reconcile() {
        return Reconciliation.fromPartial({});
      },
      async getEnforcementReport(_request, ctx) {
        ctx.require('operator');
        return EnforcementReport.fromPartial({});
      },
      async *streamBlockList(_request, ctx) {
        ctx.require('operator', 'service');
        for (let chunk = 0; chunk < 200; chunk += 1) {
          const entries = Array.from({ length: 100 }, (_, i) => ({ imei14: String(chunk * 100 + i).padStart(14, '0') }));
          yield BlockListChunk.fromPartial({ entries });
        }
      },
    },
    edge,
  );

  // The registrations are what ts-proto's XxxServer interfaces declare (checked by tsconfig.spec.json).
  intake.implementation satisfies IntakeServiceServer;
  notifier.implementation satisfies OperatorNotifierServiceServer;
  const server = await startGrpcServer({ address: '127.0.0.1:0', services: [intake, notifier] });
  return Object.assign(mesh, { server, address: `127.0.0.1:${server.port}` });
}
