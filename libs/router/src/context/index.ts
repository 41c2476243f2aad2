export * from './prompt-features';
