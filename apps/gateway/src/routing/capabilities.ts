import type { ModelCapabilities, ModelSpec, RouteSpec } from '../../../../libs/config/src';
import { GatewayError, type ChatRequest } from '../../../../libs/core/src';
import type { Candidate } from '../../../../libs/router/src';

export type Capability = keyof ModelCapabilities;

/**
 * What serving this request takes: tools when it defines any (forced_tool_choice too when its tool_choice
 * forces a call), vision for image parts, json_schema for that response format, assistant_prefill when the
 * conversation ends on an assistant message.
 */
export function requiredCapabilities(request: ChatRequest): Capability[] {
  const needs: Capability[] = [];
  if ((request.tools?.length ?? 0) > 0) {
    needs.push('tools');
    if (forcesToolCall(request.tool_choice)) needs.push('forced_tool_choice');
  }
  if (request.messages.some((m) => Array.isArray(m.content) && m.content.some((part) => part.type === 'image_url'))) needs.push('vision');
  if (request.response_format?.type === 'json_schema') needs.push('json_schema');
  if (request.messages[request.messages.length - 1]?.role === 'assistant') needs.push('assistant_prefill');
  return needs;
}

/** `required`, a named tool (function or custom), or `allowed_tools` in mode `required`: the model must call a tool. */
export function forcesToolCall(choice: ChatRequest['tool_choice']): boolean {
  if (choice === undefined || typeof choice === 'string') return choice === 'required';
  return choice.type === 'allowed_tools' ? choice.allowed_tools.mode === 'required' : true;
}

/**
 * The first capability this request needs that the model lacks, as an exclusion reason (`capability:tools`).
 * `needs`: the request's requiredCapabilities, when the caller checks many models against one request.
 */
export function missingCapability(request: ChatRequest, model: ModelSpec, needs?: readonly Capability[]): string | undefined {
  if (!model.capabilities) return undefined;
  const required = needs ?? requiredCapabilities(request);
  // Most requests need nothing: no closure per candidate for them.
  if (required.length === 0) return undefined;
  const missing = required.find((c) => !model.capabilities![c]);
  return missing ? `${CAPABILITY_PREFIX}${missing}` : undefined;
}

export const CAPABILITY_PREFIX = 'capability:';

const DESCRIPTIONS: Record<Capability, { text: string; param: string }> = {
  tools: { text: 'tool definitions (tools)', param: 'tools' },
  vision: { text: 'image input (vision)', param: 'messages' },
  json_schema: { text: "structured output (response_format json_schema)", param: 'response_format' },
  reasoning: { text: 'reasoning', param: 'model' },
  forced_tool_choice: { text: 'a forced tool call (tool_choice required or naming a tool)', param: 'tool_choice' },
  assistant_prefill: { text: 'a conversation that ends on an assistant message (a prefill)', param: 'messages' },
};

/**
 * The 400 when every candidate lacks a capability this request needs (null when some candidate was
 * excluded for another reason): names what is missing and where, e.g. "needs image input (vision),
 * which no model of route "auto" supports".
 */
export function capabilityError(route: RouteSpec, candidates: Candidate[]): GatewayError | null {
  const missing = candidates.map((c) => (c.excludedBecause?.startsWith(CAPABILITY_PREFIX) ? (c.excludedBecause.slice(CAPABILITY_PREFIX.length) as Capability) : undefined));
  if (missing.some((m) => m === undefined)) return null;
  const needed = [...new Set(missing as Capability[])];
  const what = needed.map((c) => DESCRIPTIONS[c]?.text ?? c).join(' and ');
  const where = route.implicit ? `model "${route.name}" does not support it` : `no model of route "${route.name}" supports it (${candidates.map((c) => `${c.modelId} lacks ${c.excludedBecause!.slice(CAPABILITY_PREFIX.length)}`).join(', ')})`;
  return GatewayError.invalidRequest(`This request needs ${what}, but ${where}.`, DESCRIPTIONS[needed[0]]?.param ?? null, 'unsupported_capability');
}
