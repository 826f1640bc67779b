import type { Collection, Db } from 'mongodb';

/** Collection `list_scheduler_lease`: one document (`_id: phase-scheduler`) naming the active scheduler. */
interface LeaseDocument {
  _id: string;
  holder: string;
  expiresAtMs: number;
}

/**
 * One active scheduler at a time: a lease document with an expiry, taken when free or expired and
 * renewed by its holder on every tick. Conditional single-document updates only (FerretDB has no
 * transactions); a rival inserting at the same time loses on the unique `_id`. Time comes from the
 * injected clock.
 */
export class SchedulerLease {
  private readonly leases: Collection<LeaseDocument>;

  constructor(db: Db, readonly holder: string, private readonly ttlMs = 30_000, private readonly id = 'phase-scheduler') {
    this.leases = db.collection<LeaseDocument>('list_scheduler_lease');
  }

  /** Takes or renews the lease at `now`; false when another holder's lease has not expired. */
  async acquire(now: number): Promise<boolean> {
    const renewed = await this.leases.updateOne(
      { _id: this.id, $or: [{ holder: this.holder }, { expiresAtMs: { $lt: now } }] },
      { $set: { holder: this.holder, expiresAtMs: now + this.ttlMs } },
    );
    if (renewed.matchedCount === 1) return true;
    try {
      await this.leases.insertOne({ _id: this.id, holder: this.holder, expiresAtMs: now + this.ttlMs });
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === 11000) return false;
      throw error;
    }
  }

  /** Gives the lease up (orderly stop) so another instance takes over at once. */
  async release(): Promise<void> {
    await this.leases.updateOne({ _id: this.id, holder: this.holder }, { $set: { expiresAtMs: 0 } });
  }
}
