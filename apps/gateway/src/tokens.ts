/** Injection tokens for values that are interfaces, not classes. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const CLOCK = Symbol('CLOCK');
export const RANDOM = Symbol('RANDOM');
export const JOB_QUEUE = Symbol('JOB_QUEUE');
export const DATABASE = Symbol('DATABASE');
export const LOG = Symbol('LOG');
/** `() => RuntimeStatus`: the runtime's own view of its dependencies, without I/O. */
export const RUNTIME_STATUS = Symbol('RUNTIME_STATUS');
