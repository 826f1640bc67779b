export { createTestTopic, deleteTopics, readTopic, readTopicToEnd, testKafka, topicRecordCount } from './kafka-fixtures';
export { freePort } from './free-port';
export { testStore } from './mongo-fixtures';
export { serviceNodeFlags } from './service-node-flags';
export { repoRoot, stackEnv } from './stack-env';
export { uniqueName, waitFor } from './wait-for';
