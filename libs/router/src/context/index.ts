export * from './prompt-features';
export * from './hashed-features';
