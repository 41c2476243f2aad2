import fc from 'fast-check';
import { chatRequestSchema } from './parse-chat-request';
import { isPlainChatRequest } from './plain-chat-request';

const value = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -300, max: 300 }),
  fc.double({ min: -3, max: 3, noNaN: true }),
  fc.constantFrom('', 'x', 'auto', 'hi there'),
  fc.constant(2 ** 60),
  fc.array(fc.constantFrom('a', 'b', 1), { maxLength: 6 }),
  fc.dictionary(fc.constantFrom('a', 'tier', 'include_usage', 'x'), fc.oneof(fc.string(), fc.boolean(), fc.integer()), { maxKeys: 3 }),
);

/** Mostly values the schema takes, sometimes anything: accepted bodies must be common, not rare. */
const field = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ arbitrary: valid, weight: 4 }, { arbitrary: value, weight: 1 });

const message = fc.record(
  {
    role: field(fc.constantFrom('system', 'developer', 'user', 'assistant', 'tool', 'wizard')),
    content: field(fc.oneof(fc.string(), fc.constant(null), fc.constant([{ type: 'text', text: 'x' }]))),
    name: field(fc.string()),
    tool_call_id: fc.string(),
    extra: value,
  },
  { requiredKeys: ['role', 'content'] },
).map((m) => {
  // Optional keys mostly absent, as in real traffic.
  const { name, tool_call_id, extra, ...rest } = m as Record<string, unknown>;
  return { ...rest, ...(name !== undefined && (JSON.stringify(name) ?? "").length % 3 === 0 ? { name } : {}), ...(tool_call_id !== undefined && rest.role === 'tool' ? { tool_call_id } : {}), ...(extra === true ? { extra } : {}) };
});

const body = fc.record(
  {
    model: field(fc.constantFrom('auto', '', 'gpt-4o')),
    messages: fc.oneof({ arbitrary: fc.array(message, { minLength: 1, maxLength: 4 }), weight: 5 }, { arbitrary: value, weight: 1 }),
    stream: field(fc.oneof(fc.boolean(), fc.constant(null))),
    max_tokens: field(fc.oneof(fc.integer({ min: 1, max: 4096 }), fc.constant(null))),
    max_completion_tokens: field(fc.integer({ min: 1, max: 4096 })),
    temperature: field(fc.double({ min: 0, max: 2, noNaN: true })),
    top_p: field(fc.double({ min: 0, max: 1, noNaN: true })),
    n: field(fc.integer({ min: 1, max: 128 })),
    stop: field(fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 4 }))),
    presence_penalty: field(fc.double({ min: -2, max: 2, noNaN: true })),
    frequency_penalty: field(fc.double({ min: -2, max: 2, noNaN: true })),
    seed: field(fc.integer()),
    user: field(fc.string()),
    parallel_tool_calls: field(fc.boolean()),
    metadata: field(fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 })),
    stream_options: field(fc.record({ include_usage: fc.boolean() }, { requiredKeys: [] })),
    tools: value,
    response_format: value,
    logprobs: value,
    x_router: value,
  },
  { requiredKeys: ['model', 'messages'] },
).map((b) => {
  // Each optional field present one time in three.
  const out: Record<string, unknown> = { model: b.model, messages: b.messages };
  let i = 0;
  for (const [k, v] of Object.entries(b)) if (k !== 'model' && k !== 'messages' && ((JSON.stringify(v) ?? "").length + i++) % 3 === 0) out[k] = v;
  return out;
});

describe('isPlainChatRequest', () => {
  it('accepts the common request shape', () => {
    expect(isPlainChatRequest({ model: 'auto', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }], max_tokens: 64, temperature: 0.2, stream: true, stream_options: { include_usage: true }, metadata: { tier: 'pro' } })).toBe(true);
  });

  it('leaves tools, structured output, content parts and bad values to the schema', () => {
    const base = { model: 'auto', messages: [{ role: 'user', content: 'hi' }] };
    expect(isPlainChatRequest({ ...base, tools: [] })).toBe(false);
    expect(isPlainChatRequest({ ...base, response_format: { type: 'text' } })).toBe(false);
    expect(isPlainChatRequest({ ...base, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] })).toBe(false);
    expect(isPlainChatRequest({ ...base, temperature: 3 })).toBe(false);
    expect(isPlainChatRequest({ ...base, max_tokens: 0 })).toBe(false);
    expect(isPlainChatRequest({ ...base, messages: [] })).toBe(false);
  });

  it('never accepts a body the schema rejects or would change', () => {
    fc.assert(
      fc.property(body, (b) => {
        if (!isPlainChatRequest(b as Record<string, unknown>)) return;
        const parsed = chatRequestSchema.safeParse(b);
        expect(parsed.success).toBe(true);
        expect(parsed.success && parsed.data).toEqual(b);
      }),
      { numRuns: 5000, seed: 42 },
    );
  });

  it('never accepts a body with one field the schema rejects or would change', () => {
    // A plain body with exactly one field (or one message field) set to an arbitrary value: every
    // field's boundary gets tried, not only the combinations a random body happens to reach.
    const fields = ['model', 'messages', 'stream', 'max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'n', 'stop', 'presence_penalty', 'frequency_penalty', 'seed', 'user', 'parallel_tool_calls', 'metadata', 'stream_options', 'tools', 'tool_choice', 'response_format', '__proto__', 'role', 'content', 'name'];
    const mutated = fc.tuple(fc.constantFrom(...fields), fc.oneof(value, fc.double({ min: -1e3, max: 1e3 }), fc.integer({ min: -200, max: 5000 }), fc.object())).map(([field, v]) => {
      const message: Record<string, unknown> = { role: 'user', content: 'hi' };
      const b: Record<string, unknown> = { model: 'auto', messages: [message], temperature: 1, max_tokens: 10 };
      if (['role', 'content', 'name'].includes(field)) message[field] = v;
      else Object.defineProperty(b, field, { value: v, enumerable: true, writable: true, configurable: true });
      return b;
    });
    fc.assert(
      fc.property(mutated, (b) => {
        if (!isPlainChatRequest(b)) return;
        const parsed = chatRequestSchema.safeParse(b);
        expect(parsed.success).toBe(true);
        expect(parsed.success && parsed.data).toEqual(b);
      }),
      { numRuns: 20000, seed: 7 },
    );
  });

  it('the generator does reach accepted bodies (the property above is not vacuous)', () => {
    const accepted = fc.sample(body, { numRuns: 5000, seed: 42 }).filter((b) => isPlainChatRequest(b as Record<string, unknown>));
    expect(accepted.length).toBeGreaterThan(20);
  });
});
