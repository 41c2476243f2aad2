import { GatewayError } from '../../../core/src';
import type { GeminiSchema } from './gemini-api';

type JsonSchema = Record<string, unknown>;

/** Formats Gemini accepts; others (email, uri, uuid...) are rejected upstream, so they are dropped. */
const SUPPORTED_FORMATS: Record<string, string[]> = { string: ['enum', 'date-time'], integer: ['int32', 'int64'], number: ['float', 'double'] };
const COPIED = ['title', 'description', 'minItems', 'maxItems', 'minProperties', 'maxProperties', 'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'default', 'propertyOrdering'] as const;

/**
 * JSON Schema (as OpenAI clients send it) -> the OpenAPI 3.0 subset Gemini's `parameters` and
 * `responseSchema` accept (https://ai.google.dev/api/caching#Schema).
 *
 * Kept: type, format (supported ones), title, description, enum, items, properties, required, anyOf, and
 * the numeric/length/count bounds. Translated: `type: [T, "null"]` -> `type: T, nullable: true`;
 * `const` -> a one-value `enum`; `oneOf` -> `anyOf`; a one-element `allOf` is inlined; local `$ref`s
 * (`#/$defs/...`, `#/definitions/...`) are inlined. Stripped, because Gemini rejects them:
 * `$schema`, `$id`, `$defs`, `definitions`, `additionalProperties`, `patternProperties`, `not`, `examples`,
 * `strict`, unsupported formats and any other keyword. Recursive schemas cannot be inlined: 400.
 */
export function convertJsonSchemaToGemini(schema: JsonSchema, param: string): GeminiSchema {
  const defs = { ...asRecord(schema.definitions), ...asRecord(schema.$defs) };
  return convert(schema, defs, [], param);
}

function convert(schema: JsonSchema, defs: Record<string, unknown>, refStack: string[], param: string): GeminiSchema {
  if (typeof schema.$ref === 'string') {
    const ref = schema.$ref;
    const name = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref)?.[1];
    const target = name !== undefined ? asRecord(defs[name]) : undefined;
    if (!target) throw GatewayError.invalidRequest(`Schema reference ${ref} cannot be resolved; only local #/$defs references are supported.`, param);
    if (refStack.includes(ref)) throw GatewayError.invalidRequest(`Recursive schema (${ref}) is not supported by Gemini.`, param);
    return convert(target, defs, [...refStack, ref], param);
  }
  const allOf = Array.isArray(schema.allOf) ? schema.allOf : undefined;
  if (allOf?.length === 1) {
    const { allOf: _inlined, ...rest } = schema;
    return convert({ ...rest, ...asRecord(allOf[0]) }, defs, refStack, param);
  }

  const out: GeminiSchema = {};
  let type = schema.type;
  if (Array.isArray(type)) {
    const nonNull = type.filter((t) => t !== 'null');
    if (nonNull.length < type.length) out.nullable = true;
    if (nonNull.length > 1) {
      out.anyOf = nonNull.map((t) => convert({ ...schema, type: t }, defs, refStack, param));
      return out;
    }
    type = nonNull[0];
  }
  if (typeof type === 'string') out.type = type;
  if (typeof schema.format === 'string' && typeof type === 'string' && SUPPORTED_FORMATS[type]?.includes(schema.format)) out.format = schema.format;
  for (const key of COPIED) if (schema[key] !== undefined) (out as Record<string, unknown>)[key] = schema[key];
  if (schema.nullable === true) out.nullable = true;
  if (Array.isArray(schema.enum)) out.enum = schema.enum;
  if (schema.const !== undefined) out.enum = [schema.const];
  if (out.enum && !out.type) out.type = 'string';
  const items = asRecord(schema.items);
  if (items) out.items = convert(items, defs, refStack, param);
  const properties = asRecord(schema.properties);
  if (properties) {
    out.properties = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, convert(asRecord(v) ?? {}, defs, refStack, param)]));
  }
  if (Array.isArray(schema.required) && schema.required.length > 0) out.required = schema.required.filter((r): r is string => typeof r === 'string');
  const variants = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined;
  if (variants) {
    const converted = variants.map((v) => asRecord(v) ?? {});
    const nonNull = converted.filter((v) => v.type !== 'null');
    if (nonNull.length < converted.length) out.nullable = true;
    if (nonNull.length === 1) Object.assign(out, convert(nonNull[0], defs, refStack, param));
    else out.anyOf = nonNull.map((v) => convert(v, defs, refStack, param));
  }
  return out;
}

function asRecord(value: unknown): JsonSchema | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonSchema) : undefined;
}

/** Gemini rejects an OBJECT schema without properties; a function taking no arguments sends no `parameters`. */
export function isEmptyObjectSchema(schema: JsonSchema | undefined): boolean {
  if (!schema) return true;
  const properties = asRecord(schema.properties);
  return schema.type === 'object' && (!properties || Object.keys(properties).length === 0) && !schema.$ref && !schema.anyOf && !schema.oneOf;
}
