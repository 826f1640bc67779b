import type { Collection, Db } from 'mongodb';

export type PhaseRunStatusName = 'waiting' | 'collecting' | 'refused' | 'blocking' | 'done';

/** Collection `list_phase_runs`: one document per daily run (`_id: run-YYYY-MM-DD`); the cursor is `nextChunk`. */
export interface PhaseRunDocument {
  _id: string;
  runDate: string;
  status: PhaseRunStatusName;
  startedAtMs: number;
  finishedAtMs: number | null;
  /** End offsets of `imei.grouping-status.v1` captured when the run started (a list: topic names hold dots). */
  groupingEnds: Array<{ partition: string; offset: number }>;
  /** Partitions the consumer had not consumed up to those ends at the last look. */
  behind: string[];
  scheduled: number;
  candidates: number;
  chunks: number;
  /** The next candidate chunk to re-check and block: an interrupted run resumes here. */
  nextChunk: number;
  blocked: number;
  spared: number;
  guardRefusal: string;
  override: { officer: string; reason: string } | null;
}

/** Collection `list_phase_chunks`: a run's candidates in chunks (`_id: <runId>:<n>`), with what the re-check spared. */
export interface PhaseChunkDocument {
  _id: string;
  imei14s: string[];
  spared: Array<{ imei14: string; why: string }>;
}

/** Phase runs and their candidate chunks, all read and written by `_id`. */
export class PhaseRunStore {
  readonly runs: Collection<PhaseRunDocument>;
  readonly chunks: Collection<PhaseChunkDocument>;

  constructor(db: Db) {
    this.runs = db.collection<PhaseRunDocument>('list_phase_runs');
    this.chunks = db.collection<PhaseChunkDocument>('list_phase_chunks');
  }

  get(runId: string): Promise<PhaseRunDocument | null> {
    return this.runs.findOne({ _id: runId });
  }

  /** Creates the run unless it exists; returns the stored one either way. */
  async create(run: PhaseRunDocument): Promise<PhaseRunDocument> {
    try {
      await this.runs.insertOne(run);
      return run;
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
      return (await this.get(run._id))!;
    }
  }

  async update(runId: string, fields: Partial<PhaseRunDocument>): Promise<void> {
    await this.runs.updateOne({ _id: runId }, { $set: fields });
  }

  /** Records an officer override of a refused run (only while it is refused). */
  async override(runId: string, officer: string, reason: string): Promise<boolean> {
    const result = await this.runs.updateOne({ _id: runId, status: 'refused' }, { $set: { override: { officer, reason }, status: 'blocking' } });
    return result.matchedCount === 1;
  }

  async putChunk(runId: string, n: number, imei14s: string[]): Promise<void> {
    await this.chunks.replaceOne({ _id: `${runId}:${n}` }, { imei14s, spared: [] }, { upsert: true });
  }

  async chunk(runId: string, n: number): Promise<PhaseChunkDocument | null> {
    return this.chunks.findOne({ _id: `${runId}:${n}` });
  }

  async setSpared(runId: string, n: number, spared: PhaseChunkDocument['spared']): Promise<void> {
    await this.chunks.updateOne({ _id: `${runId}:${n}` }, { $set: { spared } });
  }

  /** Spared candidates of a run, in chunk order, up to `limit`. */
  async spared(run: PhaseRunDocument, limit: number): Promise<PhaseChunkDocument['spared']> {
    const found: PhaseChunkDocument['spared'] = [];
    for (let n = 0; n < run.chunks && found.length < limit; n++) found.push(...((await this.chunk(run._id, n))?.spared ?? []));
    return found.slice(0, limit);
  }
}
