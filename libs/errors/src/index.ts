export { DomainError, PoisonRecordError, isRetriable, type DomainErrorCode, type FieldViolation } from './domain-error';
