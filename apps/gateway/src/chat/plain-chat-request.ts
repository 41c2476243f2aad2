/**
 * The common shape of a Chat Completions body, checked by hand: text messages and plain sampling
 * parameters. Most requests look like this, and for them the zod schema (parse-chat-request.ts)
 * would only copy the body. Anything else (tools, structured output, content parts, an unusual
 * value) answers false and goes through the schema, which also writes the error messages.
 *
 * It must never accept a body the schema would reject or change: a property test
 * (plain-chat-request.spec.ts) checks exactly that against the schema.
 */
export function isPlainChatRequest(body: Record<string, unknown>): boolean {
  if (typeof body.model !== 'string' || body.model.length === 0) return false;
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0 || messages.length > 10_000) return false;
  for (const m of messages) if (!isPlainMessage(m)) return false;
  for (const key in body) {
    if (!plainField(key, body[key])) return false;
  }
  return true;
}

const ROLES = new Set(['system', 'developer', 'user', 'assistant']);

function isPlainMessage(m: unknown): boolean {
  if (m === null || typeof m !== 'object' || Array.isArray(m)) return false;
  const message = m as Record<string, unknown>;
  if (typeof message.role !== 'string' || !ROLES.has(message.role) || typeof message.content !== 'string') return false;
  for (const key in message) {
    if (key === 'role' || key === 'content') continue;
    if (key === 'name' && typeof message.name === 'string') continue;
    return false;
  }
  return true;
}

const isNullish = (v: unknown) => v === null;
const numberIn = (v: unknown, min: number, max: number) => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
const intIn = (v: unknown, min: number, max: number) => numberIn(v, min, max) && Number.isInteger(v);

/** Fields the schema knows, with the values it takes unchanged; unknown fields pass through untouched. */
function plainField(key: string, v: unknown): boolean {
  switch (key) {
    case 'model':
    case 'messages':
      return true; // checked above
    case 'stream':
      return typeof v === 'boolean' || isNullish(v);
    case 'max_tokens':
    case 'max_completion_tokens':
      return intIn(v, 1, Number.MAX_SAFE_INTEGER) || isNullish(v);
    case 'temperature':
      return numberIn(v, 0, 2) || isNullish(v);
    case 'top_p':
      return numberIn(v, 0, 1) || isNullish(v);
    case 'n':
      return intIn(v, 1, 128) || isNullish(v);
    case 'presence_penalty':
    case 'frequency_penalty':
      return numberIn(v, -2, 2) || isNullish(v);
    case 'seed':
      return intIn(v, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER) || isNullish(v);
    case 'user':
      return typeof v === 'string';
    case 'parallel_tool_calls':
      return typeof v === 'boolean';
    case 'stop':
      return typeof v === 'string' || isNullish(v) || (Array.isArray(v) && v.length <= 4 && v.every((s) => typeof s === 'string'));
    case 'metadata':
      return isNullish(v) || isStringRecord(v);
    case 'stream_options':
      return isNullish(v) || (isObject(v) && !Object.prototype.hasOwnProperty.call(v, '__proto__') && (v.include_usage === undefined || typeof v.include_usage === 'boolean'));
    case 'tools':
    case 'tool_choice':
    case 'response_format':
      return false; // structured: the schema checks (and for some, strips) them
    default:
      return key !== '__proto__';
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isStringRecord(v: unknown): boolean {
  if (!isObject(v)) return false;
  for (const key in v) if (key === '__proto__' || typeof v[key] !== 'string') return false;
  return true;
}
