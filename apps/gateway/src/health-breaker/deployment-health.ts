import type { AppConfig, ModelSpec } from '../../../../libs/config/src';
import type { Clock } from '../../../../libs/core/src';
import type { ProviderError } from '../../../../libs/providers/src';
import type { BreakerView } from './circuit-breaker';
import { SharedHealth } from './shared-health';

export const DEPLOYMENT_BREAKER = { failureThreshold: 5, cooldownMs: 10_000, maxCooldownMs: 120_000 };
/** Three schema failures in a row on a model for a route route it away from that route for a while. */
export const SCHEMA_BREAKER = { failureThreshold: 3, cooldownMs: 30_000, maxCooldownMs: 600_000 };

/** A chat or an embedding model on its provider (model ids are unique across both). */
export function deploymentKey(model: Pick<ModelSpec, 'providerId' | 'id'>): string {
  return `${model.providerId}/${model.id}`;
}

export function schemaKey(route: string, modelId: string): string {
  return `${route}/${modelId}`;
}

/** Failures that say something about the deployment, not about this request. */
export function countsAgainstDeployment(err: ProviderError): boolean {
  return err.kind !== 'bad_request' && err.kind !== 'context_length' && err.kind !== 'content_policy';
}

export interface HealthReport {
  shared: boolean;
  deployments: Array<{ deployment: string; state: BreakerView['state']; consecutive_failures: number; open_until: string | null; opens: number }>;
  schema_cooldowns: Array<{ route_model: string; state: BreakerView['state']; consecutive_failures: number; open_until: string | null }>;
}

/**
 * The gateway's view of upstream health: a circuit breaker per deployment (provider + model) and one
 * per (route, model) for structured-output failures, shared through Redis when REDIS_URL is set.
 */
export class DeploymentHealth {
  readonly deployments: SharedHealth;
  readonly schemas: SharedHealth;

  constructor(config: Pick<AppConfig, 'redisUrl' | 'queuePrefix' | 'models'> & Partial<Pick<AppConfig, 'embeddingModels'>>, clock: Clock, onError?: (err: unknown) => void) {
    const shared = (namespace: string) => (config.redisUrl ? { redisUrl: config.redisUrl, prefix: config.queuePrefix, namespace, onError } : undefined);
    this.deployments = new SharedHealth(clock, DEPLOYMENT_BREAKER, shared('deployment'));
    this.schemas = new SharedHealth(clock, SCHEMA_BREAKER, shared('schema'));
    this.deployments.watch([...config.models.values(), ...(config.embeddingModels?.values() ?? [])].map(deploymentKey));
  }

  /** Why the router must not send this model traffic on this route now, if it must not. */
  exclusion(route: string, model: ModelSpec): 'circuit_open' | 'schema_failures' | undefined {
    if (!this.deployments.isAvailable(deploymentKey(model))) return 'circuit_open';
    if (!this.schemas.isAvailable(schemaKey(route, model.id))) return 'schema_failures';
    return undefined;
  }

  /** For the report and metrics: every breaker this process knows about. */
  report(): HealthReport {
    const iso = (ms: number) => (ms > 0 ? new Date(ms).toISOString() : null);
    return {
      shared: this.deployments.isShared,
      deployments: this.deployments.view().map((v) => ({ deployment: v.key, state: v.state, consecutive_failures: v.failures, open_until: iso(v.openUntil), opens: v.opens })),
      schema_cooldowns: this.schemas.view().map((v) => ({ route_model: v.key, state: v.state, consecutive_failures: v.failures, open_until: iso(v.openUntil) })),
    };
  }

  async close(): Promise<void> {
    await Promise.all([this.deployments.close(), this.schemas.close()]);
  }
}
