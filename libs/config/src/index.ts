export * from './app-config';
export * from './config-error';
export * from './default-config';
export * from './load-config';
export * from './router-config.schema';
