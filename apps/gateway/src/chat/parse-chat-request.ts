import { z } from 'zod';
import { GatewayError, type ChatRequest } from '../../../../libs/core/src';
import { isPlainChatRequest } from './plain-chat-request';

/**
 * Validates a Chat Completions body at the edge, loosely (unknown fields pass through to the
 * provider adapter, which translates or rejects them), and reports the first problem with its
 * path in `param`, as OpenAI does.
 */
const textPart = z.object({ type: z.literal('text'), text: z.string() }).passthrough();
const imagePart = z.object({ type: z.literal('image_url'), image_url: z.object({ url: z.string().min(1) }).passthrough() }).passthrough();
const audioPart = z.object({ type: z.literal('input_audio'), input_audio: z.object({ data: z.string(), format: z.string() }) }).passthrough();
const filePart = z.object({ type: z.literal('file'), file: z.record(z.unknown()) }).passthrough();
const refusalPart = z.object({ type: z.literal('refusal'), refusal: z.string() }).passthrough();
const userContent = z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart, imagePart, audioPart, filePart])).min(1)]);
const textContent = z.union([z.string(), z.array(textPart).min(1)]);

const functionToolCall = z
  .object({
    id: z.string().min(1),
    type: z.literal('function'),
    function: z.object({ name: z.string().min(1), arguments: z.string() }).passthrough(),
  })
  .passthrough();
/** A call to a custom tool: free-text `input` instead of JSON `arguments`. */
const customToolCall = z
  .object({
    id: z.string().min(1),
    type: z.literal('custom'),
    custom: z.object({ name: z.string().min(1), input: z.string() }).passthrough(),
  })
  .passthrough();
const toolCall = z.discriminatedUnion('type', [functionToolCall, customToolCall]);

const message = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: textContent, name: z.string().optional() }).passthrough(),
  z.object({ role: z.literal('developer'), content: textContent, name: z.string().optional() }).passthrough(),
  z.object({ role: z.literal('user'), content: userContent, name: z.string().optional() }).passthrough(),
  z
    .object({
      role: z.literal('assistant'),
      content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart, refusalPart])), z.null()]).optional(),
      tool_calls: z.array(toolCall).optional(),
      refusal: z.string().nullable().optional(),
      name: z.string().optional(),
    })
    .passthrough(),
  z.object({ role: z.literal('tool'), content: textContent, tool_call_id: z.string().min(1) }).passthrough(),
]);

const toolName = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, underscores or dashes');

const functionTool = z
  .object({
    type: z.literal('function'),
    function: z
      .object({
        name: toolName,
        description: z.string().optional(),
        parameters: z.record(z.unknown()).optional(),
        strict: z.boolean().nullable().optional(),
      })
      .passthrough(),
  })
  .passthrough();

/** A custom tool: the model writes free text, or text in a grammar (Lark or a regex). */
const customTool = z
  .object({
    type: z.literal('custom'),
    custom: z
      .object({
        name: toolName,
        description: z.string().optional(),
        format: z
          .discriminatedUnion('type', [
            z.object({ type: z.literal('text') }).passthrough(),
            z.object({ type: z.literal('grammar'), grammar: z.object({ definition: z.string(), syntax: z.enum(['lark', 'regex']) }).passthrough() }).passthrough(),
          ])
          .optional(),
      })
      .passthrough(),
  })
  .passthrough();

const namedFunction = z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) });
const namedCustom = z.object({ type: z.literal('custom'), custom: z.object({ name: z.string() }) });

/** Restricts the model to some of the declared tools while the whole list is still sent (prompt caching). */
const allowedToolsChoice = z.object({
  type: z.literal('allowed_tools'),
  allowed_tools: z.object({ mode: z.enum(['auto', 'required']), tools: z.array(z.discriminatedUnion('type', [namedFunction.passthrough(), namedCustom.passthrough()])) }),
});

const responseFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({ name: z.string().min(1).max(64), description: z.string().optional(), schema: z.record(z.unknown()).optional(), strict: z.boolean().nullable().optional() }),
  }),
]);

export const chatRequestSchema = z
  .object({
    model: z.string().min(1),
    messages: z.array(message).min(1).max(10_000),
    stream: z.boolean().nullable().optional(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).passthrough().nullable().optional(),
    tools: z.array(z.discriminatedUnion('type', [functionTool, customTool])).max(128).optional(),
    tool_choice: z.union([z.enum(['none', 'auto', 'required']), namedFunction, namedCustom, allowedToolsChoice]).optional(),
    parallel_tool_calls: z.boolean().optional(),
    response_format: responseFormat.optional(),
    max_tokens: z.number().int().positive().nullable().optional(),
    max_completion_tokens: z.number().int().positive().nullable().optional(),
    temperature: z.number().min(0).max(2).nullable().optional(),
    top_p: z.number().min(0).max(1).nullable().optional(),
    n: z.number().int().min(1).max(128).nullable().optional(),
    stop: z.union([z.string(), z.array(z.string()).max(4)]).nullable().optional(),
    presence_penalty: z.number().min(-2).max(2).nullable().optional(),
    frequency_penalty: z.number().min(-2).max(2).nullable().optional(),
    seed: z.number().int().nullable().optional(),
    user: z.string().optional(),
    metadata: z.record(z.string()).nullable().optional(),
  })
  .passthrough();

export function parseChatRequest(body: unknown): ChatRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw GatewayError.invalidRequest('The request body must be a JSON object.', null, 'invalid_body');
  }
  // Text messages and plain parameters need no copy: checked by hand, passed on as they are.
  if (isPlainChatRequest(body as Record<string, unknown>)) return body as ChatRequest;
  const parsed = chatRequestSchema.safeParse(body);
  if (!parsed.success) throw issueError(parsed.error.issues[0], body);
  checkToolFields(parsed.data);
  return parsed.data as unknown as ChatRequest;
}

/**
 * A validation issue as OpenAI reports it: the path in `param` (`messages[0].content`), a missing
 * field as `missing_required_parameter`. `within` is where `body` sits in the request, when it is a part of it.
 */
export function issueError(issue: z.ZodIssue, body: unknown, within: Array<string | number> = []): GatewayError {
  const path = [...within, ...issue.path];
  const param = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || null;
  const missing = (issue.code === 'invalid_type' && issue.received === 'undefined') || (issue.code === 'invalid_union' && isMissing(body, issue.path));
  const message = missing ? `Missing required parameter: '${param}'.` : `Invalid value for '${param ?? 'body'}': ${issue.message}`;
  return GatewayError.invalidRequest(message, param, missing ? 'missing_required_parameter' : 'invalid_value');
}

type ToolRef = { type: 'function'; function: { name: string } } | { type: 'custom'; custom: { name: string } };

/**
 * What OpenAI refuses about `tools` and `tool_choice` together, refused here for every provider: the
 * native adapters would drop a lone `tool_choice` or an empty `tools`, and translate an allowed_tools
 * choice by its names, so the answer would depend on which model the route drew. Same messages,
 * params and status as OpenAI.
 */
function checkToolFields(request: { tools?: ToolRef[]; tool_choice?: string | ToolRef | { type: 'allowed_tools'; allowed_tools: { tools: ToolRef[] } } }): void {
  if (request.tools !== undefined && request.tools.length === 0) {
    throw GatewayError.invalidRequest("Invalid 'tools': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'tools', 'empty_array');
  }
  const choice = request.tool_choice;
  if (choice === undefined) return;
  if (request.tools === undefined) {
    throw GatewayError.invalidRequest("Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.", 'tool_choice', 'invalid_value');
  }
  if (typeof choice === 'string') return;
  const declared = new Set(request.tools.map(toolKey));
  const named = choice.type === 'allowed_tools' ? choice.allowed_tools.tools : [choice];
  if (choice.type === 'allowed_tools' && named.length === 0) {
    throw GatewayError.invalidRequest(
      "Invalid 'tool_choice.allowed_tools.tools': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'tool_choice.allowed_tools.tools',
      'empty_array',
    );
  }
  const unknown = named.find((ref) => !declared.has(toolKey(ref)));
  // OpenAI's words for a tool choice naming no declared tool, as public captures of its Responses API
  // show them (param `tool_choice`, no code); not checked against a live Chat Completions answer.
  if (unknown) throw GatewayError.invalidRequest(`Tool choice '${toolRefName(unknown)}' not found in 'tools' parameter.`, 'tool_choice');
}

function toolRefName(ref: ToolRef): string {
  return ref.type === 'function' ? ref.function.name : ref.custom.name;
}

/** A tool, or a reference to one, by kind and name: a function and a custom tool may share a name. */
function toolKey(ref: ToolRef): string {
  return `${ref.type}:${toolRefName(ref)}`;
}

function isMissing(body: unknown, path: Array<string | number>): boolean {
  let node: unknown = body;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return true;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node === undefined;
}
