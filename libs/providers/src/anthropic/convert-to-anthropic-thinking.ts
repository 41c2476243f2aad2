import type { MessageParam, OutputConfig, ThinkingConfigParam } from '@anthropic-ai/sdk/resources/messages';
import { GatewayError, REASONING_SUMMARY, type ChatRequest, type ChatRequestMarks } from '../../../core/src';
import type { ThinkingDisplay, ThinkingMode } from '../catalog/thinking-mode';
import type { AnthropicRequestBody } from './anthropic-api';
import { claudeThinkingForm } from './claude-thinking-form';

type Effort = NonNullable<ChatRequest['reasoning_effort']>;
type ClaudeEffort = NonNullable<OutputConfig['effort']>;

/**
 * Manual extended thinking's budget per effort (Claude 4.5 and older): Google's own budgets for the
 * same efforts on Gemini 2.x (convert-to-gemini-thinking.ts), so one effort asks both families for a
 * like amount of thinking; `xhigh` / `max` 32,768, above which Anthropic advises batch processing.
 * 1,024 is the API's minimum. https://platform.claude.com/docs/build-with-claude/extended-thinking
 */
export const THINKING_BUDGET = { low: 1024, medium: 8192, high: 24576, xhigh: 32768, max: 32768 } as const;
export const MIN_THINKING_BUDGET = 1024;

/** What `reasoning_effort` asks of a Claude model on this call (planAnthropicThinking). */
export type AnthropicThinkingPlan =
  /** Nothing to send: no effort, or `none` / `minimal` where thinking can stay off. */
  | { kind: 'none' }
  /** The model thinks anyway (`thinking: always`): only how hard, as `output_config.effort`. */
  | { kind: 'effort'; effort: ClaudeEffort }
  /** Thinking turned on for this call: adaptive with an effort, or a budget (sized by sizeThinking). */
  | { kind: 'adaptive'; effort: ClaudeEffort }
  | { kind: 'budget'; budget: number };

export interface ThinkingModel {
  /** The upstream model name (`claudeThinkingForm`). */
  model: string;
  /** The model's thinking on the gateway's calls (`ModelSpec.thinking`). */
  mode?: ThinkingMode;
  /** Whether the model can think when asked (`capabilities.reasoning`); unset: not known, as false. */
  canThink?: boolean;
}

/**
 * OpenAI's `reasoning_effort` (and a Responses request's `reasoning.effort`) -> Claude's thinking.
 * https://platform.claude.com/docs/build-with-claude/thinking, .../effort
 *
 * - A model that cannot think (`capabilities.reasoning: false`) refuses it (400 `unsupported_parameter`),
 *   as OpenAI's non-reasoning models do; a route then serves the request elsewhere, and a model's
 *   `drop_params: [reasoning_effort]` leaves it out instead.
 * - A model whose thinking is always on (Opus / Sonnet 5.5) gets the effort as `output_config.effort`;
 *   it cannot stop thinking, so `none` and `minimal` ask for `low`, its least.
 * - Any other model that can think thinks on this call: `none` and `minimal` leave thinking off (nothing
 *   sent); `low` and up turn it on, as `thinking: { type: 'adaptive' }` with `output_config.effort`
 *   (Claude 4.6 and later; `xhigh` is `high` on 4.6, which lacks it) or as a budget (Claude 4.5 and
 *   older: THINKING_BUDGET).
 */
export function planAnthropicThinking(effort: Effort | null | undefined, model: ThinkingModel): AnthropicThinkingPlan {
  if (effort == null) return { kind: 'none' };
  const canThink = model.canThink ?? model.mode === 'always';
  if (!canThink) throw GatewayError.invalidRequest('reasoning_effort is not supported by this Anthropic model: it cannot think.', 'reasoning_effort', 'unsupported_parameter');
  const { form, xhigh } = claudeThinkingForm(model.model);
  const level = (e: Exclude<Effort, 'none' | 'minimal'>): ClaudeEffort => (e === 'xhigh' && !xhigh ? 'high' : e);
  if (model.mode === 'always') return { kind: 'effort', effort: effort === 'none' || effort === 'minimal' ? 'low' : level(effort) };
  if (effort === 'none' || effort === 'minimal') return { kind: 'none' };
  return form === 'adaptive' ? { kind: 'adaptive', effort: level(effort) } : { kind: 'budget', budget: THINKING_BUDGET[effort] };
}

/** Whether the plan turns thinking on for this call (the model does not think otherwise). */
export function turnsThinkingOn(plan: AnthropicThinkingPlan): plan is Extract<AnthropicThinkingPlan, { kind: 'adaptive' | 'budget' }> {
  return plan.kind === 'adaptive' || plan.kind === 'budget';
}

/**
 * Whether thinking may be turned on for a conversation: not when it answers tool calls whose assistant
 * turn has no thinking (the cycle began without it, on this model or another). Anthropic keeps one
 * thinking configuration per assistant turn, and a tool-use loop is one turn: with thinking on, that
 * turn must start with its thinking ("When `thinking` is enabled, a final `assistant` message must start
 * with a thinking block"). Thinking then stays off until the cycle ends.
 * https://platform.claude.com/docs/build-with-claude/thinking-tool-workflows
 */
export function mayTurnThinkingOn(messages: MessageParam[]): boolean {
  const last = messages[messages.length - 1];
  const turn = messages[messages.length - 2];
  if (last?.role !== 'user' || !Array.isArray(last.content) || !last.content.some((b) => b.type === 'tool_result')) return true;
  if (turn?.role !== 'assistant' || !Array.isArray(turn.content)) return true;
  const first = turn.content[0]?.type;
  return first === 'thinking' || first === 'redacted_thinking';
}

/**
 * The body's `thinking` and `output_config` for a plan, after the checks thinking puts on the rest of
 * the request (a 400 `unsupported_parameter` on `reasoning_effort` naming the conflict, so a route
 * serves it from another model), when the plan turns thinking on:
 * - `temperature` other than 1, `top_p` below 0.95: Anthropic's thinking takes no other sampling.
 * - a forced tool call (`tool_choice` `any` / `tool`, from the client or from the `json_schema`
 *   fallback): manual thinking refuses it (adaptive thinking takes it, and skips thinking).
 * - a conversation that ends on an assistant message (a prefill): thinking refuses it.
 * - a budget needs room under `max_tokens` (the API wants `budget_tokens` < `max_tokens`): the budget is
 *   capped at `max_tokens - 1`, never `max_tokens` raised, so the client's limit still bounds the whole
 *   output, thinking included, as `max_completion_tokens` does on OpenAI's reasoning models, and the
 *   budget reservation (the worst case at that limit) holds; a limit of 1,024 or less leaves no room
 *   for the 1,024 minimum and is refused.
 */
export function sizeThinking(plan: AnthropicThinkingPlan, body: AnthropicRequestBody, request: ChatRequest): Pick<AnthropicRequestBody, 'thinking' | 'output_config'> {
  if (plan.kind === 'none') return {};
  if (plan.kind === 'effort') return { output_config: { effort: plan.effort } };
  const conflict = (what: string) =>
    GatewayError.invalidRequest(`reasoning_effort (Claude's thinking) cannot be combined with ${what} on this Anthropic model.`, 'reasoning_effort', 'unsupported_parameter');
  // As convertToAnthropicRequest sends them: top_p only without a temperature.
  if (request.temperature != null && request.temperature !== 1) throw conflict('a temperature other than 1');
  if (request.temperature == null && request.top_p != null && request.top_p < 0.95) throw conflict('a top_p below 0.95');
  if (body.messages[body.messages.length - 1]?.role === 'assistant') throw conflict('a conversation that ends on an assistant message (a prefill)');
  if (plan.kind === 'adaptive') return { thinking: { type: 'adaptive' }, output_config: { effort: plan.effort } };
  const forced = body.tool_choice?.type === 'any' || body.tool_choice?.type === 'tool';
  if (forced) throw conflict(request.response_format?.type === 'json_schema' ? 'response_format json_schema (a forced tool call)' : 'a forced tool call (tool_choice)');
  if (body.max_tokens <= MIN_THINKING_BUDGET) throw conflict(`max_tokens ${body.max_tokens} (thinking needs more than ${MIN_THINKING_BUDGET})`);
  const thinking: ThinkingConfigParam = { type: 'enabled', budget_tokens: Math.min(plan.budget, body.max_tokens - 1) };
  return { thinking };
}

/**
 * `thinking.display` for a call on which the model thinks (thinking turned on by the effort, or
 * always on): what its thinking blocks carry back.
 * - The model's `thinking_display` when the operator set one (`summarized` to show Claude 4.7 and later's
 *   thinking as `reasoning_content` in chat answers too, `omitted` for the answer's text sooner).
 * - Otherwise the model's own default (`omitted` from Claude 4.7, claudeThinkingForm's `omitsThinking`;
 *   `summarized` before), except for a Responses request that asks for a reasoning summary
 *   (`REASONING_SUMMARY`): Claude's thinking is that summary, so a model that would omit it is asked for
 *   `summarized`. A Chat Completions request keeps the default: OpenAI's return no reasoning text, and
 *   summarized thinking holds the answer's text back until the summary is written.
 * https://platform.claude.com/docs/build-with-claude/thinking#controlling-thinking-display
 */
export function withThinkingDisplay(
  thinking: AnthropicRequestBody['thinking'],
  request: ChatRequest & ChatRequestMarks,
  model: ThinkingModel & { display?: ThinkingDisplay },
): AnthropicRequestBody['thinking'] {
  const display = model.display ?? (request[REASONING_SUMMARY] === true && claudeThinkingForm(model.model).omitsThinking ? 'summarized' : undefined);
  if (display === undefined) return thinking;
  if (thinking?.type === 'adaptive' || thinking?.type === 'enabled') return { ...thinking, display };
  // Always thinking, nothing else to send: a thinking field that only sets the display (adaptive is its default).
  if (thinking === undefined && model.mode === 'always') return { type: 'adaptive', display };
  return thinking;
}
