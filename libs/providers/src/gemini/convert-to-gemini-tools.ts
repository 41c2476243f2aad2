import { GatewayError, type ChatRequest } from '../../../core/src';
import { convertJsonSchemaToGemini, isEmptyObjectSchema } from './convert-json-schema-to-gemini';
import type { GeminiFunctionDeclaration, GeminiRequestBody } from './gemini-api';
import { allowedToolNames } from '../shared/narrow-to-allowed-tools';

/**
 * OpenAI `tools` / `tool_choice` -> Gemini `functionDeclarations` / `toolConfig`.
 * https://ai.google.dev/gemini-api/docs/function-calling#function_calling_modes
 * `none` -> NONE, `auto` -> AUTO, `required` -> ANY, a named function -> ANY limited to that name.
 * `allowed_tools`: `required` -> ANY limited to the allowed names (every function still declared);
 * `auto` -> AUTO with only the allowed functions declared, as Gemini honours `allowedFunctionNames`
 * with ANY alone (https://ai.google.dev/api/caching#FunctionCallingConfig).
 * Gemini cannot be told to call at most one function, so `parallel_tool_calls: false` is refused;
 * custom tools (free-text input) have no counterpart and are refused too.
 */
export function convertToGeminiTools(request: Pick<ChatRequest, 'tools' | 'tool_choice' | 'parallel_tool_calls'>): Pick<GeminiRequestBody, 'tools' | 'toolConfig'> {
  const { tools, tool_choice: choice } = request;
  if (!tools || tools.length === 0) return {};
  if (request.parallel_tool_calls === false) {
    throw GatewayError.invalidRequest('parallel_tool_calls: false is not supported by Gemini models.', 'parallel_tool_calls', 'unsupported_parameter');
  }
  const functionDeclarations = tools.map((tool, i): GeminiFunctionDeclaration => {
    if (tool.type !== 'function') throw GatewayError.invalidRequest('Custom tools are not supported by Gemini models.', `tools[${i}]`, 'unsupported_parameter');
    const fn = tool.function;
    return {
      name: fn.name,
      ...(fn.description ? { description: fn.description } : {}),
      ...(isEmptyObjectSchema(fn.parameters) ? {} : { parameters: convertJsonSchemaToGemini(fn.parameters ?? {}, `tools[${i}].function.parameters`) }),
    };
  });
  let declared = functionDeclarations;
  let toolConfig: GeminiRequestBody['toolConfig'];
  if (choice === 'none') toolConfig = { functionCallingConfig: { mode: 'NONE' } };
  else if (choice === 'auto') toolConfig = { functionCallingConfig: { mode: 'AUTO' } };
  else if (choice === 'required') toolConfig = { functionCallingConfig: { mode: 'ANY' } };
  else if (choice?.type === 'function') toolConfig = { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.function.name] } };
  else if (choice?.type === 'allowed_tools') {
    const allowed = allowedToolNames(choice, 'function');
    if (choice.allowed_tools.mode === 'required') toolConfig = { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: allowed } };
    else {
      declared = functionDeclarations.filter((d) => allowed.includes(d.name));
      toolConfig = { functionCallingConfig: { mode: 'AUTO' } };
    }
  } else if (choice) throw GatewayError.invalidRequest(`tool_choice of type "${choice.type}" is not supported by Gemini models.`, 'tool_choice', 'unsupported_parameter');
  return { tools: [{ functionDeclarations: declared }], ...(toolConfig ? { toolConfig } : {}) };
}
