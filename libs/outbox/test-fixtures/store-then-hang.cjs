// Child process of the outbox crash test: stores one change with its event, says so, then waits to be
// killed with SIGKILL before it can publish (the worst moment of design §4).
const { Outbox, storedEvent } = require('@imei/outbox');
const { TopicProducer, createKafka } = require('@imei/kafka');
const { connectMongo } = require('@imei/mongo');
const { createLogger } = require('@imei/log');

async function main() {
  const [database, topicName, id] = process.argv.slice(2);
  const { topics } = require('@imei/contracts');
  const spec = { ...topics.listChanges, name: topicName };
  const store = await connectMongo({ uri: process.env.MONGODB_URI || 'mongodb://127.0.0.1:27017/', database });
  const kafka = createKafka({ brokers: ['127.0.0.1:9092'], clientId: 'crash-child', username: 'admin', password: process.env.KAFKA_ADMIN_PASSWORD || 'admin-dev-secret' });
  const producer = new TopicProducer(kafka);
  await producer.connect();
  const outbox = new Outbox(store.db.collection('entries'), producer, createLogger('crash-child', 'silent'));
  const change = { imei14: id, imei: id + '0', state: 3, reason: 13, previousState: 2, version: 1, cause: 'cmd-1', actor: 'officer:test', deviceId: '', changedAt: new Date() };
  await outbox.store([{ id, expectedVersion: 0, state: { state: 'black' }, events: [storedEvent(spec, id, change, 1, 'cmd-1')], previousOutbox: [] }]);
  process.stdout.write('stored\n');
  setInterval(() => undefined, 1000);
}

main().catch((error) => {
  process.stderr.write(String(error.stack || error) + '\n');
  process.exit(1);
});
