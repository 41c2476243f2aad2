import { z } from 'zod';
import { GatewayError } from '../../../../libs/core/src';
import { issueError } from '../chat/parse-chat-request';

/**
 * Validates a Responses API body (https://platform.openai.com/docs/api-reference/responses/create)
 * at the edge, for the stateless subset the gateway serves: every field it does not serve is a 400
 * naming it, never silently dropped, and every problem is reported with its path in `param`.
 */

const inputText = z.object({ type: z.literal('input_text'), text: z.string() }).passthrough();
const inputImage = z
  .object({ type: z.literal('input_image'), image_url: z.string().min(1), detail: z.enum(['low', 'high', 'auto']).nullable().optional() })
  .passthrough();
/**
 * A file sent in the request (https://platform.openai.com/docs/guides/pdf-files): its content in
 * `file_data`, a base64 data URL. A file by id or by URL is refused by name: nothing is uploaded to a
 * stateless gateway, and it fetches nothing on a client's behalf.
 */
const fileElsewhere = (what: string) =>
  `a file ${what} is not supported: this gateway's Responses API keeps no uploaded files and fetches none; send the file's content in 'file_data' (a base64 data URL).`;
const inputFile = z
  .object({
    type: z.literal('input_file'),
    file_id: z.null({ invalid_type_error: fileElsewhere('by id') }).optional(),
    file_url: z.undefined({ invalid_type_error: fileElsewhere('by URL') }),
    file_data: z.string().regex(/^data:[^;,]+;base64,/, "must be a base64 data URL ('data:application/pdf;base64,...')"),
    filename: z.string().optional(),
    detail: z.enum(['low', 'high', 'auto']).optional(),
  })
  .passthrough();
const outputText = z.object({ type: z.literal('output_text'), text: z.string() }).passthrough();
const refusal = z.object({ type: z.literal('refusal'), refusal: z.string() }).passthrough();

/**
 * A message's content is a string or a list of parts: one schema for each, picked by what was sent,
 * so that a bad part is named by its path (`input[0].content[1].type`) rather than "invalid input".
 */
function messageSchemas<R extends z.ZodTypeAny, P extends z.ZodTypeAny>(role: R, parts: P) {
  const message = <C extends z.ZodTypeAny>(content: C) => z.object({ type: z.literal('message').optional(), role, content }).passthrough();
  return { text: message(z.string()), parts: message(parts) };
}
const userMessage = messageSchemas(z.literal('user'), z.array(z.discriminatedUnion('type', [inputText, inputImage, inputFile])).min(1));
/** System and developer messages take text only (as in Chat Completions). */
const instructionMessage = messageSchemas(z.enum(['system', 'developer']), z.array(z.discriminatedUnion('type', [inputText])).min(1));
/** An earlier answer sent back: an easy message or the output item as the API gave it (id, status). */
const assistantMessage = messageSchemas(z.literal('assistant'), z.array(z.discriminatedUnion('type', [outputText, refusal])));
const functionCall = z
  .object({ type: z.literal('function_call'), call_id: z.string().min(1), name: z.string().min(1), arguments: z.string() })
  .passthrough();
const functionCallOutput = z
  .object({ type: z.literal('function_call_output'), call_id: z.string().min(1), output: z.union([z.string(), z.array(inputText)]) })
  .passthrough();

/**
 * An earlier answer's reasoning, sent back as the response gave it: only its `encrypted_content` is
 * read (convert-input-to-messages.ts); its summary is for display.
 */
const reasoning = z
  .object({
    type: z.literal('reasoning'),
    id: z.string().optional(),
    summary: z.array(z.object({ type: z.literal('summary_text'), text: z.string() }).passthrough()),
    encrypted_content: z.string().nullable().optional(),
  })
  .passthrough();

export type UserMessage = z.infer<typeof userMessage.text | typeof userMessage.parts> & { type: 'message' };
export type InstructionMessage = z.infer<typeof instructionMessage.text | typeof instructionMessage.parts> & { type: 'message' };
export type AssistantMessage = z.infer<typeof assistantMessage.text | typeof assistantMessage.parts> & { type: 'message' };
export type FunctionCallItem = z.infer<typeof functionCall>;
export type FunctionCallOutputItem = z.infer<typeof functionCallOutput>;
export type ReasoningItem = z.infer<typeof reasoning>;
export type InputItem = UserMessage | InstructionMessage | AssistantMessage | FunctionCallItem | FunctionCallOutputItem | ReasoningItem;

const functionTool = z
  .object({
    type: z.literal('function'),
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, underscores or dashes'),
    description: z.string().nullable().optional(),
    parameters: z.record(z.unknown()).nullable().optional(),
    strict: z.boolean().nullable().optional(),
  })
  .passthrough();
export type FunctionToolParam = z.infer<typeof functionTool>;

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), name: z.string().min(1) }),
  z.object({ type: z.literal('allowed_tools'), mode: z.enum(['auto', 'required']), tools: z.array(z.object({ type: z.literal('function'), name: z.string().min(1) }).passthrough()).min(1) }),
]);
export type ToolChoiceParam = z.infer<typeof toolChoice>;

const textFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    name: z.string().min(1).max(64),
    schema: z.record(z.unknown()),
    description: z.string().optional(),
    strict: z.boolean().nullable().optional(),
  }),
]);
export type TextFormatParam = z.infer<typeof textFormat>;

const reasoningSummary = z.enum(['auto', 'concise', 'detailed']).nullable().optional();

const requestSchema = z.object({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.unknown()).min(1)]),
  instructions: z.string().nullable().optional(),
  tools: z.array(z.unknown()).max(128).optional(),
  tool_choice: toolChoice.optional(),
  text: z.object({ format: textFormat.optional(), verbosity: z.enum(['low', 'medium', 'high']).nullable().optional() }).optional(),
  max_output_tokens: z.number().int().positive().nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  parallel_tool_calls: z.boolean().nullable().optional(),
  metadata: z.record(z.string()).nullable().optional(),
  user: z.string().optional(),
  safety_identifier: z.string().nullable().optional(),
  prompt_cache_key: z.string().nullable().optional(),
  service_tier: z.enum(['auto', 'default', 'flex', 'scale', 'priority']).nullable().optional(),
  reasoning: z
    .object({
      effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullable().optional(),
      /** Asks for the reasoning's summary in the `reasoning` item (to-reasoning-item.ts); `generate_summary` is its deprecated name. */
      summary: reasoningSummary,
      generate_summary: reasoningSummary,
    })
    .passthrough()
    .nullable()
    .optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: z.object({ include_obfuscation: z.boolean().optional() }).nullable().optional(),
  // Accepted and ignored: nothing is kept (stateless), nothing extra is returned, nothing is truncated.
  store: z.boolean().nullable().optional(),
  include: z.array(z.string()).nullable().optional(),
  truncation: z.enum(['auto', 'disabled']).nullable().optional(),
  background: z.boolean().nullable().optional(),
  /** The gateway's own extension (docs/fallbacks.md), passed on to the chat pipeline. */
  x_router: z.unknown().optional(),
});

export type ResponsesBody = Omit<z.infer<typeof requestSchema>, 'input' | 'tools'> & { input: string | InputItem[]; tools?: FunctionToolParam[] };

/** Fields that need state the gateway does not keep: what they refer to was never stored. */
const STATEFUL = ['previous_response_id', 'conversation', 'prompt'] as const;
/** Fields of the Responses API the gateway does not serve. */
const UNSERVED = ['top_logprobs', 'context_management', 'moderation', 'prompt_cache_retention', 'prompt_cache_options'] as const;
/** Every field the API defines: a stateful or unserved one that says nothing (null) is no request for it. */
const KNOWN = new Set<string>([...Object.keys(requestSchema.shape), ...STATEFUL, ...UNSERVED]);

export function parseResponsesRequest(body: unknown): ResponsesBody {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw GatewayError.invalidRequest('The request body must be a JSON object.', null, 'invalid_body');
  }
  const fields = body as Record<string, unknown>;
  checkServedFields(fields);
  const parsed = requestSchema.safeParse(fields);
  if (!parsed.success) throw issueError(parsed.error.issues[0], fields);
  const { input: rawInput, tools: rawTools, ...rest } = parsed.data;
  const input = typeof rawInput === 'string' ? rawInput : rawInput.map((item, i) => parseInputItem(item, i));
  const tools = rawTools?.map((tool, i) => parseTool(tool, i));
  checkToolChoice(rest.tool_choice, tools);
  return { ...rest, input, ...(tools ? { tools } : {}) };
}

function checkServedFields(fields: Record<string, unknown>): void {
  for (const name of STATEFUL) {
    if (fields[name] != null) {
      throw unsupported(name, `'${name}' is not supported: this gateway's Responses API is stateless and keeps no responses or conversations. Send the whole conversation in 'input'.`);
    }
  }
  if (fields.background === true) throw unsupported('background', "'background' is not supported: this gateway's Responses API is stateless; every response is answered in the request that asks for it.");
  for (const name of UNSERVED) {
    if (fields[name] != null) throw unsupported(name, `'${name}' is not supported by this gateway's Responses API.`);
  }
  for (const name of Object.keys(fields)) {
    if (!KNOWN.has(name)) throw GatewayError.invalidRequest(`Unknown parameter: '${name}'.`, name, 'unknown_parameter');
  }
}

function unsupported(param: string, message: string): GatewayError {
  return GatewayError.invalidRequest(message, param, 'unsupported_parameter');
}

/** An item's kind: a message may leave its `type` out (the "easy" form). */
function parseInputItem(item: unknown, index: number): InputItem {
  const within = ['input', index];
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    throw GatewayError.invalidRequest(`Invalid type for 'input[${index}]': expected an object.`, `input[${index}]`, 'invalid_type');
  }
  const { type, role, content } = item as { type?: unknown; role?: unknown; content?: unknown };
  const message = role === 'assistant' ? assistantMessage : role === 'system' || role === 'developer' ? instructionMessage : userMessage;
  const schema =
    type === undefined || type === 'message'
      ? Array.isArray(content)
        ? message.parts
        : message.text
      : type === 'function_call'
        ? functionCall
        : type === 'function_call_output'
          ? functionCallOutput
          : type === 'reasoning'
            ? reasoning
            : undefined;
  if (!schema) {
    const stateful = type === 'item_reference' ? ' (items are not stored: send the item itself)' : '';
    throw GatewayError.invalidRequest(
      `Invalid value for 'input[${index}].type': ${JSON.stringify(type)} is not supported${stateful}. This gateway's Responses API takes 'message', 'function_call', 'function_call_output' and 'reasoning' items.`,
      `input[${index}].type`,
      'invalid_value',
    );
  }
  const parsed = schema.safeParse(item);
  if (!parsed.success) throw issueError(parsed.error.issues[0], item, within);
  return (parsed.data.type === undefined ? { ...parsed.data, type: 'message' } : parsed.data) as InputItem;
}

function parseTool(tool: unknown, index: number): FunctionToolParam {
  const type = (tool as { type?: unknown } | null)?.type;
  if (type !== 'function') {
    throw GatewayError.invalidRequest(
      `Invalid value for 'tools[${index}].type': ${JSON.stringify(type)} is not supported. This gateway's Responses API serves function tools only; built-in tools (web search, file search, ...) run nowhere here.`,
      `tools[${index}].type`,
      type === undefined ? 'missing_required_parameter' : 'unsupported_value',
    );
  }
  const parsed = functionTool.safeParse(tool);
  if (!parsed.success) throw issueError(parsed.error.issues[0], tool, ['tools', index]);
  return parsed.data;
}

/** What OpenAI refuses about `tool_choice`: a choice without tools, or naming no declared tool. */
function checkToolChoice(choice: ToolChoiceParam | undefined, tools: FunctionToolParam[] | undefined): void {
  if (choice === undefined || typeof choice === 'string') return;
  if (!tools) throw GatewayError.invalidRequest("Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.", 'tool_choice', 'invalid_value');
  const declared = new Set(tools.map((t) => t.name));
  const named = choice.type === 'allowed_tools' ? choice.tools : [choice];
  const unknown = named.find((ref) => !declared.has(ref.name));
  if (unknown) throw GatewayError.invalidRequest(`Tool choice '${unknown.name}' not found in 'tools' parameter.`, 'tool_choice');
}
