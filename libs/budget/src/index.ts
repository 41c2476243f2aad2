export * from './counter-store';
export * from './in-process-counter-store';
export * from './money';
export * from './pacing';
export * from './period';
export * from './rate-limit';
export * from './redis-counter-store';
export * from './worst-case-cost';
