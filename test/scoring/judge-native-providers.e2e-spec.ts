import { startFakeAnthropic, type FakeUpstream } from '../fakes/fake-anthropic.server';
import { startFakeGemini, type FakeGemini } from '../fakes/fake-gemini.server';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { eventually, startStack, type Stack } from '../support/stack';
import { THREE_FAKES_ENV } from '../support/three-fakes';

const VERDICT = '{"score": 8, "reason": "Names Paris."}';
const JUDGE_INSTRUCTIONS = 'You grade the answer';

/** The system text of a request in Anthropic's (`system`, blocks or a string) or Gemini's (`systemInstruction.parts`) format. */
function systemText(body: Record<string, unknown>): string {
  const system = body.system ?? (body.systemInstruction as { parts?: unknown } | undefined)?.parts;
  if (typeof system === 'string') return system;
  return Array.isArray(system) ? system.map((b: { text?: unknown }) => String(b.text ?? '')).join('') : '';
}

/**
 * The judge served by the native adapters, on their fakes' wire formats: Anthropic answers the
 * verdict's schema through the forced `judge_verdict` tool (its documented fallback for structured
 * output), Gemini as JSON text under `responseSchema`. The judged route's own model is on the
 * OpenAI-compatible fake.
 */
/** The judge's request as the provider received it, in its own format (fakes record every request). */
type JudgeRequestOf = (fakes: { anthropic: FakeUpstream; gemini: FakeGemini }) => { model: string; body: Record<string, unknown> };

const anthropicJudgeRequest: JudgeRequestOf = ({ anthropic }) => {
  const body = anthropic.requests.map((r) => r.body as Record<string, unknown>).find((b) => systemText(b).includes(JUDGE_INSTRUCTIONS))!;
  return { model: String(body.model), body };
};
const geminiJudgeRequest: JudgeRequestOf = ({ gemini }) => {
  const request = gemini.requests.find((r) => systemText(r.body as Record<string, unknown>).includes(JUDGE_INSTRUCTIONS))!;
  return { model: request.model, body: request.body as Record<string, unknown> };
};

describe.each([
  {
    name: 'Anthropic',
    judgeModel: 'sonnet',
    providerId: 'claude-api',
    judgeRequest: anthropicJudgeRequest,
    // The documented structured-output fallback: a tool named after the schema, forced.
    asked: { model: 'claude-sonnet-4-20250514', format: { tool_choice: { type: 'tool', name: 'judge_verdict' }, tools: [{ name: 'judge_verdict' }] } },
    conversation: (body: Record<string, unknown>) => body.messages,
  },
  {
    name: 'Gemini',
    judgeModel: 'flash',
    providerId: 'google',
    judgeRequest: geminiJudgeRequest,
    asked: { model: 'gemini-2.5-flash', format: { generationConfig: { responseMimeType: 'application/json', responseSchema: expect.objectContaining({ properties: expect.objectContaining({ score: expect.anything() }) }) } } },
    conversation: (body: Record<string, unknown>) => body.contents,
  },
])('a judge model served by $name', ({ judgeModel, providerId, judgeRequest, asked, conversation }) => {
  let openai: FakeOpenAI;
  let anthropic: FakeUpstream;
  let gemini: FakeGemini;
  let stack: Stack;

  beforeAll(async () => {
    openai = await startFakeOpenAI(() => ({ kind: 'text', content: 'Paris is the capital of France.' }));
    const judge = (_model: string, body: unknown) => (systemText(body as Record<string, unknown>).includes(JUDGE_INSTRUCTIONS) ? VERDICT : undefined);
    anthropic = await startFakeAnthropic({ answer: judge });
    gemini = await startFakeGemini({ answer: judge });
    const yaml = `
providers:
  - { id: oai, kind: openai-compatible, base_url: "${openai.url}" }
  - { id: claude-api, preset: anthropic, base_url: "${anthropic.url}" }
  - { id: google, preset: gemini, base_url: "${gemini.url}" }
models:
  - { id: gpt, provider: oai, upstream: gpt-4o-mini, input_per_1m: 0.15, output_per_1m: 0.6, context_window: 128000 }
  - { id: sonnet, catalog: claude-sonnet-4 }
  - { id: flash, catalog: gemini-2.5-flash }
routes:
  - { name: judged, candidates: [gpt], quality_floor: 0.5, judge: { model: ${judgeModel}, sample_rate: 1, weight: 0.5, rubric: "Names the right city." } }
`;
    stack = await startStack({ yaml, queue: 'in-process', env: { ...THREE_FAKES_ENV } });
  });
  afterAll(async () => {
    await stack.close();
    await Promise.all([openai.close(), anthropic.close(), gemini.close()]);
  });

  it("grades the answer, folds the grade into the reward and records the call at the model's catalogue price", async () => {
    const done = await stack.client.chat.completions.create({ model: 'judged', messages: [{ role: 'user', content: 'Capital of France?' }] });
    const score = await eventually(async () => {
      const found = await stack.gateway.runtime.arms.findScore(done.id);
      if (!found) throw new Error('not scored yet');
      return found;
    });
    expect(score.reward).toBeCloseTo(0.5 + (0.5 * 7) / 9, 9);
    expect((score.results as Array<{ validator: string; detail?: string }>).find((r) => r.validator === 'judge')).toEqual({ validator: 'judge', passed: true, detail: '8/10: Names Paris.' });

    const db = stack.database.handle.db;
    const call = await eventually(async () => db.selectFrom('requests').selectAll().where('kind', '=', 'judge').where('id', 'like', `${done.id}-judge-%`).executeTakeFirstOrThrow());
    expect(call).toMatchObject({ route: 'judged', model_id: judgeModel, provider_id: providerId, status: 'success' });
    const spec = stack.gateway.runtime.config.models.get(judgeModel)!;
    // Both fakes bill 10 prompt tokens and ceil(length / 4) output tokens for the verdict they answer.
    expect(call.cost_usd).toBeCloseTo((10 * spec.inputPer1M + Math.ceil(VERDICT.length / 4) * spec.outputPer1M) / 1e6, 12);
  });

  it("asks in the provider's own format for the verdict's schema, with the rubric and the conversation", () => {
    const { model, body } = judgeRequest({ anthropic, gemini });
    expect(model).toBe(asked.model);
    expect(body).toMatchObject(asked.format);
    expect(JSON.stringify(conversation(body))).toContain('Capital of France?');
    expect(systemText(body)).toContain('Names the right city.');
  });
});
