export * from './file-spool';
