export * from './provider';
export * from './provider-settings';
export * from './provider.registry';
export * from './http/sse';
export { closeUpstreamAgent } from './http/upstream-client';
export { AnthropicProvider } from './anthropic/anthropic.provider';
export { GeminiProvider } from './gemini/gemini.provider';
