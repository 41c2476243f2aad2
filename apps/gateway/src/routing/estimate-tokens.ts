/**
 * Moved to libs/model-call (the worker's judge prices its calls with it too). Kept at this path for
 * bench/routing/decision-build.ts, which loads it from other builds' dist by this path.
 */
export { estimatePromptTokens, promptTokensFor } from '../../../../libs/model-call/src/estimate-tokens';
