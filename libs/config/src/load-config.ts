import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { findCatalogEmbeddingModel } from '../../providers/src/catalog/model-catalog';
import type { ProviderSettings } from '../../providers/src/provider-settings';
import { DEFAULT_DISCOUNT, type AppConfig, type EmbeddingModelSpec, type EmbeddingRouteSpec, type ModelSpec, type RouteConstraints, type RouteSpec, type TierSpec } from './app-config';
import { ConfigError } from './config-error';
import { defaultRouterConfig } from './default-config';
import { modelExtras } from './model-extras';
import { pricePriors } from './price-prior';
import { keyVariableProblems, rawReferenceProblems } from './raw-references';
import { routerConfigSchema, type RouterConfigFile, type TierConfig } from './router-config.schema';
import { settingsSchema } from './settings.schema';

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Reads and validates the environment and the routing file, once. Throws ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const settings = settingsSchema.safeParse(env);
  const problems: string[] = [];
  if (!settings.success) {
    problems.push(...ConfigError.fromZod('environment', settings.error.issues).problems.map((p) => `env ${p}`));
  }
  const path = env.ROUTER_CONFIG;
  const source = path ? `file ${path}` : 'built-in default';
  let file: RouterConfigFile | undefined;
  let raw: unknown;
  try {
    if (path) {
      raw = parseYamlText(readConfigText(path), source);
      file = validateRouterConfig(raw, source);
    } else {
      file = defaultRouterConfig(env);
    }
  } catch (err) {
    if (err instanceof ConfigError) problems.push(...err.problems);
    else throw err;
  }
  // A file that failed its schema has its key variables checked too, so they are listed in the same run.
  problems.push(...keyVariableProblems(file ?? raw, env));
  if (problems.length > 0 || !settings.success || !file) throw new ConfigError(source, problems);
  const s = settings.data;
  const providers: ProviderSettings[] = file.providers.map((p) => ({
    id: p.id,
    kind: p.kind,
    baseUrl: p.base_url,
    apiKey: p.api_key_env ? env[p.api_key_env] : undefined,
    authHeader: p.auth_header,
    chatPath: p.chat_path,
    ...(p.embeddings_path ? { embeddingsPath: p.embeddings_path } : {}),
    headers: p.headers,
    dropFields: p.drop_fields,
    renameFields: p.rename_fields,
    ...(p.tool_forms?.length ? { toolForms: p.tool_forms } : {}),
  }));
  const models = new Map<string, ModelSpec>(
    file.models.filter((m) => m.type !== 'embedding').map((m) => [
      m.id,
      { id: m.id, providerId: m.provider, upstream: m.upstream, inputPer1M: m.input_per_1m, outputPer1M: m.output_per_1m, contextWindow: m.context_window,
        timeouts: { firstByteMs: m.timeouts?.first_byte_ms, idleMs: m.timeouts?.idle_ms, totalMs: m.timeouts?.total_ms, connectMs: m.timeouts?.connect_ms, ttftMs: m.timeouts?.ttft_ms },
        ...modelExtras(m, file.prompt_templates),
        ...(m.expected_ttft_ms !== undefined ? { expectedTtftMs: m.expected_ttft_ms } : {}) },
    ]),
  );
  const embeddingModels = new Map<string, EmbeddingModelSpec>(
    file.models.filter((m) => m.type === 'embedding').map((m) => [m.id, embeddingModelSpec(m)]),
  );
  const embeddingRoutes = new Map<string, EmbeddingRouteSpec>(
    file.embedding_routes.map((r) => [r.name, { name: r.name, model: r.model, fallbacks: r.fallbacks ?? [], retries: r.retries, ...optional('budgetUsdPerDay', r.budget_usd_per_day) }]),
  );
  const routes = new Map<string, RouteSpec>(
    file.routes.map((r) => [
      r.name,
      {
        name: r.name,
        candidates: r.candidates,
        ...routeConstraints(r),
        discount: r.discount ?? DEFAULT_DISCOUNT,
        feedbackWeight: r.feedback_weight,
        validators: r.validators,
        ...(r.judge ? { judge: { modelId: r.judge.model, sampleRate: r.judge.sample_rate, weight: r.judge.weight, maxTokens: r.judge.max_tokens, ...optional('rubric', r.judge.rubric) } } : {}),
        maxUntriedShare: r.max_untried_share,
        ...(typeof r.floor_confidence === 'number' ? { floorConfidence: r.floor_confidence } : {}),
        ...(r.floor_confidence === 'auto' ? { gatedSafeExploration: true } : {}),
        ...(r.strict_floor ? { strictFloor: true } : {}),
        ...(r.explore_cheaper_share ? { exploreCheaperShare: r.explore_cheaper_share } : {}),
        ...optional('relativeFloor', r.relative_floor),
        ...optional('contextPriorStrength', r.context_prior_strength),
        learner: r.learner,
        ...(r.price_prior ? optional('priorQuality', pricePriors(r.candidates.map((c) => models.get(c)!))) : {}),
        ...optional('tiers', r.tiers && tierSpecs(r)),
        failover: r.failover && {
          fallbacks: r.failover.fallbacks, order: r.failover.order, maxModels: r.failover.max_models, retries: r.failover.retries,
          backoffBaseMs: r.failover.backoff_base_ms, backoffMaxMs: r.failover.backoff_max_ms, maxRetryAfterMs: r.failover.max_retry_after_ms,
          timeouts: { connectMs: r.failover.timeouts?.connect_ms, firstByteMs: r.failover.timeouts?.first_byte_ms, ttftMs: r.failover.timeouts?.ttft_ms, idleMs: r.failover.timeouts?.idle_ms, totalMs: r.failover.timeouts?.total_ms },
        },
        implicit: false,
      },
    ]),
  );
  const keys = (s.GATEWAY_API_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  return {
    host: s.HOST,
    port: s.PORT,
    databaseUrl: s.DATABASE_URL,
    databaseTimeoutMs: s.DATABASE_TIMEOUT_MS,
    redisUrl: s.REDIS_URL,
    dataDir: s.DATA_DIR,
    gatewayKeyHashes: keys.map(hashKey),
    adminKeyHash: s.ADMIN_API_KEY ? hashKey(s.ADMIN_API_KEY) : undefined,
    logLevel: s.LOG_LEVEL,
    statsRefreshMs: s.STATS_REFRESH_MS,
    bodyLimitBytes: s.BODY_LIMIT_BYTES,
    recordFlushMs: s.RECORD_FLUSH_MS,
    inlineWorker: s.INLINE_WORKER ? s.INLINE_WORKER === 'true' : !s.REDIS_URL,
    workerConcurrency: s.WORKER_CONCURRENCY,
    queuePrefix: s.QUEUE_PREFIX,
    providers,
    models,
    routes,
    embeddingModels,
    embeddingRoutes,
    source,
  };
}

type RouteConfig = RouterConfigFile['routes'][number];

function embeddingModelSpec(m: RouterConfigFile['models'][number]): EmbeddingModelSpec {
  const entry = m.catalog ? findCatalogEmbeddingModel(m.catalog) : undefined;
  const shutdownDate = entry?.upstream === m.upstream ? entry.shutdown?.date : undefined;
  return {
    id: m.id,
    providerId: m.provider,
    upstream: m.upstream,
    inputPer1M: m.input_per_1m,
    maxInputTokens: m.context_window,
    ...optional('dimensions', m.dimensions),
    ...optional('minDimensions', m.min_dimensions),
    ...optional('catalogId', m.catalog),
    timeouts: { firstByteMs: m.timeouts?.first_byte_ms, idleMs: m.timeouts?.idle_ms, totalMs: m.timeouts?.total_ms, connectMs: m.timeouts?.connect_ms },
    ...optional('shutdownDate', shutdownDate),
  };
}

function routeConstraints(c: RouteConfig | (TierConfig & { quality_floor: number })): RouteConstraints {
  return {
    qualityFloor: c.quality_floor,
    ...optional('budgetUsdPerDay', c.budget_usd_per_day),
    ...optional('maxPriceUsdPerRequest', c.max_price_per_request_usd),
    ...optional('maxTtftMs', c.max_ttft_ms),
    ...optional('allowedProviders', c.allowed_providers),
    ...optional('costWeight', c.cost_weight),
  };
}

/**
 * Each tier's constraints with the route's filled in where the tier is silent. A tier's budget is its
 * own (tracked apart from the route's); the route's budget still caps the route as a whole.
 */
function tierSpecs(r: RouteConfig): ReadonlyMap<string, TierSpec> {
  const tiers = new Map<string, TierSpec>();
  for (const [name, t] of Object.entries(r.tiers ?? {})) {
    const merged = {
      quality_floor: t.quality_floor ?? r.quality_floor,
      max_price_per_request_usd: t.max_price_per_request_usd ?? r.max_price_per_request_usd,
      max_ttft_ms: t.max_ttft_ms ?? r.max_ttft_ms,
      allowed_providers: t.allowed_providers ?? r.allowed_providers,
      cost_weight: t.cost_weight ?? r.cost_weight,
      budget_usd_per_day: t.budget_usd_per_day,
    };
    tiers.set(name, { name, ...routeConstraints(merged) });
  }
  return tiers;
}

/** `{ key: value }` when the value is set, else nothing (specs carry no `undefined` fields). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function readConfigText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`file ${path}`, [`ROUTER_CONFIG: cannot read ${path}: ${(err as Error).message}`]);
  }
}

export function parseRouterConfig(text: string, source: string): RouterConfigFile {
  return validateRouterConfig(parseYamlText(text, source), source);
}

function parseYamlText(text: string, source: string): unknown {
  try {
    return parseYaml(text) ?? {};
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}` : '';
    throw new ConfigError(source, [`(yaml)${where}: ${(err as Error).message.split('\n')[0]}`]);
  }
}

function validateRouterConfig(raw: unknown, source: string): RouterConfigFile {
  const parsed = routerConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  // Zod stops before the whole-file checks when a field fails: the references are read from the raw file too.
  const problems = ConfigError.fromZod(source, parsed.error.issues).problems;
  throw new ConfigError(source, [...new Set([...problems, ...rawReferenceProblems(raw)])]);
}

/** For a process's entry point: the configuration, or every problem on stderr and exit code 2. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}
