export * from './scoring-input';
export * from './score-response';
