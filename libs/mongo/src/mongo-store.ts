import { MongoClient, type Db } from 'mongodb';
import type { Logger } from '@imei/log';

/** A connected store: FerretDB locally, or any MongoDB, through the official driver only. */
export interface MongoStore {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

export interface MongoStoreOptions {
  uri: string;
  database: string;
  logger?: Logger;
  /** How long an operation waits for a reachable server before failing (and being retried by the caller). Default 5000 ms. */
  serverSelectionTimeoutMs?: number;
  /** Connection pool size, default 20. */
  maxPoolSize?: number;
}

/**
 * Connects with settings that work on both FerretDB and MongoDB: no multi-document transactions, no
 * change streams, no TTL indexes are relied on anywhere; retryable writes are off because every write
 * of the project is already idempotent (versioned `_id` updates) and FerretDB does not implement them.
 */
export async function connectMongo(options: MongoStoreOptions): Promise<MongoStore> {
  const client = new MongoClient(options.uri, {
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMs ?? 5000,
    maxPoolSize: options.maxPoolSize ?? 20,
    retryWrites: false,
    retryReads: true,
    appName: options.logger?.bindings().service as string | undefined,
  });
  await client.connect();
  const db = client.db(options.database);
  await db.command({ ping: 1 });
  options.logger?.info({ database: options.database }, 'store connected');
  return { client, db, close: () => client.close() };
}
