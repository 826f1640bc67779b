export { connectMongo, type MongoStore, type MongoStoreOptions } from './mongo-store';
export { FIND_BY_IDS_CONCURRENCY, findByIds } from './find-by-ids';
export { retryTransient, type RetryOptions } from './retry-transient';
