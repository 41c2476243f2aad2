import { GatewayError } from '../../../core/src';

type JsonSchema = Record<string, unknown>;

/** String formats Anthropic's structured outputs take; another format is left to the description. */
const STRING_FORMATS = new Set(['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'uri', 'ipv4', 'ipv6', 'uuid']);
/** Regular-expression features a `pattern` may not use (backreferences, lookaround, word boundaries). */
const COMPLEX_PATTERN = /\\[1-9]|\\k<|\(\?<?[=!]|\\[bB]/;
/** Keywords that say nothing about the output, left out. */
const LEFT_OUT = new Set(['$schema', '$id', '$comment', 'strict']);
/** Keywords carried over (when their values fit) or turned into others below. */
const HANDLED = new Set([
  'type', 'description', 'title', 'enum', 'const', 'nullable', 'anyOf', 'oneOf', 'allOf', '$ref', '$defs', 'definitions',
  'properties', 'required', 'additionalProperties', 'items',
]);
/** Anthropic's limits on one request's strict schemas: optional properties, and properties that are unions (`anyOf`, a type list). */
export const MAX_OPTIONAL_PROPERTIES = 24;
export const MAX_UNION_PROPERTIES = 16;

/**
 * A `response_format` JSON schema (as OpenAI clients send it) -> the subset Anthropic's structured
 * outputs (`output_config.format`) accept, or a 400 on `response_format` (code `unsupported_parameter`)
 * naming what it cannot take, so a route serves the request from another model.
 * https://platform.claude.com/docs/en/build-with-claude/structured-outputs#json-schema-limitations
 *
 * - Every object gets `additionalProperties: false` (the API wants it on each object; `true` or unset
 *   narrows to false, which any answer the client's schema allows without extra keys still meets).
 *   An object whose `additionalProperties` is a schema (a map), one with `patternProperties`, or one
 *   with no `properties` that is not closed (a free-form object) cannot be said: refused.
 * - Kept: `type` (a list too), `description`, `title`, `enum` / `const` of plain values (the type then
 *   left to them), `properties`, `required`, `items`, `anyOf` (`oneOf` becomes it), `allOf`, local
 *   `$ref`s to top-level `$defs` / `definitions`, `minItems` 0 or 1, the formats Anthropic lists, and a
 *   `pattern` without backreferences, lookaround or word boundaries. OpenAPI's `nullable` adds `null`
 *   to the type.
 * - Other constraints (`minimum`, `maxLength`, `maxItems`, `default`, other formats...) cannot be
 *   enforced: they are written into the description for the model to follow, and the gateway's own
 *   check of the answer against the client's schema still applies them.
 * - Refused: a recursive `$ref`, a `$ref` that is not local, a sub-schema with no type that is not an
 *   `enum`, `const`, `$ref` or union (`{}`: any value), a root that is not an object, and a schema with
 *   more than 24 optional or 16 union properties (Anthropic's complexity limits).
 */
export function convertJsonSchemaToAnthropic(schema: JsonSchema): JsonSchema {
  const defs = { $defs: asRecord(schema.$defs) ?? {}, definitions: asRecord(schema.definitions) ?? {} };
  refuseRecursion(schema, defs);
  const root: JsonSchema = schema.type === undefined && schema.$ref === undefined ? { type: 'object', ...schema } : schema;
  if (root.$ref === undefined && root.type !== 'object') throw refused('the root of the schema must be an object');
  const counts = { optional: 0, unions: 0 };
  const out = convert(root, defs, counts, '#');
  if (counts.optional > MAX_OPTIONAL_PROPERTIES) throw refused(`it has ${counts.optional} optional properties (Anthropic takes at most ${MAX_OPTIONAL_PROPERTIES})`);
  if (counts.unions > MAX_UNION_PROPERTIES) throw refused(`it has ${counts.unions} union-typed properties (Anthropic takes at most ${MAX_UNION_PROPERTIES})`);
  return out;
}

type Defs = { $defs: JsonSchema; definitions: JsonSchema };
type Counts = { optional: number; unions: number };

function refused(why: string): GatewayError {
  return GatewayError.invalidRequest(`response_format.json_schema cannot be served by Anthropic's structured outputs: ${why}.`, 'response_format', 'unsupported_parameter');
}

function convert(schema: unknown, defs: Defs, counts: Counts, at: string): JsonSchema {
  const node = asRecord(schema);
  if (!node) throw refused(`${at} is not a schema object`);
  const out: JsonSchema = {};
  const soft: JsonSchema = {};
  if (at === '#') {
    for (const key of ['$defs', 'definitions'] as const) {
      const group = asRecord(node[key]);
      if (group) out[key] = Object.fromEntries(Object.entries(group).map(([name, def]) => [name, convert(def, defs, counts, `#/${key}/${name}`)]));
    }
  } else if (node.$defs !== undefined || node.definitions !== undefined) {
    throw refused(`${at} holds $defs; only the root's are taken`);
  }
  if (node.$ref !== undefined) {
    resolve(node.$ref, defs);
    return { ...out, $ref: node.$ref };
  }

  const literal = (value: unknown) => value === null || typeof value !== 'object';
  if (Array.isArray(node.enum) && node.enum.length > 0 && node.enum.every(literal)) out.enum = node.enum;
  else if (node.enum !== undefined) soft.enum = node.enum;
  if (node.const !== undefined && literal(node.const)) out.const = node.const;
  else if (node.const !== undefined) soft.const = node.const;
  const hasLiterals = out.enum !== undefined || out.const !== undefined;

  const variants = Array.isArray(node.anyOf) ? node.anyOf : Array.isArray(node.oneOf) ? node.oneOf : undefined;
  const allOf = Array.isArray(node.allOf) ? node.allOf : undefined;
  let types = typesOf(node, at);
  if (variants || allOf) {
    for (const key of ['properties', 'items', 'required', 'additionalProperties', 'patternProperties']) {
      if (node[key] !== undefined) throw refused(`${at} has ${key} beside anyOf / oneOf / allOf; give each variant its own`);
    }
    if (variants) {
      out.anyOf = variants.map((v, i) => convert(v, defs, counts, `${at}/anyOf/${i}`));
      counts.unions += 1;
    }
    if (allOf) out.allOf = allOf.map((v, i) => convert(v, defs, counts, `${at}/allOf/${i}`));
    types = [];
  } else if (hasLiterals) {
    types = [];
  } else if (types.length === 0) {
    if (node.properties !== undefined) types = ['object'];
    else if (node.items !== undefined) types = ['array'];
    else throw refused(`${at} has no type (a schema for any value); give it a type, an enum or anyOf`);
  }
  if (types.length > 0) out.type = types.length === 1 ? types[0] : types;
  if (types.length > 1) counts.unions += 1;
  if (typeof node.description === 'string') out.description = node.description;
  if (typeof node.title === 'string') out.title = node.title;

  if (types.includes('object')) Object.assign(out, convertObject(node, defs, counts, at));
  if (types.includes('array')) {
    const items = node.items;
    if (Array.isArray(items)) throw refused(`${at}/items is a list of schemas (a tuple); give items one schema`);
    if (items !== undefined) out.items = convert(items, defs, counts, `${at}/items`);
  }
  for (const [key, value] of Object.entries(node)) {
    if (HANDLED.has(key) || LEFT_OUT.has(key) || key === 'patternProperties') continue;
    if (key === 'minItems' && types.includes('array') && (value === 0 || value === 1)) out.minItems = value;
    else if (key === 'format' && types.includes('string') && typeof value === 'string' && STRING_FORMATS.has(value)) out.format = value;
    else if (key === 'pattern' && types.includes('string') && typeof value === 'string' && !COMPLEX_PATTERN.test(value)) out.pattern = value;
    else soft[key] = value;
  }
  if (Object.keys(soft).length > 0) {
    const note = `Must also satisfy these JSON Schema keywords: ${JSON.stringify(soft)}`;
    out.description = typeof out.description === 'string' ? `${out.description}\n\n${note}` : note;
  }
  return out;
}

function convertObject(node: JsonSchema, defs: Defs, counts: Counts, at: string): JsonSchema {
  const extra = node.additionalProperties;
  if (asRecord(extra) && Object.keys(asRecord(extra)!).length > 0) throw refused(`${at} is a map (additionalProperties is a schema); only objects with named properties can be said`);
  if (node.patternProperties !== undefined) throw refused(`${at} has patternProperties; only objects with named properties can be said`);
  const properties = asRecord(node.properties) ?? {};
  const names = Object.keys(properties);
  if (names.length === 0 && extra !== false) throw refused(`${at} is a free-form object (no properties); list its properties`);
  const required = Array.isArray(node.required) ? node.required.filter((r): r is string => typeof r === 'string') : [];
  counts.optional += names.filter((name) => !required.includes(name)).length;
  return {
    properties: Object.fromEntries(names.map((name) => [name, convert(properties[name], defs, counts, `${at}/properties/${name}`)])),
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
  };
}

function typesOf(node: JsonSchema, at: string): string[] {
  const raw = node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
  if (!raw.every((t): t is string => typeof t === 'string')) throw refused(`${at}/type is not a type name`);
  const types = [...new Set(raw)];
  if (node.nullable === true && types.length > 0 && !types.includes('null')) types.push('null');
  return types;
}

/** The schema a local `$ref` names (`#/$defs/<name>` or `#/definitions/<name>`), or a 400. */
function resolve(ref: unknown, defs: Defs): JsonSchema {
  const match = typeof ref === 'string' ? /^#\/(\$defs|definitions)\/([^/]+)$/.exec(ref) : null;
  const target = match ? asRecord(defs[match[1] as keyof Defs][match[2]]) : undefined;
  if (!target) throw refused(`$ref ${JSON.stringify(ref)} does not name one of the root's $defs (only local #/$defs/... references are taken)`);
  return target;
}

/** A 400 when following the schema's `$ref`s comes back to one already being followed. */
function refuseRecursion(schema: JsonSchema, defs: Defs): void {
  const done = new Set<string>();
  const walk = (node: unknown, following: string[]): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, following));
    const record = asRecord(node);
    if (!record) return;
    if (typeof record.$ref === 'string') {
      const ref = record.$ref;
      if (following.includes(ref)) throw refused(`it is recursive (${ref} refers to itself), which Anthropic does not take`);
      if (!done.has(ref)) {
        walk(resolve(ref, defs), [...following, ref]);
        done.add(ref);
      }
    }
    for (const [key, value] of Object.entries(record)) if (key !== '$defs' && key !== 'definitions') walk(value, following);
  };
  walk(schema, []);
  for (const group of ['$defs', 'definitions'] as const) for (const name of Object.keys(defs[group])) walk({ $ref: `#/${group}/${name}` }, []);
}

function asRecord(value: unknown): JsonSchema | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonSchema) : undefined;
}
