import type { ModelSpec, RouteSpec } from '../../../../libs/config/src';
import { GatewayError, type ChatMessage } from '../../../../libs/core/src';
import { carriesEchoedThinking } from '../../../../libs/providers/src';
import type { Candidate } from '../../../../libs/router/src';

/**
 * The index of the assistant message whose tool calls this request answers, when that message carries
 * no Claude thinking to send back, else -1. The request answers it when its last `tool` messages come
 * after it with nothing but user, system or developer messages after them: Anthropic's wire has the
 * tool results and the user's text in one user turn (our converter merges them, tool results first),
 * and that turn still returns tool results, so the tool-use cycle, one assistant turn, is not over.
 * A request after the cycle ended (an assistant message without tool calls since) answers none:
 * Anthropic requires only the current cycle's thinking.
 *
 * A model whose thinking is always on (Claude Opus / Sonnet 5.5) refuses such a request: "when you
 * return a tool result, the thinking blocks from the assistant message must come back with it"
 * (https://platform.claude.com/docs/build-with-claude/thinking-tool-workflows; Anthropic's 400: "When
 * `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the
 * lastmost set of `tool_use` and `tool_result` blocks)"). That happens when the tool cycle began on a
 * model without Claude's thinking, and the router keeps it off such a model.
 *
 * Thinking is what the Anthropic adapter would send back (`carriesEchoedThinking`, beside its
 * `convertEchoedThinking`).
 * Runs on every request: scans back from the last message only, and allocates nothing.
 */
export function toolTurnWithoutThinking(messages: readonly ChatMessage[]): number {
  let i = messages.length - 1;
  while (i >= 0 && isUserSide(messages[i])) i--;
  if (i < 0 || messages[i].role !== 'tool') return -1;
  while (i >= 0 && messages[i].role === 'tool') i--;
  if (i < 0) return -1;
  const turn = messages[i];
  if (turn.role !== 'assistant' || (turn.tool_calls?.length ?? 0) === 0) return -1;
  return carriesEchoedThinking(turn) ? -1 : i;
}

/** A message that joins the user turn holding the tool results (system and developer ones go to Anthropic's top-level `system`). */
function isUserSide(message: ChatMessage): boolean {
  return message.role === 'user' || message.role === 'system' || message.role === 'developer';
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
 * Its `param` is `messages`, as documented; `turn` keeps the message's index, for another API's format
 * to name the client's own item (`input[3]` on the Responses API, responses/responses-error.ts).
 */
export class MissingThinkingError extends GatewayError {
  constructor(
    message: string,
    /** The index in `messages` of the assistant turn without its thinking. */
    readonly turn: number,
  ) {
    super(400, message, 'invalid_request_error', MISSING_THINKING, 'messages');
  }
}

export function missingThinkingError(route: RouteSpec, candidates: readonly Candidate[], toolTurn: number): MissingThinkingError {
  const which = route.implicit ? `model "${route.name}" always thinks` : `every model of route "${route.name}" always thinks (${candidates.map((c) => c.modelId).join(', ')})`;
  return new MissingThinkingError(
    `messages[${toolTurn}] ${MISSING_THINKING_WHAT}, and ${which}: Anthropic refuses a tool result ` +
      `whose assistant turn does not start with its thinking. ${MISSING_THINKING_ADVICE}; ` +
      'a tool cycle begun on a model without Claude\'s thinking cannot continue on one that always thinks.',
    toolTurn,
  );
}

/** The chat words of that 400, which another API's format names its own way (responses/responses-error.ts). */
export const MISSING_THINKING_WHAT = 'has tool calls without the thinking they were made with (thinking_blocks)';
export const MISSING_THINKING_ADVICE = 'Send the assistant message back as you received it, thinking_blocks included';
