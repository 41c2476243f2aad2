import type { Tool } from '@anthropic-ai/sdk/resources/messages';
import { GatewayError, type ChatRequest } from '../../../core/src';
import type { ProviderCall } from '../provider';
import type { AnthropicRequestBody } from './anthropic-api';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages';
import { mayTurnThinkingOn, planAnthropicThinking, sizeThinking, turnsThinkingOn, withThinkingDisplay } from './convert-to-anthropic-thinking';
import { convertToAnthropicTools } from './convert-to-anthropic-tools';
import { planJsonSchemaAnswer } from './plan-json-schema-answer';
import { rejectUnsupportedAnthropicParams } from './reject-unsupported-params';

/**
 * Anthropic requires `max_tokens`. When the client sets neither limit, the model's own output limit
 * is sent (from the catalog or the config: an OpenAI model would write up to its own), else this.
 */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096;

export const JSON_OBJECT_INSTRUCTION = 'Respond with a single valid JSON object and nothing else: no prose, no code fences.';

export interface AnthropicRequest {
  body: AnthropicRequestBody;
  /**
   * Set for `response_format: json_schema` through the tool fallback: the name of the tool that carries the structured answer.
   * Its `tool_use` input is the answer, returned to the client as the message `content`.
   */
  jsonTool?: string;
}

/**
 * A whole OpenAI request -> an Anthropic Messages request (without `stream`, which the provider sets).
 *
 * `response_format: json_schema` (planJsonSchemaAnswer): Anthropic's structured outputs,
 * `output_config.format` with the schema in their subset, on Claude 4.5 and later (the answer is the
 * text; the client's tools and tool_choice go as they are); otherwise the documented tool fallback: a
 * tool named after the schema, with the schema as its input, and `tool_choice` forced to it (or `any`
 * when the client passes tools of its own, so the model may still call them).
 * https://platform.claude.com/docs/en/build-with-claude/structured-outputs
 * https://docs.anthropic.com/en/docs/test-and-evaluate/strengthen-guardrails/increase-consistency#specify-the-desired-output-format
 * `response_format: json_object` adds a system instruction to answer with JSON only.
 * `reasoning_effort` -> `thinking` / `output_config.effort` (convert-to-anthropic-thinking.ts).
 *
 * `model`: the model's output limit (`maxOutputTokens`), whether it thinks on the gateway's calls
 * (`thinking`: convertToAnthropicMessages sends echoed thinking only to one that may) and whether it
 * can think when asked (`canThink`).
 */
export function convertToAnthropicRequest(request: ChatRequest, model: Pick<ProviderCall, 'maxOutputTokens' | 'thinking' | 'thinkingDisplay' | 'canThink'> = {}): AnthropicRequest {
  rejectUnsupportedAnthropicParams(request);
  let plan = planAnthropicThinking(request.reasoning_effort, { model: request.model, mode: model.thinking, canThink: model.canThink });
  // Thinking turned on for this call: the thinking a client echoed back goes to the model too.
  let prompt = convertToAnthropicMessages(request.messages, turnsThinkingOn(plan) ? undefined : model.thinking);
  if (turnsThinkingOn(plan) && !mayTurnThinkingOn(prompt.messages)) {
    plan = { kind: 'none' };
    prompt = convertToAnthropicMessages(request.messages, model.thinking);
  }
  const { system, messages } = prompt;
  let { tools, tool_choice } = convertToAnthropicTools(request);
  let jsonTool: string | undefined;

  const format = request.response_format;
  if (format?.type === 'json_object') system.push({ type: 'text', text: JSON_OBJECT_INSTRUCTION });
  const answer = planJsonSchemaAnswer(request, { model: request.model, mode: model.thinking }, messages[messages.length - 1]?.role === 'assistant');
  if (format?.type === 'json_schema' && answer?.kind === 'tool') {
    const schema = format.json_schema;
    if (tools?.some((t) => t.name === schema.name)) {
      throw GatewayError.invalidRequest(`response_format.json_schema.name "${schema.name}" collides with a tool of the same name.`, 'response_format');
    }
    const tool: Tool = {
      name: schema.name,
      description: schema.description ?? `Reply with the answer, structured by the "${schema.name}" schema.`,
      input_schema: { type: 'object', ...(schema.schema ?? {}) },
    };
    jsonTool = schema.name;
    const clientTools = tools ?? [];
    tools = [...clientTools, tool];
    if (clientTools.length === 0 || tool_choice?.type === 'none') {
      tool_choice = { type: 'tool', name: schema.name };
    } else if (tool_choice?.type !== 'tool') {
      tool_choice = { type: 'any', ...(request.parallel_tool_calls === false ? { disable_parallel_tool_use: true } : {}) };
    }
  }

  const stop = typeof request.stop === 'string' ? [request.stop] : (request.stop ?? undefined);
  const userId = endUser(request);
  const body: AnthropicRequestBody = {
    model: request.model,
    max_tokens: request.max_completion_tokens ?? request.max_tokens ?? model.maxOutputTokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS,
    messages,
    ...(system.length > 0 ? { system } : {}),
    ...samplingOf(request),
    ...(stop && stop.length > 0 ? { stop_sequences: stop } : {}),
    // OpenAI's end-user id: `safety_identifier` (which replaces `user`), else `user`.
    ...(userId ? { metadata: { user_id: userId } } : {}),
    ...(tools ? { tools } : {}),
    ...(tool_choice ? { tool_choice } : {}),
  };
  const { thinking: planned, output_config } = sizeThinking(plan, body, request);
  if (planned) body.thinking = planned;
  // One output_config for the effort (thinking) and the format (structured outputs).
  const outputConfig = { ...output_config, ...(answer?.kind === 'native' ? { format: { type: 'json_schema' as const, schema: answer.schema } } : {}) };
  if (Object.keys(outputConfig).length > 0) body.output_config = outputConfig;
  const thinking = withThinkingDisplay(body.thinking, request, { model: request.model, mode: model.thinking, display: model.thinkingDisplay });
  if (thinking) body.thinking = thinking;
  return { body, ...(jsonTool ? { jsonTool } : {}) };
}

/**
 * `temperature` and `top_p`. Claude models since Sonnet 4.5, Haiku 4.5 and Opus 4.1 answer a request
 * with both with a 400 ("`temperature` and `top_p` cannot both be specified for this model"), and
 * Anthropic advises one or the other for all of them; OpenAI takes both. With both, temperature is
 * sent: it is the one OpenAI's clients set far more often, and an answer is better than a 400 for a
 * parameter OpenAI would have accepted.
 */
function samplingOf(request: ChatRequest): { temperature?: number; top_p?: number } {
  if (request.temperature != null) return { temperature: request.temperature };
  return request.top_p != null ? { top_p: request.top_p } : {};
}

function endUser(request: ChatRequest): string | undefined {
  return request.safety_identifier || request.user || undefined;
}
