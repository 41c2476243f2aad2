import type { Tool, ToolChoice } from '@anthropic-ai/sdk/resources/messages';
import { GatewayError, type ChatRequest } from '../../../core/src';

export interface AnthropicTools {
  tools?: Tool[];
  tool_choice?: ToolChoice;
}

/**
 * OpenAI `tools` / `tool_choice` / `parallel_tool_calls` -> Anthropic `tools` / `tool_choice`.
 * https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use#forcing-tool-use
 * `required` becomes `any`; `parallel_tool_calls: false` becomes `disable_parallel_tool_use`.
 * `strict` is not sent: Anthropic validates inputs against `input_schema` on its own terms.
 */
export function convertToAnthropicTools(request: Pick<ChatRequest, 'tools' | 'tool_choice' | 'parallel_tool_calls'>): AnthropicTools {
  const { tools, tool_choice: choice, parallel_tool_calls: parallel } = request;
  if (!tools || tools.length === 0) return {};
  const converted = tools.map((tool, i): Tool => {
    if (tool.type !== 'function') throw GatewayError.invalidRequest('Custom tools are not supported by this provider.', `tools[${i}]`);
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
  else throw GatewayError.invalidRequest(`tool_choice of type "${choice.type}" is not supported by this provider.`, 'tool_choice');
  return { tools: converted, ...(toolChoice ? { tool_choice: toolChoice } : {}) };
}
