import { connectMongo, type MongoStore } from '@imei/mongo';
import { stackEnv } from './stack-env';
import { uniqueName } from './wait-for';

/** A store on a database of its own (dropped by `drop()`), on the local FerretDB. */
export async function testStore(prefix = 'test'): Promise<MongoStore & { drop(): Promise<void> }> {
  const store = await connectMongo({ uri: stackEnv.mongoUri, database: uniqueName(prefix).replace(/-/g, '_') });
  return {
    ...store,
    drop: async () => {
      await store.db.dropDatabase().catch(() => undefined);
      await store.close();
    },
  };
}
