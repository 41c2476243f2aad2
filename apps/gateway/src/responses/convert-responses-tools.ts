import type { ChatRequest, ChatTool } from '../../../../libs/core/src';
import type { FunctionToolParam, ToolChoiceParam } from './parse-responses-request';

/** Responses' flat function tool (`{ type, name, description, parameters, strict }`) as a chat tool. */
export function convertResponsesTools(tools: FunctionToolParam[]): ChatTool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description != null ? { description: tool.description } : {}),
      ...(tool.parameters != null ? { parameters: tool.parameters } : {}),
      ...(tool.strict != null ? { strict: tool.strict } : {}),
    },
  }));
}

/** `auto` / `none` / `required` as they are; a named function or an allowed-tools list in chat's nesting. */
export function convertToolChoice(choice: ToolChoiceParam): NonNullable<ChatRequest['tool_choice']> {
  if (typeof choice === 'string') return choice;
  if (choice.type === 'function') return { type: 'function', function: { name: choice.name } };
  return { type: 'allowed_tools', allowed_tools: { mode: choice.mode, tools: choice.tools.map((t) => ({ type: 'function', function: { name: t.name } })) } };
}
