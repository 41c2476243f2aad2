export * from './database';
export * from './connection';
export * from './migrate';
export * from './repositories/request-record.repository';
export * from './repositories/arm-stats.repository';
export * from './repositories/spend.repository';
export * from './repositories/report.repository';
export * from './storable-text';
