import type { Collection, Document, Filter, FindOptions, WithId } from 'mongodb';

/** Default number of `_id` lookups in flight for one {@link findByIds} call. */
export const FIND_BY_IDS_CONCURRENCY = 32;

/**
 * The documents with these `_id`s (absent ones left out, order not kept), read as concurrent `_id`
 * equality lookups. FerretDB 1.24 on SQLite uses its `_id` index for equality only: `{_id: {$in: ids}}`
 * scans the whole collection (measured: 11 s for 10 ids in 18,000 documents, against ~1.6 ms per
 * lookup), so hot paths read by `_id` one by one. On MongoDB this costs round trips, nothing more.
 */
export async function findByIds<T extends Document>(
  collection: Collection<T>,
  ids: Iterable<string>,
  options: FindOptions = {},
  concurrency = FIND_BY_IDS_CONCURRENCY,
): Promise<WithId<T>[]> {
  const queue = [...new Set(ids)];
  const found: WithId<T>[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < queue.length) {
      const id = queue[next++]!;
      const doc = await collection.findOne({ _id: id } as Filter<T>, options);
      if (doc !== null) found.push(doc);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  return found;
}
