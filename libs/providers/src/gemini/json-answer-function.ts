import { GatewayError, type ChatRequest } from '../../../core/src';
import { convertJsonSchemaToGemini } from './convert-json-schema-to-gemini';
import type { GeminiFunctionDeclaration, GeminiRequestBody } from './gemini-api';
import { isGemini2OrOlder } from './is-gemini-2-or-older';

type JsonRequest = Pick<ChatRequest, 'model' | 'tools' | 'tool_choice' | 'response_format'>;
type GeminiTools = Pick<GeminiRequestBody, 'tools' | 'toolConfig'>;

/**
 * How a JSON `response_format` is sent to Gemini (`none`: the request asks for no JSON).
 * - `native`: `responseMimeType` (+ `responseSchema`): without function tools, and on Gemini 3 and
 *   later, which take both.
 * - `dropped`: the tool choice forces a function call (`required`, a named function, `allowed_tools`
 *   `required`): the turn can only end in a call, which no response format governs, so none is sent
 *   (Gemini 2.x would refuse it beside tools).
 * - `function`: json_schema on Gemini 2.x, which refuses a JSON response with function tools ("Function
 *   calling with a response mime type: 'application/json' is unsupported"): the answer is asked for as
 *   a call of one more function, named after the schema (addJsonAnswerFunction).
 * - `refused`: json_object on Gemini 2.x. A function's parameters cannot be "any object" in Gemini's
 *   schema subset (an OBJECT needs properties, `additionalProperties` is not in it), so a function would
 *   only ever answer `{}`: a 400 on `response_format`, and a route serves the request from another model.
 */
export type JsonFormatPlan = 'none' | 'native' | 'dropped' | 'function' | 'refused';

export function planJsonFormat(request: JsonRequest): JsonFormatPlan {
  const format = request.response_format?.type;
  if (format !== 'json_object' && format !== 'json_schema') return 'none';
  if (!request.tools?.length || !isGemini2OrOlder(request.model)) return 'native';
  const choice = request.tool_choice;
  if (choice === 'required' || (typeof choice === 'object' && (choice.type === 'function' || (choice.type === 'allowed_tools' && choice.allowed_tools.mode === 'required')))) {
    return 'dropped';
  }
  return format === 'json_schema' ? 'function' : 'refused';
}

/** The function whose call carries the answer (its args are the JSON answer), when the request is sent with one. */
export function jsonAnswerFunctionName(request: JsonRequest): string | undefined {
  return planJsonFormat(request) === 'function' && request.response_format?.type === 'json_schema' ? request.response_format.json_schema.name : undefined;
}

/**
 * json_schema beside function tools on Gemini 2.x: the schema becomes the parameters of one more function,
 * named after it, whose call is the answer (returned as the message `content` with `finish_reason: stop`:
 * convert-gemini-response.ts). The same emulation as Claude's (docs/providers.md).
 * The mode is ANY (https://ai.google.dev/api/caching#FunctionCallingConfig: "constrained to always
 * predicting function calls only"): every turn ends in a function call, a real tool's or the answer's.
 * Under AUTO (or VALIDATED, which also allows text) the model could answer in text, which nothing would
 * hold to the schema, since Gemini 2.x takes no responseSchema beside tools. The answer's arguments follow
 * the schema as any function's arguments do: `strict` is not enforced beyond that.
 * `auto` (or none given) and `allowed_tools` `auto`: the declared functions and the answer's, ANY.
 * `none`: the answer's function alone, ANY (the model may call no tool, and must answer).
 * A forced choice never gets here (planJsonFormat: `dropped`).
 */
export function addJsonAnswerFunction(request: JsonRequest, tools: GeminiTools): GeminiTools {
  const format = request.response_format;
  if (format?.type !== 'json_schema') return tools;
  const { name, description, schema } = format.json_schema;
  const declared = tools.tools?.flatMap((tool) => tool.functionDeclarations) ?? [];
  if ((request.tools ?? []).some((tool) => tool.type === 'function' && tool.function.name === name)) {
    throw GatewayError.invalidRequest(`response_format.json_schema.name "${name}" collides with a tool of the same name.`, 'response_format');
  }
  if (!/^[A-Za-z_]/.test(name)) {
    // OpenAI takes a schema name starting with a digit or a dash; a Gemini function name must start with a letter or an underscore.
    throw GatewayError.invalidRequest(
      `response_format.json_schema.name "${name}" cannot name a Gemini function (it must start with a letter or an underscore), which Gemini 2.x models need to answer it beside tools.`,
      'response_format',
      'unsupported_value',
    );
  }
  const parameters = schema ? convertJsonSchemaToGemini({ type: 'object', ...schema }, 'response_format.json_schema.schema') : undefined;
  if (!parameters || parameters.type !== 'object' || Object.keys(parameters.properties ?? {}).length === 0) {
    // Gemini's function parameters are an OBJECT with properties; an answer of another shape has no function to carry it.
    throw GatewayError.invalidRequest(
      'response_format json_schema together with tools needs an object schema with properties on Gemini 2.x models (Gemini 3 and later take any schema).',
      'response_format',
      'unsupported_value',
    );
  }
  const answer: GeminiFunctionDeclaration = {
    name,
    description:
      `${description ? `${description}\n\n` : ''}Give your final answer by calling this function, its arguments structured by the "${name}" schema, ` +
      'once no other function needs to be called. Do not answer in text.',
    parameters,
  };
  const functionDeclarations = request.tool_choice === 'none' ? [answer] : [...declared, answer];
  return { tools: [{ functionDeclarations }], toolConfig: { functionCallingConfig: { mode: 'ANY' } } };
}
