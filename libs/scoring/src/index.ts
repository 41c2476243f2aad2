export * from './scoring-input';
export * from './score-response';
export * from './judge';
