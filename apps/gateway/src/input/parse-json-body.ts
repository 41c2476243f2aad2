import { errorCodes } from 'fastify';
import secureJsonParse from 'secure-json-parse';
import { GatewayError } from '../../../../libs/core/src';

/** As Fastify's defaults (onProtoPoisoning / onConstructorPoisoning 'error'): such a body is refused. */
const PARSE_OPTIONS = { protoAction: 'error', constructorAction: 'error' } as const;

/**
 * A request body's JSON, as every endpoint reads it (the raw chat route and Fastify's parser for the
 * rest). An object key `__proto__`, or `constructor` holding `prototype`, would change the prototype
 * of objects built from the body (prototype pollution): secure-json-parse refuses such a body, and
 * the 400 says which key and where instead of calling valid JSON invalid.
 */
export function parseJsonBody(text: string): unknown {
  try {
    return secureJsonParse(text, PARSE_OPTIONS);
  } catch {
    // Parsed again only on this error path: valid JSON here means the refusal was for a key.
    let parsed: unknown;
    try {
      parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch {
      // Fastify's own error, answered as before (its message does not echo the body, as V8's does).
      throw new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY();
    }
    throw forbiddenKeyError(findForbiddenKey(parsed));
  }
}

function forbiddenKeyError(found: ForbiddenKey | undefined): GatewayError {
  const key = found?.key ?? '__proto__';
  const where = found ? ` (at ${found.param})` : '';
  return GatewayError.invalidRequest(
    `The key '${key}' is not accepted in a request body${where}: it could change the prototype of objects built from the body. Remove or rename it.`,
    found?.param ?? null,
    'forbidden_key',
  );
}

interface ForbiddenKey {
  key: '__proto__' | 'constructor.prototype';
  /** Where, as the gateway names parameters elsewhere: `messages[0].__proto__`, `metadata.constructor.prototype`. */
  param: string;
}

/** One node of the walk; its path is built from the parent links only for the one found (bodies can nest thousands deep). */
interface Node {
  value: object;
  parent: Node | undefined;
  step: string;
}

/**
 * The first forbidden key in breadth-first order, the order secure-json-parse checks in. Iterative:
 * a body nested tens of thousands of levels deep parses, and must not overflow the stack here.
 */
export function findForbiddenKey(root: unknown): ForbiddenKey | undefined {
  if (root === null || typeof root !== 'object') return undefined;
  let level: Node[] = [{ value: root, parent: undefined, step: '' }];
  while (level.length > 0) {
    const next: Node[] = [];
    for (const node of level) {
      const value = node.value as Record<string, unknown>;
      if (Object.hasOwn(value, '__proto__')) return { key: '__proto__', param: pathOf(node, '.__proto__') };
      const ctor = Object.hasOwn(value, 'constructor') ? value.constructor : undefined;
      if (ctor !== null && typeof ctor === 'object' && Object.hasOwn(ctor, 'prototype')) return { key: 'constructor.prototype', param: pathOf(node, '.constructor.prototype') };
      const isArray = Array.isArray(value);
      for (const key of Object.keys(value)) {
        const child = value[key];
        if (child !== null && typeof child === 'object') next.push({ value: child, parent: node, step: isArray ? `[${key}]` : `.${key}` });
      }
    }
    level = next;
  }
  return undefined;
}

function pathOf(node: Node, last: string): string {
  const steps = [last];
  for (let n: Node | undefined = node; n?.parent; n = n.parent) steps.push(n.step);
  return steps.reverse().join('').replace(/^\./, '');
}
