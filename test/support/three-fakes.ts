import { startFakeAnthropic, type FakeUpstream } from '../fakes/fake-anthropic.server';
import { startFakeGemini, type FakeGemini } from '../fakes/fake-gemini.server';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';

/** One fake per adapter (OpenAI-compatible, Anthropic, Gemini), for tests that compare them through the gateway. */
export interface ThreeFakes {
  openai: FakeOpenAI;
  anthropic: FakeUpstream;
  gemini: FakeGemini;
  /** router.yaml's providers, one per fake: `oai` (openai-compatible), `claude-api` (anthropic preset), `google` (gemini preset). */
  providersYaml: string;
  /** router.yaml's three models on them: `gpt` (gpt-4o-mini on oai), `sonnet` (claude-sonnet-4), `flash` (gemini-2.5-flash). */
  modelsYaml: string;
  close(): Promise<void>;
}

/** The keys the Anthropic and Gemini presets read (the fakes take any). */
export const THREE_FAKES_ENV = { ANTHROPIC_API_KEY: 'sk-ant-test', GEMINI_API_KEY: 'AIza-test' } as const;

export async function startThreeFakes(): Promise<ThreeFakes> {
  const openai = await startFakeOpenAI();
  const anthropic = await startFakeAnthropic();
  const gemini = await startFakeGemini();
  return {
    openai,
    anthropic,
    gemini,
    providersYaml: [
      `  - { id: oai, kind: openai-compatible, base_url: "${openai.url}" }`,
      `  - { id: claude-api, preset: anthropic, base_url: "${anthropic.url}" }`,
      `  - { id: google, preset: gemini, base_url: "${gemini.url}" }`,
    ].join('\n'),
    modelsYaml: [
      '  - { id: gpt, provider: oai, upstream: gpt-4o-mini, input_per_1m: 0.15, output_per_1m: 0.6, context_window: 128000 }',
      '  - { id: sonnet, catalog: claude-sonnet-4 }',
      '  - { id: flash, catalog: gemini-2.5-flash }',
    ].join('\n'),
    async close() {
      await openai.close();
      await anthropic.close();
      await gemini.close();
    },
  };
}
