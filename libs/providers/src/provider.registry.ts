import type { ChatProvider } from './provider';
import type { ProviderSettings } from './provider-settings';
import { OpenAICompatibleProvider } from './openai-compatible/openai-compatible.provider';
import { AnthropicProvider } from './anthropic/anthropic.provider';
import { GeminiProvider } from './gemini/gemini.provider';
import { withRedactedErrors } from './redact-provider-errors';

export type ProviderFactory = (settings: ProviderSettings) => ChatProvider;

/** Adapter families by `kind`. A new family registers here; nothing else in the gateway names providers. */
const factories = new Map<string, ProviderFactory>([
  ['openai-compatible', (s) => new OpenAICompatibleProvider(s)],
  ['anthropic', (s) => new AnthropicProvider(s)],
  ['gemini', (s) => new GeminiProvider(s)],
]);

/** Families with an embeddings API (their adapters implement `embed`); Anthropic has none. */
const embeddingKinds = new Set(['openai-compatible', 'gemini']);

export function registerProviderKind(kind: string, factory: ProviderFactory, options: { embeddings?: boolean } = {}): void {
  factories.set(kind, factory);
  if (options.embeddings) embeddingKinds.add(kind);
}

/** Whether providers of this kind serve `POST /v1/embeddings` (checked when the config is loaded). */
export function providerKindServesEmbeddings(kind: string): boolean {
  return embeddingKinds.has(kind);
}

export function providerKinds(): string[] {
  return [...factories.keys()];
}

/** The configured providers, keyed by provider id. */
export class ProviderRegistry {
  private readonly providers = new Map<string, ChatProvider>();

  constructor(settings: ProviderSettings[]) {
    for (const s of settings) {
      const factory = factories.get(s.kind);
      if (!factory) throw new Error(`Unknown provider kind "${s.kind}" for provider "${s.id}".`);
      const provider = factory(s);
      this.providers.set(s.id, s.apiKey ? withRedactedErrors(provider, s.apiKey) : provider);
    }
  }

  get(id: string): ChatProvider {
    const provider = this.providers.get(id);
    if (!provider) throw new Error(`Provider "${id}" is not configured.`);
    return provider;
  }
}
