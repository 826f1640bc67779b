export { createLogger, type Logger } from './logger';
export { personalDataFields, pseudonymise } from './pseudonymise';
