import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { startGateway, type RunningGateway } from '../../apps/gateway/src/gateway';
import { startWorker, type RunningWorker } from '../../apps/worker/src/worker';
import { loadConfig } from '../../libs/config/src';
import type { Clock, Random } from '../../libs/core/src';
import { createTestDatabase, REDIS_URL } from './test-database';

export const GATEWAY_KEY = 'gw-test-key-0123456789';

export interface Stack {
  gateway: RunningGateway;
  worker?: RunningWorker;
  client: OpenAI;
  database: Awaited<ReturnType<typeof createTestDatabase>>;
  close(): Promise<void>;
}

/**
 * The whole product on the machine's real Postgres (a fresh database) and, with `queue: 'bullmq'`,
 * real Redis with a separate worker; with `queue: 'in-process'`, the embedded default's queue.
 */
export async function startStack(options: {
  yaml: string;
  queue: 'bullmq' | 'in-process';
  env?: Record<string, string>;
  clock?: Clock;
  random?: Random;
  /** Receives every gateway log line (the default prints errors only). */
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}): Promise<Stack> {
  const database = await createTestDatabase();
  const env: Record<string, string> = {
    ...testSettings(options.yaml),
    DATABASE_URL: database.url,
    ...(options.queue === 'bullmq' ? { REDIS_URL } : {}),
    ...options.env,
  };
  const config = loadConfig(env);
  const quiet = (level: string, message: string, fields?: Record<string, unknown>) => {
    if (level === 'error') process.stderr.write(`${message} ${JSON.stringify(fields)}\n`);
  };
  let gateway: RunningGateway | undefined;
  let worker: RunningWorker | undefined;
  try {
    gateway = await startGateway(config, { clock: options.clock, random: options.random, log: options.log ?? quiet });
    worker = options.queue === 'bullmq' ? await startWorker(config, { clock: options.clock }) : undefined;
  } catch (err) {
    await gateway?.close();
    await database.drop();
    throw err;
  }
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: GATEWAY_KEY, maxRetries: 0, timeout: 20_000, fetch: realmSafeFetch });
  return {
    gateway,
    worker,
    client,
    database,
    async close() {
      await gateway.close();
      await worker?.close();
      await database.drop();
    },
  };
}

/**
 * A fresh directory holding `yaml` as its router.yaml, and the settings every test process runs with:
 * its own queue prefix, quick statistics reads and record flushes, no logs. The caller adds
 * DATABASE_URL and REDIS_URL.
 */
export function testSettings(yaml: string, dirPrefix = 'router-test-'): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), dirPrefix));
  const configPath = join(dir, 'router.yaml');
  writeFileSync(configPath, yaml);
  return {
    ROUTER_CONFIG: configPath,
    PORT: '0',
    GATEWAY_API_KEYS: GATEWAY_KEY,
    LOG_LEVEL: 'silent',
    STATS_REFRESH_MS: '100',
    RECORD_FLUSH_MS: '20',
    QUEUE_PREFIX: `t${randomBytes(4).toString('hex')}`,
    DATA_DIR: dir,
  };
}

/** Polls until `check` passes or the deadline passes (then the last failure is thrown). */
/**
 * Sends `n` chat requests to route `auto` ("question 0", "question 1", ...) one after another and
 * returns the model that served each (`x-router-model`). With `settle`, each request's record and
 * score are written and read back before the next decision, so what the router has learned at each
 * step does not depend on the machine's speed.
 */
export async function servedModels(stack: Stack, n: number, options: { settle?: boolean } = {}): Promise<string[]> {
  const models: string[] = [];
  for (let i = 0; i < n; i++) {
    const { response } = await stack.client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: `question ${i}` }] }).withResponse();
    models.push(response.headers.get('x-router-model')!);
    if (options.settle) {
      await stack.gateway.runtime.records.flush();
      await stack.gateway.runtime.learned.refresh();
    }
  }
  return models;
}

/** The share of `models` that are `model`. */
export const shareOf = (models: readonly string[], model: string): number => models.filter((m) => m === model).length / models.length;

export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 10_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}

/** A stack's `log` that keeps each error line in `into` (fields cut at 300 characters), for suites that assert none was logged. */
export function collectErrorLogs(into: string[]): NonNullable<Parameters<typeof startStack>[0]['log']> {
  return (level, message, fields) => {
    if (level === 'error') into.push(`${message} ${JSON.stringify(fields).slice(0, 300)}`);
  };
}

/**
 * Node's fetch rejects an aborted request with a DOMException, which is no `Error` of Jest's module
 * realm, so the SDK could not tell its own timeout from a broken connection ("Connection error.", cause
 * `{}`). Re-thrown as this realm's Error with the same name, a timeout reads as one ("Request timed out.").
 */
export const realmSafeFetch: typeof fetch = (input, init) =>
  fetch(input, init).catch((err: { name?: string; message?: string; cause?: unknown }) => {
    throw Object.assign(new Error(err?.message ?? String(err), { cause: err?.cause }), { name: err?.name ?? 'Error' });
  });

export function routerYaml(upstreamUrl: string, extra = ''): string {
  return `
providers:
  - { id: fake, kind: openai-compatible, base_url: "${upstreamUrl}" }
models:
  - { id: cheap, provider: fake, upstream: cheap-upstream, input_per_1m: 0.1, output_per_1m: 0.4, context_window: 16000, timeouts: { first_byte_ms: 1500, idle_ms: 1500 } }
  - { id: strong, provider: fake, upstream: strong-upstream, input_per_1m: 5, output_per_1m: 15, context_window: 128000, timeouts: { first_byte_ms: 1500, idle_ms: 1500 } }
routes:
  - name: auto
    candidates: [cheap, strong]
    quality_floor: 0.8
${extra}`;
}
