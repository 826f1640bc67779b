import type { Db, Filter } from 'mongodb';
import { ApplicationStatus, topics, type Application, type ApplicationEvent, type TopicSpec } from '@imei/contracts';
import type { TopicProducer } from '@imei/kafka';
import type { Logger } from '@imei/log';
import { Outbox, storedEvent, type OutboxFields, type StoredEvent } from '@imei/outbox';

/** An application as stored: Mongo keeps absent timestamps as null. */
type StoredApplication = Omit<Application, 'decidedAt'> & { decidedAt: Date | null };

/** Collection `applications`: `_id` = application id; status and owner on top for list filters. */
export interface ApplicationDocument extends OutboxFields {
  application: StoredApplication;
  status: ApplicationStatus;
  ownerRef: string;
}

/** Collection `application_imeis`: `_id` = imei14 → the applications naming it (FerretDB indexes only `_id`). */
interface ImeiLink {
  _id: string;
  applicationIds: string[];
}

/** A loaded application with what the outbox needs to store its next change. */
export interface LoadedApplication {
  application: Application;
  version: number;
  outbox: StoredEvent[];
  outboxPending: boolean;
}

export interface ListQuery {
  status: ApplicationStatus;
  ownerRef: string;
  /** imei14; empty for any. */
  imei14: string;
  /** Application ids strictly after this one (page token). */
  after: string;
  limit: number;
}

export interface ApplicationRepositoryOptions {
  /** Fault injection (crash test): runs right after a change is stored, before its event is published. */
  afterStore?: () => void;
  /** Topic of the application events; default imei.applications.v1 (tests pass a copy). */
  applicationsTopic?: TopicSpec<ApplicationEvent>;
}

function fromStored(stored: StoredApplication): Application {
  return { ...stored, decidedAt: stored.decidedAt ?? undefined };
}

/** The `imei.v1.ApplicationEvent` announcing an application as it stands after a change. */
export function applicationEventOf(application: Application): ApplicationEvent {
  return { application, status: application.status, occurredAt: application.decidedAt ?? application.receivedAt };
}

/**
 * Applications in Mongo with store-then-publish: each change and its `ApplicationEvent` (topic
 * imei.applications.v1, key device id) are one document write through the outbox, then published.
 * The IMEI links are written first, so a crash leaves at most a link to an application that is not
 * there (skipped when read), never an application its IMEIs cannot find.
 */
export class ApplicationRepository {
  private readonly outbox: Outbox<ApplicationDocument>;

  constructor(
    private readonly db: Db,
    producer: TopicProducer,
    logger: Logger,
    private readonly options: ApplicationRepositoryOptions = {},
  ) {
    this.outbox = new Outbox(db.collection<ApplicationDocument>('applications'), producer, logger);
  }

  private get applications() {
    return this.db.collection<ApplicationDocument>('applications');
  }

  private get links() {
    return this.db.collection<ImeiLink>('application_imeis');
  }

  async load(applicationId: string): Promise<LoadedApplication | undefined> {
    const doc = await this.applications.findOne({ _id: applicationId });
    if (!doc) return undefined;
    return { application: fromStored(doc.application), version: doc.version, outbox: doc.outbox, outboxPending: doc.outboxPending };
  }

  /**
   * Stores the application's new state (version `application.version`, decided against
   * `previous`) with its event, then publishes it. Throws VersionConflictError when another writer
   * got there first.
   */
  async save(application: Application, previous: LoadedApplication | undefined, cause: string): Promise<void> {
    if (!previous) await this.link(application.imei14s, application.applicationId);
    const stored: StoredApplication = { ...application, decidedAt: application.decidedAt ?? null };
    const event = storedEvent(this.options.applicationsTopic ?? topics.applications, application.deviceId, applicationEventOf(application), application.version, cause);
    const changes = await this.outbox.store([
      {
        id: application.applicationId,
        expectedVersion: previous?.version ?? 0,
        state: { application: stored, status: application.status, ownerRef: application.ownerRef },
        events: [event],
        previousOutbox: previous?.outbox ?? [],
      },
    ]);
    this.options.afterStore?.();
    await this.outbox.publish(changes);
  }

  /**
   * A replayed input whose effect is stored: re-publishes the stored event at its version when it was
   * never acknowledged (design §4: never a second version, never nothing).
   */
  async republishIfPending(loaded: LoadedApplication, cause: string): Promise<void> {
    if (!loaded.outboxPending) return;
    const events = this.outbox.replayEvents(loaded, cause);
    await this.outbox.publish([{ id: loaded.application.applicationId, version: loaded.version, events }]);
  }

  /** Publishes every change stored but not acknowledged (start-up, after a crash). */
  sweep(): Promise<number> {
    return this.outbox.sweep();
  }

  /** Applications naming any of these IMEIs, optionally only those in `statuses`. */
  async findByImeis(imei14s: readonly string[], statuses?: readonly ApplicationStatus[]): Promise<Application[]> {
    if (imei14s.length === 0) return [];
    const links = await this.links.find({ _id: { $in: [...new Set(imei14s)] } }).toArray();
    const ids = [...new Set(links.flatMap((link) => link.applicationIds))];
    if (ids.length === 0) return [];
    const docs = await this.applications.find({ _id: { $in: ids } }).toArray();
    return docs
      .filter((doc) => statuses === undefined || statuses.includes(doc.status))
      .map((doc) => fromStored(doc.application))
      .sort((a, b) => a.applicationId.localeCompare(b.applicationId));
  }

  /** One page of applications by status / owner / IMEI, in application id order. */
  async list(query: ListQuery): Promise<Application[]> {
    const filter: Filter<ApplicationDocument> = {};
    if (query.status !== ApplicationStatus.APPLICATION_STATUS_UNSPECIFIED) filter.status = query.status;
    if (query.ownerRef !== '') filter.ownerRef = query.ownerRef;
    if (query.imei14 !== '') {
      const link = await this.links.findOne({ _id: query.imei14 });
      const ids = (link?.applicationIds ?? []).filter((id) => id > query.after);
      if (ids.length === 0) return [];
      filter._id = { $in: ids };
    } else if (query.after !== '') {
      filter._id = { $gt: query.after };
    }
    const docs = await this.applications.find(filter).sort({ _id: 1 }).limit(query.limit).toArray();
    return docs.map((doc) => fromStored(doc.application));
  }

  private async link(imei14s: readonly string[], applicationId: string): Promise<void> {
    if (imei14s.length === 0) return;
    await this.links.bulkWrite(
      imei14s.map((imei14) => ({
        updateOne: { filter: { _id: imei14 }, update: { $addToSet: { applicationIds: applicationId } }, upsert: true },
      })),
      { ordered: false },
    );
  }
}
