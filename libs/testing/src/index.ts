export { createTestTopic, deleteTopics, readTopic, testKafka, topicRecordCount } from './kafka-fixtures';
export { testStore } from './mongo-fixtures';
export { repoRoot, stackEnv } from './stack-env';
export { uniqueName, waitFor } from './wait-for';
