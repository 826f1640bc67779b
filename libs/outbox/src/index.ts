export { Outbox, VersionConflictError, type EntityChange, type OutboxOptions, type StoredChange } from './outbox';
export { recordOf, storedEvent, type OutboxFields, type StoredEvent } from './outbox-event';
