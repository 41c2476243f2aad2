import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { ScoringInput, ValidatorResult } from '../scoring-input';

const ajv = new Ajv({ allErrors: false, strict: false });
addFormats(ajv);
const compiled = new Map<string, ValidateFunction>();

/** Compiles a JSON schema once per distinct schema text. */
function compile(schema: Record<string, unknown>): ValidateFunction | string {
  const key = JSON.stringify(schema);
  const hit = compiled.get(key);
  if (hit) return hit;
  try {
    const fn = ajv.compile(schema);
    if (compiled.size > 1000) compiled.clear();
    compiled.set(key, fn);
    return fn;
  } catch (err) {
    return `schema does not compile: ${(err as Error).message}`;
  }
}

/** The answer is not empty: some text, or at least one tool call. */
export function nonEmpty(input: ScoringInput): ValidatorResult {
  const passed = (input.response.content ?? '').trim().length > 0 || input.response.toolCalls.length > 0;
  return { validator: 'non_empty', passed, detail: passed ? undefined : 'empty answer' };
}

/** The model stopped on its own rather than at the token limit. */
export function notTruncated(input: ScoringInput): ValidatorResult {
  const passed = input.response.finishReason !== 'length';
  return { validator: 'truncation', passed, detail: passed ? undefined : 'finish_reason is length' };
}

/** When `response_format` asks for JSON: the content parses, and conforms to the schema when one is given. */
export function jsonConforms(input: ScoringInput): ValidatorResult | undefined {
  const format = input.request.responseFormat;
  if (!format || format.type === 'text' || input.response.toolCalls.length > 0) return undefined;
  const name = format.type === 'json_schema' ? 'json_schema' : 'json_valid';
  let value: unknown;
  try {
    value = JSON.parse(input.response.content ?? '');
  } catch {
    return { validator: name, passed: false, detail: 'content is not valid JSON' };
  }
  if (format.type !== 'json_schema' || !format.schema) return { validator: name, passed: true };
  const validate = compile(format.schema);
  if (typeof validate === 'string') return { validator: name, passed: false, detail: validate };
  const passed = validate(value) as boolean;
  return { validator: name, passed, detail: passed ? undefined : ajv.errorsText(validate.errors) };
}

/**
 * Each tool call names a declared tool of its kind; a function call's arguments are JSON valid against
 * that tool's parameters. A custom tool's input is free text: nothing to parse (a grammar is the
 * upstream's to enforce while it samples).
 */
export function toolArgumentsValid(input: ScoringInput): ValidatorResult | undefined {
  if (input.response.toolCalls.length === 0) return undefined;
  const functions = new Map<string, Record<string, unknown> | undefined>();
  const customs = new Set<string>();
  for (const tool of input.request.tools ?? []) {
    if (tool.type === 'custom') customs.add(tool.name);
    else functions.set(tool.name, tool.parameters);
  }
  for (const call of input.response.toolCalls) {
    if (call.type === 'custom') {
      if (!customs.has(call.name)) return { validator: 'tool_arguments', passed: false, detail: `unknown custom tool "${call.name}"` };
      continue;
    }
    if (!functions.has(call.name)) return { validator: 'tool_arguments', passed: false, detail: `unknown tool "${call.name}"` };
    let args: unknown;
    try {
      args = JSON.parse(call.arguments || '{}');
    } catch {
      return { validator: 'tool_arguments', passed: false, detail: `arguments of "${call.name}" are not valid JSON` };
    }
    const parameters = functions.get(call.name);
    if (!parameters) continue;
    const validate = compile(parameters);
    if (typeof validate === 'string') return { validator: 'tool_arguments', passed: false, detail: validate };
    if (!validate(args)) {
      return { validator: 'tool_arguments', passed: false, detail: `"${call.name}": ${ajv.errorsText(validate.errors)}` };
    }
  }
  return { validator: 'tool_arguments', passed: true };
}
