import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { eventually, startStack, type Stack } from '../support/stack';

const ANSWER = 'The answer is forty-two, and here is why it is so.';
const INPUT_PER_1M = 2;
const OUTPUT_PER_1M = 10;

/**
 * Some OpenAI-compatible servers report no usage (none in the body, no usage chunk when streamed).
 * The gateway bills such an answer on an estimate; the record's tokens and the model's learned answer
 * length must be that estimate too, not 0: a record of 0 tokens at a non-zero cost broke the report's
 * savings, and a model learned as writing nothing looked cheaper to the router than it is.
 */
describe('an upstream that reports no usage', () => {
  let upstream: FakeOpenAI;
  let stack: Stack;

  beforeAll(async () => {
    upstream = await startFakeOpenAI(() => ({ kind: 'text', content: ANSWER, chunks: 4, usage: false }));
    stack = await startStack({
      queue: 'in-process',
      yaml: `
providers:
  - { id: bare, kind: openai-compatible, base_url: "${upstream.url}" }
models:
  - { id: quiet, provider: bare, upstream: quiet-up, input_per_1m: ${INPUT_PER_1M}, output_per_1m: ${OUTPUT_PER_1M}, context_window: 16000 }
routes:
  - { name: plain, candidates: [quiet], quality_floor: 0 }
`,
    });
  });

  afterAll(async () => {
    await stack?.close();
    await upstream?.close();
  });

  it('records the billed estimate as the tokens, streamed or not, and learns the answer length from it', async () => {
    const messages = [{ role: 'user' as const, content: 'Why is the answer forty-two? Explain briefly.' }];
    const whole = await stack.client.chat.completions.create({ model: 'plain', messages });
    expect(whole.choices[0]?.message.content).toBe(ANSWER);
    expect(whole.usage).toBeUndefined();
    const stream = await stack.client.chat.completions.create({ model: 'plain', messages, stream: true, stream_options: { include_usage: true } });
    let streamed = '';
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? '';
    expect(streamed).toBe(ANSWER);

    const db = stack.database.handle.db;
    const rows = await eventually(async () => {
      const found = await db.selectFrom('requests').select(['id', 'prompt_tokens', 'completion_tokens', 'cost_usd']).where('status', '=', 'success').execute();
      expect(found).toHaveLength(2);
      return found;
    });
    const answerTokens = Math.ceil(ANSWER.length / 4);
    for (const row of rows) {
      expect(row.prompt_tokens).toBeGreaterThan(0);
      expect(row.completion_tokens).toBe(answerTokens);
      // The cost is the price of exactly the recorded tokens.
      expect(row.cost_usd).toBeCloseTo((row.prompt_tokens * INPUT_PER_1M + row.completion_tokens * OUTPUT_PER_1M) / 1_000_000, 12);
    }
    // Both scored; the model's learned answer length is the estimate's, not 0.
    const arm = await eventually(async () => {
      const found = await db.selectFrom('arm_stats').select(['observations', 'completion_tokens']).where('context_key', '=', '').where('model_id', '=', 'quiet').executeTakeFirstOrThrow();
      expect(found.observations).toBe(2);
      return found;
    });
    // Two answers of answerTokens each, the older one discounted by the route's forgetting.
    expect(arm.completion_tokens).toBeGreaterThan(1.9 * answerTokens);
    expect(arm.completion_tokens).toBeLessThanOrEqual(2 * answerTokens);
  });
});
