import type { Server } from 'node:http';
import { loadConfigOrExit, shutdownWarnings, wellKnownKeyVariables } from '../../../libs/config/src';
import { authSummary } from './auth/auth-summary';
import { startGateway } from './gateway';
import { jsonLog } from './runtime';

/** How long in-flight requests and streams may take to finish after SIGTERM. */
const SHUTDOWN_DRAIN_MS = 20_000;
/** Then how long flushing records and jobs may take before the process exits anyway. */
const SHUTDOWN_FLUSH_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const gateway = await startGateway(config);
  const { runtime } = gateway;
  jsonLog('info', 'gateway listening', {
    url: `${gateway.url}/v1`,
    config: config.source,
    storage: runtime.database.kind === 'embedded' ? `embedded Postgres (PGlite) in ${config.dataDir}` : 'Postgres',
    queue: config.redisUrl && !config.inlineWorker ? 'BullMQ on Redis' : 'in-process',
    auth: authSummary(config),
  });
  if (config.routes.size === 0 && config.models.size === 0 && config.embeddingModels.size === 0) {
    jsonLog('warn', 'no models to serve yet', {
      howto: `set one of ${wellKnownKeyVariables().join(', ')}, or point ROUTER_CONFIG at a YAML file (see config/router.example.yaml)`,
    });
  }
  for (const route of config.routes.values()) {
    jsonLog('info', 'route', { route: route.name, candidates: route.candidates, quality_floor: route.qualityFloor, budget_usd_per_day: route.budgetUsdPerDay ?? null });
  }
  jsonLog('info', 'models', { models: [...config.models.keys()] });
  if (config.embeddingModels.size > 0) {
    jsonLog('info', 'embeddings (POST /v1/embeddings)', { models: [...config.embeddingModels.keys()], routes: Object.fromEntries([...config.embeddingRoutes.values()].map((r) => [r.name, r.model])) });
  }
  for (const warning of shutdownWarnings(config, new Date().toISOString().slice(0, 10))) {
    jsonLog('warn', 'model shutdown', { warning });
  }
  let stopping = false;
  // Shutdown: stop listening at once, give in-flight requests and streams SHUTDOWN_DRAIN_MS to
  // finish (then cut what is left), flush records and jobs (or journal them under DATA_DIR), exit.
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    jsonLog('info', 'shutting down', { signal, drain_ms: SHUTDOWN_DRAIN_MS });
    const force = setTimeout(() => process.exit(1), SHUTDOWN_DRAIN_MS + SHUTDOWN_FLUSH_MS);
    force.unref();
    const server = gateway.app.getHttpServer() as Server;
    const drain = setTimeout(() => {
      jsonLog('warn', 'shutdown drain timed out; closing the remaining connections', {});
      server.closeAllConnections();
    }, SHUTDOWN_DRAIN_MS);
    drain.unref();
    gateway.close().then(
      () => {
        jsonLog('info', 'stopped', { signal });
        process.exit(0);
      },
      (err: Error) => {
        jsonLog('error', 'shutdown failed', { error: err.message });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: Error) => {
  process.stderr.write(`gateway failed to start: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
