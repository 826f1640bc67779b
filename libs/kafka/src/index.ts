export { groupPrefix, operatorAcls, operatorPrincipal, operatorTopicPrefix, serviceAcls, serviceNames } from './acl-plan';
export { backoffDelay, retryingStartup, sleep } from './backoff';
export { runConsumer, type BatchHandler, type ConsumedRecord, type ConsumerRunnerOptions, type RunningConsumer } from './consumer-runner';
export { deadLetterOf, publishDeadLetters, type DeadLetterCause } from './dead-letter';
export { replayDeadLetters, type DlqReplayOptions, type DlqReplaySummary } from './dlq-replay';
export { createKafka, type KafkaConnection } from './kafka-client';
export { contentTypeHeader, contentTypeOf, headerString, outgoingHeaders, traceContextOf } from './record-headers';
export { ensureTopics, ensureTopicsWith } from './topic-admin';
export { encodeValue, TopicProducer, type EncodedRecord, type OutgoingRecord, type TopicProducerOptions } from './topic-producer';
