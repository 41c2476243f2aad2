import { isPresetId, PROVIDER_PRESETS, type ProviderPreset } from '../../providers/src';
import { presetKeyVariable, unknownKindProblem } from './resolve-router-config';

/**
 * When the routing file fails its schema, zod stops before the checks that need the whole file
 * (references between providers, models and routes). These read what the file says, as far as it can
 * be read, so one run lists those problems with the schema's, instead of each fix revealing the next.
 * Messages match the schema's own, so a problem both find is listed once.
 */
export function rawReferenceProblems(raw: unknown): string[] {
  const file = record(raw);
  if (!file) return [];
  const problems: string[] = [];
  const providers = list(file.providers);
  const models = list(file.models);
  const providerIds = new Set(providers.map((p) => p?.id).filter(isString));
  const modelIds = new Set(models.map((m) => m?.id).filter(isString));
  providers.forEach((p, i) => {
    const kindProblem = isString(p?.kind) ? unknownKindProblem(p.kind) : undefined;
    if (kindProblem) problems.push(`providers.${i}.kind: ${kindProblem}`);
  });
  models.forEach((m, i) => {
    if (isString(m?.provider) && !providerIds.has(m.provider)) problems.push(`models.${i}.provider: unknown provider "${m.provider}"`);
  });
  const knownModel = (name: unknown, path: string) => {
    if (isString(name) && !modelIds.has(name)) problems.push(`${path}: unknown model "${name}"`);
  };
  list(file.routes).forEach((r, i) => {
    entries(r?.candidates).forEach((c, j) => knownModel(c, `routes.${i}.candidates.${j}`));
    entries(record(r?.failover)?.fallbacks).forEach((c, j) => knownModel(c, `routes.${i}.failover.fallbacks.${j}`));
    knownModel(record(r?.judge)?.model, `routes.${i}.judge.model`);
  });
  list(file.embedding_routes).forEach((r, i) => {
    if (isString(r?.model) && !modelIds.has(r.model)) problems.push(`embedding_routes.${i}.model: unknown embedding model "${r.model}"`);
  });
  return problems;
}

/**
 * The key variables the file's providers name (or their presets imply) that `env` does not set, with
 * their paths: of a validated file (whose providers carry the variable their preset implies), or of one
 * that failed its schema, read as far as it can be.
 */
export function keyVariableProblems(file: unknown, env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  list(record(file)?.providers).forEach((p, i) => {
    const preset: ProviderPreset | undefined = isString(p?.preset) && isPresetId(p.preset) ? PROVIDER_PRESETS[p.preset] : undefined;
    const variable = p?.api_key_env ?? (preset ? presetKeyVariable(preset) : undefined);
    if (isString(variable) && /^[A-Z_][A-Z0-9_]*$/.test(variable) && env[variable] === undefined) {
      problems.push(`providers.${i}.api_key_env: environment variable ${variable} is not set`);
    }
  });
  return problems;
}

type Loose = Record<string, unknown>;

function record(value: unknown): Loose | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Loose) : undefined;
}

function entries(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The entries of a list of objects in the file, each an object or undefined (kept, so indexes match the paths). */
function list(value: unknown): Array<Loose | undefined> {
  return entries(value).map(record);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}
