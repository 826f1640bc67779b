export { connectMongo, type MongoStore, type MongoStoreOptions } from './mongo-store';
export { retryTransient, type RetryOptions } from './retry-transient';
