import type { FinishReason } from '../../../core/src';

/**
 * https://ai.google.dev/api/generate-content#FinishReason
 * Gemini says STOP after function calls too; OpenAI says `tool_calls`, so the caller tells us whether
 * the candidate carried any. MALFORMED_FUNCTION_CALL, OTHER and LANGUAGE end the turn without a better
 * OpenAI counterpart: `stop`.
 */
export function mapGeminiFinishReason(reason: string | undefined, hasFunctionCalls: boolean): FinishReason {
  switch (reason) {
    case 'MAX_TOKENS':
      return 'length';
    case 'SAFETY':
    case 'RECITATION':
    case 'BLOCKLIST':
    case 'PROHIBITED_CONTENT':
    case 'SPII':
    case 'IMAGE_SAFETY':
      return 'content_filter';
    case 'STOP':
    default:
      return hasFunctionCalls ? 'tool_calls' : 'stop';
  }
}
