import { GatewayError, type ChatRequest } from '../../../core/src';
import type { ToolForm } from '../provider-settings';
import { narrowToAllowedTools } from '../shared/narrow-to-allowed-tools';

/**
 * OpenAI's newer tool forms, for a Chat Completions host that may not know them. What the host takes
 * (`ProviderSettings.toolForms`: OpenAI's preset lists both) goes out as it is. Otherwise an
 * `allowed_tools` choice becomes the allowed tools alone with its mode, which every host understands;
 * and custom tools, a custom choice or custom calls in the history are refused (400, code
 * `unsupported_parameter`) before any call, so the route serves the request from a model that can:
 * a host that ignored them would answer as if the tool did not exist.
 * https://platform.openai.com/docs/guides/function-calling#custom-tools
 */
export function adaptToolForms(request: ChatRequest, accepted: readonly ToolForm[]): ChatRequest {
  if (!accepted.includes('custom_tools')) refuseCustomTools(request);
  if (!accepted.includes('allowed_tools')) return narrowToAllowedTools(request);
  return request;
}

function refuseCustomTools(request: ChatRequest): void {
  const unsupported = (what: string, param: string) => GatewayError.invalidRequest(`${what} are not supported by this provider.`, param, 'unsupported_parameter');
  request.tools?.forEach((tool, i) => {
    if (tool.type === 'custom') throw unsupported('Custom tools', `tools[${i}]`);
  });
  if (typeof request.tool_choice === 'object' && request.tool_choice.type === 'custom') throw unsupported('Custom tool choices', 'tool_choice');
  request.messages.forEach((message, i) => {
    if (message.role !== 'assistant') return;
    message.tool_calls?.forEach((call, j) => {
      if (call.type === 'custom') throw unsupported('Custom tool calls', `messages[${i}].tool_calls[${j}]`);
    });
  });
}
