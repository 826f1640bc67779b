// Kept light: importing the lib does not load the SDK (that is `@imei/tracing/register`'s job).
export { imeiAttributes, messagingAttributes, personalDataAttribute } from './attributes';
export { flushTracing, shutdownTracing } from './flush';
