export * from './jobs';
export * from './job-queue';
export * from './bullmq-job-queue';
export * from './in-process-job-queue';
export * from './dead-letter-queue';
export * from './spooling-job-queue';
export * from './learning-signal';
