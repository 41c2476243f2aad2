/**
 * What one call of a configured model needs, wherever it is made (the gateway's attempts, the
 * worker's judge): the request adapted to the model, the timeouts its adapter enforces, its price.
 */
export * from './adapt-request';
export * from './apply-param-rules';
export * from './apply-prompt-template';
export * from './cap-output-tokens';
export * from './cost';
export * from './prompt-transforms';
export * from './provider-timeouts';
export * from './chat-model-call';
export * from './estimate-tokens';
