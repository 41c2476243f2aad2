import type { FinishReason } from '../../../core/src';

/**
 * https://docs.anthropic.com/en/api/handling-stop-reasons
 * `pause_turn` (a server tool paused a long turn) has no OpenAI counterpart; the turn did end, so `stop`.
 */
export function mapAnthropicStopReason(stopReason: string | null | undefined): FinishReason {
  switch (stopReason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
    default:
      return 'stop';
  }
}
