export * from './chat.types';
export * from './gateway-error';
export * from './clock';
export * from './decimal-integer';
export * from './responses.types';
export * from './embeddings.types';
export * from './coalesced-rounds';
export * from './with-timeout';
