import { request } from 'undici';
import { GATEWAY_KEY } from '../support/stack';

export const ADMIN_KEY = 'admin-test-key-0123456789abcdef';

/** Output-priced only, so a request's real cost equals its reservation: 2 completion tokens x $10/1M. */
export const REQUEST_COST_USD = (2 * 10) / 1_000_000;

export function budgetYaml(upstreamUrl: string): string {
  return `
providers:
  - { id: fake, kind: openai-compatible, base_url: "${upstreamUrl}" }
models:
  - { id: metered, provider: fake, upstream: metered-upstream, input_per_1m: 0, output_per_1m: 10, context_window: 16000 }
  - { id: pricey, provider: fake, upstream: pricey-upstream, input_per_1m: 0, output_per_1m: 100, context_window: 16000 }
routes:
  - name: auto
    candidates: [metered, pricey]
    quality_floor: 0.5
`;
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: Record<string, unknown> & { error?: { message: string; type: string; code: string | null; param: string | null } };
}

export async function call(baseUrl: string, method: string, path: string, key: string | undefined, body?: unknown): Promise<Reply> {
  const res = await request(`${baseUrl}${path}`, {
    method: method as 'GET',
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(key === undefined ? {} : { authorization: `Bearer ${key}` }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, json: text ? (JSON.parse(text) as Reply['json']) : {} };
}

/** A chat request that costs exactly REQUEST_COST_USD on `metered` (the fake answers "Hello!", 2 tokens). */
export function chat(baseUrl: string, key: string | undefined = GATEWAY_KEY, model = 'metered'): Promise<Reply> {
  return call(baseUrl, 'POST', '/v1/chat/completions', key, { model, max_tokens: 2, messages: [{ role: 'user', content: 'Say hello.' }] });
}

export async function admin<T = Record<string, unknown>>(baseUrl: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await call(baseUrl, method, path, ADMIN_KEY, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json as T;
}

export async function newKey(baseUrl: string, body: Record<string, unknown>): Promise<{ id: string; key: string }> {
  return admin<{ id: string; key: string }>(baseUrl, 'POST', '/v1/admin/keys', body);
}

export function tally(replies: Reply[]): { ok: number; budget: number; other: Reply[] } {
  let ok = 0;
  let budget = 0;
  const other: Reply[] = [];
  for (const r of replies) {
    if (r.status === 200) ok++;
    else if (r.status === 429 && r.json.error?.code === 'budget_exceeded') budget++;
    else other.push(r);
  }
  return { ok, budget, other };
}
