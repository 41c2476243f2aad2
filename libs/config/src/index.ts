export * from './app-config';
export * from './config-error';
export * from './default-config';
export * from './load-config';
export * from './price-prior';
export * from './router-config.schema';
export * from './prompt-template.schema';
export { DEFAULT_CAPABILITIES } from './resolve-router-config';
export * from './shutdown-warnings';
