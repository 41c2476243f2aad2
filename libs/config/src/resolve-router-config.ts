import type { z } from 'zod';
import { findCatalogEmbeddingModel, findCatalogModel, isPresetId, type CatalogEmbeddingModel, type CatalogModel, MODEL_CATALOG, PROVIDER_PRESETS, providerKinds, resolvePreset, type ProviderPreset, type ToolForm } from '../../providers/src';
import type { DroppableParam } from '../../providers/src/catalog/param-rules';
import type { ThinkingMode } from '../../providers/src/catalog/thinking-mode';
import type { ModelCapabilitiesConfig, PromptTemplateConfig } from './prompt-template.schema';

/** A provider as written in the file: a `preset`, or `kind` and `base_url`, each field overridable. */
interface ProviderInput {
  id: string;
  preset?: string;
  kind?: string;
  base_url?: string;
  api_key_env?: string;
  auth_header?: string;
  chat_path?: string;
  embeddings_path?: string;
  headers?: Record<string, string>;
  drop_fields?: string[];
  rename_fields?: Record<string, string>;
  tool_forms?: ToolForm[];
  variables?: Record<string, string>;
}

interface LongContextConfig {
  above_prompt_tokens: number;
  input_per_1m: number;
  output_per_1m: number;
  cached_input_per_1m?: number;
}

/** A model as written in the file: a `catalog` id, or every field by hand; explicit fields win over the catalog. */
interface ModelInput {
  id: string;
  catalog?: string;
  type?: 'chat' | 'embedding';
  dimensions?: number;
  min_dimensions?: number;
  provider?: string;
  upstream?: string;
  input_per_1m?: number;
  output_per_1m?: number;
  cached_input_per_1m?: number;
  context_window?: number;
  max_output_tokens?: number;
  long_context?: LongContextConfig;
  capabilities?: Partial<ModelCapabilitiesConfig>;
  drop_params?: DroppableParam[];
  rename_params?: Partial<Record<DroppableParam, DroppableParam>>;
  tokenizer?: 'o200k_base' | 'estimate';
  token_scale?: number;
  family?: string;
  thinking?: ThinkingMode;
}

type ResolvedProvider<P extends ProviderInput> = Omit<P, 'kind' | 'base_url'> & { kind: string; base_url: string };
type ResolvedModel<M extends ModelInput> = Omit<M, 'type' | 'provider' | 'upstream' | 'input_per_1m' | 'output_per_1m' | 'context_window' | 'capabilities' | 'tokenizer' | 'family'> & {
  /** `embedding`: a model of POST /v1/embeddings (from its catalog entry, or given); never a route candidate. */
  type: 'chat' | 'embedding';
  provider: string;
  upstream: string;
  input_per_1m: number;
  output_per_1m: number;
  context_window: number;
  capabilities: ModelCapabilitiesConfig;
  tokenizer: 'o200k_base' | 'estimate';
  family: string;
};

export type ResolvedRouterConfig<C extends { providers: ProviderInput[]; models: ModelInput[]; prompt_templates: PromptTemplateConfig[] }> = Omit<C, 'providers' | 'models'> & {
  providers: Array<ResolvedProvider<C['providers'][number]>>;
  models: Array<ResolvedModel<C['models'][number]>>;
};

/** What a model without catalog entry or explicit capabilities is assumed to support (permissive: as before capabilities existed). */
export const DEFAULT_CAPABILITIES: ModelCapabilitiesConfig = { tools: true, vision: true, json_schema: true, reasoning: false, forced_tool_choice: true, assistant_prefill: true };

/** Upstream names that use OpenAI's o200k encoding (GPT-4o, GPT-4.1, GPT-5, o-series). */
const O200K_UPSTREAM = /^(gpt-4o|gpt-4\.1|gpt-5|chatgpt-4o|o[1-9])/;

/**
 * Fills providers from their presets and models from the model catalog (explicit fields win), as
 * the zod transform of the routing file. Every problem is added to `ctx` with its path.
 */
export function resolveRouterConfig<C extends { providers: ProviderInput[]; models: ModelInput[]; prompt_templates: PromptTemplateConfig[] }>(
  cfg: C,
  ctx: z.RefinementCtx,
): ResolvedRouterConfig<C> {
  let failed = false;
  const problem = (path: Array<string | number>, message: string) => {
    failed = true;
    ctx.addIssue({ code: 'custom', path, message, fatal: true });
  };
  const providers = cfg.providers.map((p, i) => resolveProvider(p, (field, message) => problem(['providers', i, field], message)));
  const presetOf = new Map(cfg.providers.map((p) => [p.id, p.preset]));
  const kindOf = new Map(providers.map((p) => [p.id, p.kind]));
  const models = cfg.models.map((m, i) => resolveModel(m, cfg.providers, presetOf, kindOf, (field, message) => problem(['models', i, field], message)));
  const modelIds = new Set(cfg.models.map((m) => m.id));
  cfg.prompt_templates.forEach((t, i) => {
    t.models.forEach((id, j) => {
      if (!modelIds.has(id)) problem(['prompt_templates', i, 'models', j], `unknown model "${id}"`);
    });
    t.transforms.forEach((transform, j) => {
      if (transform.type !== 'replace') return;
      try {
        new RegExp(transform.pattern, transform.flags);
      } catch (err) {
        problem(['prompt_templates', i, 'transforms', j, 'pattern'], (err as Error).message);
      }
    });
  });
  if (failed) return cfg as unknown as ResolvedRouterConfig<C>; // aborted: the fatal issues above are reported instead
  return { ...cfg, providers, models };
}

/** A `kind` no adapter family is registered for: the provider registry would throw at start-up, after the config passed. */
export function unknownKindProblem(kind: string): string | undefined {
  const known = providerKinds();
  return known.includes(kind) ? undefined : `unknown kind "${kind}"; known: ${known.join(', ')}`;
}

function resolveProvider<P extends ProviderInput>(p: P, problem: (field: string, message: string) => void): ResolvedProvider<P> {
  const kindProblem = p.kind === undefined ? undefined : unknownKindProblem(p.kind);
  if (kindProblem) problem('kind', kindProblem);
  if (!p.preset) {
    if (!p.kind) problem('kind', 'give a kind (or a preset)');
    if (!p.base_url) problem('base_url', 'give a base_url (or a preset)');
    return { ...p, kind: p.kind ?? '', base_url: p.base_url ?? '' };
  }
  if (!isPresetId(p.preset)) {
    problem('preset', `unknown preset "${p.preset}"; known: ${Object.keys(PROVIDER_PRESETS).join(', ')}`);
    return { ...p, kind: '', base_url: '' };
  }
  const preset: ProviderPreset = PROVIDER_PRESETS[p.preset];
  try {
    const settings = resolvePreset(p.preset, {
      id: p.id,
      baseUrl: p.base_url,
      chatPath: p.chat_path,
      authHeader: p.auth_header,
      headers: p.headers,
      dropFields: p.drop_fields,
      renameFields: p.rename_fields,
      toolForms: p.tool_forms,
      variables: p.variables,
    });
    return {
      ...p,
      kind: p.kind ?? settings.kind,
      base_url: settings.baseUrl,
      api_key_env: p.api_key_env ?? presetKeyVariable(preset),
      auth_header: settings.authHeader,
      chat_path: settings.chatPath,
      headers: settings.headers,
      drop_fields: settings.dropFields,
      rename_fields: settings.renameFields,
      tool_forms: settings.toolForms,
    };
  } catch (err) {
    problem('variables', (err as Error).message);
    return { ...p, kind: '', base_url: '' };
  }
}

function resolveModel<M extends ModelInput>(
  m: M,
  providerInputs: ProviderInput[],
  presetOf: ReadonlyMap<string, string | undefined>,
  kindOf: ReadonlyMap<string, string>,
  problem: (field: string, message: string) => void,
): ResolvedModel<M> {
  const entry = m.catalog ? findCatalogModel(m.catalog) : undefined;
  const embeddingEntry = m.catalog && !entry ? findCatalogEmbeddingModel(m.catalog) : undefined;
  if (m.catalog && !entry && !embeddingEntry) {
    const known = [...MODEL_CATALOG.models, ...MODEL_CATALOG.embedding_models].map((c) => c.id).join(', ');
    problem('catalog', `unknown catalog model "${m.catalog}"; known: ${known}`);
  }
  if (embeddingEntry) return resolveEmbeddingModel(m, embeddingEntry, providerInputs, presetOf, kindOf, problem);
  if (m.type === 'embedding') return resolveEmbeddingModel(m, undefined, providerInputs, presetOf, kindOf, problem);
  if (entry && m.type !== undefined && m.type !== 'chat') problem('type', `catalog model "${entry.id}" is a chat model`);
  const provider = m.provider ?? (entry && catalogProvider(entry, providerInputs, problem));
  const required = <T>(field: string, value: T | undefined): T | undefined => {
    if (value === undefined && !m.catalog) problem(field, `required (or give a catalog id)`);
    return value;
  };
  const upstream = required('upstream', m.upstream ?? entry?.upstream);
  required('provider', provider);
  const input = required('input_per_1m', m.input_per_1m ?? entry?.input);
  const output = required('output_per_1m', m.output_per_1m ?? entry?.output);
  const contextWindow = required('context_window', m.context_window ?? entry?.context_window);
  const cached = m.cached_input_per_1m ?? entry?.cached_input;
  const maxOutput = m.max_output_tokens ?? entry?.max_output_tokens;
  const dropParams = m.drop_params ?? entry?.drop_params;
  const renameParams = m.rename_params ?? entry?.rename_params;
  // The catalog's tier and token scale describe its own upstream: a model calling another has neither.
  const catalogUpstream = entry !== undefined && (m.upstream === undefined || m.upstream === entry.upstream) ? entry : undefined;
  const longContext = m.long_context ?? catalogLongContext(m, catalogUpstream);
  const tokenScale = m.token_scale ?? catalogUpstream?.token_scale;
  const thinking = m.thinking ?? catalogUpstream?.thinking;
  const providerId = provider ?? '';
  return {
    ...m,
    type: 'chat',
    provider: providerId,
    upstream: upstream ?? '',
    input_per_1m: input ?? 0,
    output_per_1m: output ?? 0,
    ...(cached !== undefined ? { cached_input_per_1m: cached } : {}),
    context_window: contextWindow ?? 1,
    ...(maxOutput !== undefined ? { max_output_tokens: maxOutput } : {}),
    ...(dropParams !== undefined ? { drop_params: dropParams } : {}),
    ...(renameParams !== undefined ? { rename_params: renameParams } : {}),
    ...(longContext !== undefined ? { long_context: longContext } : {}),
    ...(tokenScale !== undefined ? { token_scale: tokenScale } : {}),
    ...(thinking !== undefined ? { thinking } : {}),
    capabilities: { ...(entry?.capabilities ?? DEFAULT_CAPABILITIES), ...m.capabilities },
    tokenizer: m.tokenizer ?? entry?.tokenizer ?? (O200K_UPSTREAM.test(upstream ?? '') ? 'o200k_base' : 'estimate'),
    family: m.family ?? presetOf.get(providerId) ?? kindOf.get(providerId) ?? providerId,
  };
}

/**
 * An embedding model: from its catalog entry (`catalog: text-embedding-3-small`), explicit fields
 * winning, or every field by hand with `type: embedding` (provider, upstream, input_per_1m; dimensions
 * when known). Priced per input token only: output_per_1m is 0; context_window is the per-input limit.
 */
function resolveEmbeddingModel<M extends ModelInput>(
  m: M,
  entry: CatalogEmbeddingModel | undefined,
  providerInputs: ProviderInput[],
  presetOf: ReadonlyMap<string, string | undefined>,
  kindOf: ReadonlyMap<string, string>,
  problem: (field: string, message: string) => void,
): ResolvedModel<M> {
  if (entry && m.type === 'chat') problem('type', `catalog model "${entry.id}" is an embedding model`);
  const provider = m.provider ?? (entry && catalogProvider(entry, providerInputs, problem));
  const required = <T>(field: string, value: T | undefined): T | undefined => {
    if (value === undefined && !entry) problem(field, `required for an embedding model (or give a catalog id)`);
    return value;
  };
  const upstream = required('upstream', m.upstream ?? entry?.upstream);
  required('provider', provider);
  const input = required('input_per_1m', m.input_per_1m ?? entry?.input);
  // The catalog's vector sizes describe its own upstream only.
  const sameUpstream = entry !== undefined && (m.upstream === undefined || m.upstream === entry.upstream) ? entry : undefined;
  const dimensions = m.dimensions ?? sameUpstream?.dimensions;
  const minDimensions = m.min_dimensions ?? (m.dimensions === undefined ? sameUpstream?.min_dimensions : undefined);
  if (minDimensions !== undefined && dimensions === undefined) problem('min_dimensions', 'give dimensions (the model\'s own vector size) too');
  if (minDimensions !== undefined && dimensions !== undefined && minDimensions > dimensions) problem('min_dimensions', `above dimensions (${dimensions})`);
  const providerId = provider ?? '';
  return {
    ...m,
    type: 'embedding',
    provider: providerId,
    upstream: upstream ?? '',
    input_per_1m: input ?? 0,
    output_per_1m: m.output_per_1m ?? 0,
    context_window: m.context_window ?? sameUpstream?.max_input_tokens ?? 8191,
    ...(dimensions !== undefined ? { dimensions } : {}),
    ...(minDimensions !== undefined ? { min_dimensions: minDimensions } : {}),
    capabilities: { ...DEFAULT_CAPABILITIES, tools: false, vision: false, json_schema: false },
    tokenizer: 'estimate',
    family: m.family ?? presetOf.get(providerId) ?? kindOf.get(providerId) ?? providerId,
  };
}

/**
 * The long-prompt tier of the catalog entry whose upstream the model calls, while the model also takes
 * the entry's prices: a model configured at a negotiated price states its own tier or has none.
 */
function catalogLongContext(m: ModelInput, entry: CatalogModel | undefined): LongContextConfig | undefined {
  const tier = entry?.long_context;
  if (!tier) return undefined;
  if (m.input_per_1m !== undefined || m.output_per_1m !== undefined || m.cached_input_per_1m !== undefined) return undefined;
  return {
    above_prompt_tokens: tier.above_prompt_tokens,
    input_per_1m: tier.input,
    output_per_1m: tier.output,
    ...(tier.cached_input !== undefined ? { cached_input_per_1m: tier.cached_input } : {}),
  };
}

/** The key variable a preset implies when the provider names none: none for a preset served on this machine. */
export function presetKeyVariable(preset: ProviderPreset): string | undefined {
  return isLoopback(preset.baseUrl) ? undefined : preset.apiKeyEnv;
}

function isLoopback(url: string): boolean {
  return /^https?:\/\/(127\.0\.0\.1|localhost)([:/]|$)/.test(url);
}

/** The one configured provider whose preset hosts a catalog model named without `provider:`; a problem when none or several do. */
function catalogProvider(entry: { id: string; preset: string }, providerInputs: ProviderInput[], problem: (field: string, message: string) => void): string | undefined {
  const matching = providerInputs.filter((p) => p.preset === entry.preset);
  if (matching.length === 1) return matching[0].id;
  if (matching.length === 0) problem('provider', `catalog model "${entry.id}" needs a provider with preset: ${entry.preset} (none is configured); or name one with provider:`);
  else problem('provider', `several providers use preset ${entry.preset} (${matching.map((p) => p.id).join(', ')}); name one with provider:`);
  return undefined;
}
