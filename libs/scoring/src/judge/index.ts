export * from './combine-judge';
export * from './judge-prompt';
export * from './judge-transcript';
export * from './model-judge';
export * from './parse-judge-verdict';
