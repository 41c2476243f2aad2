export * from './prompt-features';
export * from './hashed-features';
export * from './caller-tags';
