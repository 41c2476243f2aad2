import type { Tool, ToolChoice } from '@anthropic-ai/sdk/resources/messages';
import { GatewayError, type ChatRequest } from '../../../core/src';
import { narrowToAllowedTools } from '../shared/narrow-to-allowed-tools';

export interface AnthropicTools {
  tools?: Tool[];
  tool_choice?: ToolChoice;
}

/**
 * OpenAI `tools` / `tool_choice` / `parallel_tool_calls` -> Anthropic `tools` / `tool_choice`.
 * https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use#forcing-tool-use
 * `required` becomes `any`; `parallel_tool_calls: false` becomes `disable_parallel_tool_use`; an
 * `allowed_tools` choice offers only the allowed tools, with its mode (`auto`, or `required` -> `any`).
 * `strict` is not sent: Anthropic validates inputs against `input_schema` on its own terms.
 * Custom tools (free-text input, a grammar) have no counterpart: refused, so the route serves the
 * request from a model that takes them.
 */
export function convertToAnthropicTools(request: Pick<ChatRequest, 'tools' | 'tool_choice' | 'parallel_tool_calls'>): AnthropicTools {
  const { tools, tool_choice: choice } = narrowToAllowedTools(request);
  const parallel = request.parallel_tool_calls;
  if (!tools || tools.length === 0) return {};
  const converted = tools.map((tool, i): Tool => {
    if (tool.type !== 'function') throw GatewayError.invalidRequest('Custom tools are not supported by Anthropic models.', `tools[${i}]`, 'unsupported_parameter');
    const fn = tool.function;
    return {
      name: fn.name,
      ...(fn.description ? { description: fn.description } : {}),
      input_schema: { type: 'object', ...(fn.parameters ?? {}) },
    };
  });
  const disableParallel = parallel === false ? { disable_parallel_tool_use: true } : {};
  let toolChoice: ToolChoice | undefined;
  if (choice === undefined) toolChoice = parallel === false ? { type: 'auto', ...disableParallel } : undefined;
  else if (choice === 'none') toolChoice = { type: 'none' };
  else if (choice === 'auto') toolChoice = { type: 'auto', ...disableParallel };
  else if (choice === 'required') toolChoice = { type: 'any', ...disableParallel };
  else if (choice.type === 'function') toolChoice = { type: 'tool', name: choice.function.name, ...disableParallel };
  else throw GatewayError.invalidRequest(`tool_choice of type "${choice.type}" is not supported by Anthropic models.`, 'tool_choice', 'unsupported_parameter');
  return { tools: converted, ...(toolChoice ? { tool_choice: toolChoice } : {}) };
}
