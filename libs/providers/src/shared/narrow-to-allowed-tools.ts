import type { ChatCompletionAllowedToolChoice } from 'openai/resources/chat/completions';
import type { ChatRequest, ChatTool } from '../../../core/src';

type ToolKind = ChatTool['type'];

/**
 * The names `allowed_tools` lets the model call, of one kind of tool (a function and a custom tool may
 * share a name). The gateway checked at the edge that each names a declared tool.
 * https://platform.openai.com/docs/api-reference/chat/create#chat-create-tool_choice
 */
export function allowedToolNames(choice: ChatCompletionAllowedToolChoice, kind: ToolKind): string[] {
  return choice.allowed_tools.tools.flatMap((ref) => {
    const named = ref[kind] as { name?: unknown } | undefined;
    return ref.type === kind && typeof named?.name === 'string' ? [named.name] : [];
  });
}

/**
 * OpenAI's `allowed_tools` tool choice, for an upstream that has no such thing: only the allowed tools
 * are offered, and the choice becomes its mode (`auto`, or `required`). The model can then call
 * nothing else; what is lost is OpenAI's reason for the form, a prompt cache keyed on the full list.
 * Any other request comes back as it is (the same object).
 */
export function narrowToAllowedTools<R extends Pick<ChatRequest, 'tools' | 'tool_choice'>>(request: R): R {
  const choice = request.tool_choice;
  if (typeof choice !== 'object' || choice.type !== 'allowed_tools' || !request.tools) return request;
  const allowed = { function: new Set(allowedToolNames(choice, 'function')), custom: new Set(allowedToolNames(choice, 'custom')) };
  const tools = request.tools.filter((tool) => allowed[tool.type].has(tool.type === 'function' ? tool.function.name : tool.custom.name));
  return { ...request, tools, tool_choice: choice.allowed_tools.mode };
}
