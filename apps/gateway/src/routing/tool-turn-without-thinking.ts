import type { ModelSpec, RouteSpec } from '../../../../libs/config/src';
import { GatewayError, type ChatMessage } from '../../../../libs/core/src';
import { carriesEchoedThinking } from '../../../../libs/providers/src';
import type { Candidate } from '../../../../libs/router/src';

/**
 * The index of the assistant message whose tool calls this request answers (the conversation ends on
 * `tool` messages that follow it) when that message carries no Claude thinking to send back, else -1.
 *
 * A model whose thinking is always on (Claude Opus / Sonnet 5.5) refuses such a request: the turn a
 * tool result answers must start with its thinking blocks ("When thinking is enabled, a final
 * assistant message must start with a thinking block";
 * https://platform.claude.com/docs/build-with-claude/thinking-tool-workflows). That happens when the
 * tool cycle began on a model without Claude's thinking, and the router keeps it off such a model.
 *
 * Thinking is what the Anthropic adapter would send back (`carriesEchoedThinking`, beside its
 * `convertEchoedThinking`).
 * Runs on every request: scans back from the last message only, and allocates nothing.
 */
export function toolTurnWithoutThinking(messages: readonly ChatMessage[]): number {
  let i = messages.length - 1;
  if (i < 0 || messages[i].role !== 'tool') return -1;
  while (i >= 0 && messages[i].role === 'tool') i--;
  if (i < 0) return -1;
  const turn = messages[i];
  if (turn.role !== 'assistant' || (turn.tool_calls?.length ?? 0) === 0) return -1;
  return carriesEchoedThinking(turn) ? -1 : i;
}

/** Why a model is not eligible for a request whose tool turn has no thinking (`excludedBecause`). */
export const MISSING_THINKING = 'missing_thinking_blocks';

/** Whether the model refuses this request: its thinking is always on and the tool turn at `toolTurn` (toolTurnWithoutThinking) has none. */
export function refusesToolTurn(model: Pick<ModelSpec, 'thinking'>, toolTurn: number): boolean {
  return toolTurn >= 0 && model.thinking === 'always';
}

/**
 * The 400 when every candidate refuses the tool turn: the gateway's own rather than Anthropic's, which
 * names the client's message and field (Anthropic's names its own content blocks) and costs no call.
 */
export function missingThinkingError(route: RouteSpec, candidates: readonly Candidate[], toolTurn: number): GatewayError {
  const which = route.implicit ? `model "${route.name}" always thinks` : `every model of route "${route.name}" always thinks (${candidates.map((c) => c.modelId).join(', ')})`;
  return GatewayError.invalidRequest(
    `messages[${toolTurn}] ${MISSING_THINKING_WHAT}, and ${which}: Anthropic refuses a tool result ` +
      `whose assistant turn does not start with its thinking. ${MISSING_THINKING_ADVICE}; ` +
      'a tool cycle begun on a model without Claude\'s thinking cannot continue on one that always thinks.',
    'messages',
    MISSING_THINKING,
  );
}

/** The chat words of that 400, which another API's format names its own way (responses/responses-error.ts). */
export const MISSING_THINKING_WHAT = 'has tool calls without the thinking they were made with (thinking_blocks)';
export const MISSING_THINKING_ADVICE = 'Send the assistant message back as you received it, thinking_blocks included';
