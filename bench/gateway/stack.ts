import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import Redis from 'ioredis';
import { Client } from 'pg';

export const GATEWAY_KEY = 'gw-bench-key-0123456789abcdef';
const POSTGRES_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = 'redis://127.0.0.1:6379';
const DIST = resolve(__dirname, '..', '..');

/** The routing file: one route per upstream behaviour, two candidates each, a budget and a validator. */
export function benchRouterYaml(upstreamUrl: string): string {
  const modes = ['instant', 'slow', 'hold'];
  return [
    'providers:',
    ...modes.map((m) => `  - { id: up-${m}, kind: openai-compatible, base_url: "${upstreamUrl}/${m}/v1" }`),
    'models:',
    ...modes.flatMap((m) => [
      `  - { id: ${m}-cheap, provider: up-${m}, upstream: cheap, input_per_1m: 0.1, output_per_1m: 0.4, context_window: 16000 }`,
      `  - { id: ${m}-strong, provider: up-${m}, upstream: strong, input_per_1m: 5, output_per_1m: 15, context_window: 128000 }`,
    ]),
    'routes:',
    ...modes.map(
      (m) => `  - { name: ${m}, candidates: [${m}-cheap, ${m}-strong], quality_floor: 0.8, budget_usd_per_day: 1000000, validators: [{ type: refusal }, { type: max_length, chars: 100000 }] }`,
    ),
    '',
  ].join('\n');
}

export interface ChildHandle {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(force);
      done();
    });
    child.kill('SIGTERM');
  });
}

/** Forks a bench helper (fake upstream, pass-through) that reports `{ ready: url }` over IPC. */
export function forkHelper(script: string, args: string[] = []): Promise<ChildHandle> {
  const child = fork(join(__dirname, script), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((ok, fail) => {
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`${script} exited with ${code}`)));
    child.once('message', (m: { ready?: string }) => {
      if (!m.ready) return fail(new Error(`${script}: unexpected message`));
      child.disconnect();
      ok({ child, url: m.ready, stop: () => stopChild(child) });
    });
  });
}

/** Spawns a product process (`dist/apps/...`) and waits for the JSON log line `readyMsg`. */
function spawnProduct(entry: string, env: Record<string, string>, readyMsg: string, nodeArgs: string[]): Promise<{ child: ChildProcess; line: Record<string, unknown> }> {
  const child = spawn(process.execPath, [...nodeArgs, join(DIST, entry)], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(`[${entry}] ${d}`));
  return new Promise((ok, fail) => {
    child.once('exit', (code) => fail(new Error(`${entry} exited with ${code} before it was ready`)));
    const lines = createInterface({ input: child.stdout! });
    let ready = false;
    const repeats = new Map<string, number>();
    lines.on('line', (text) => {
      let line: Record<string, unknown> = {};
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        /* not a log line */
      }
      if (!ready && line.msg === readyMsg) {
        ready = true;
        ok({ child, line });
      } else if (line.level === 'warn' || line.level === 'error') {
        // Print each distinct message a few times only (a failing dependency can log per request).
        const seen = (repeats.get(String(line.msg)) ?? 0) + 1;
        repeats.set(String(line.msg), seen);
        if (seen <= 3) process.stderr.write(`[${entry}] ${text}\n`);
        else if (seen === 4) process.stderr.write(`[${entry}] (further "${String(line.msg)}" lines not shown)\n`);
      }
    });
  });
}

/** The bench's admin key (ADMIN_API_KEY), for creating its rate-limited API key. */
export const BENCH_ADMIN_KEY = 'gw-bench-admin-0123456789abcdef';

/**
 * Limits of the bench's rate-limited key (`rateLimitedKey`): never reached at this machine's rates
 * (about 10^5 requests and 10^9 tokens a minute at most; the columns hold up to 2^31 - 1), so every request runs the rate-limit check and passes.
 */
export const BENCH_RPM = 10_000_000;
export const BENCH_TPM = 2_000_000_000;

export interface ProductStack {
  gateway: ChildHandle;
  worker: ChildHandle;
  databaseName: string;
  databaseUrl: string;
  /** The routing file the processes run on. */
  configPath: string;
  /** With `rateLimitedKey`: an API key created through the admin API with rpm and tpm limits (BENCH_RPM, BENCH_TPM). */
  apiKey?: string;
  close(): Promise<void>;
}

export interface ProductOptions {
  gatewayNodeArgs?: string[];
  workerNodeArgs?: string[];
  /** Extra environment for both processes (e.g. STATS_REFRESH_MS). */
  env?: Record<string, string>;
  /** The gateway API key the processes accept; GATEWAY_KEY by default. */
  gatewayKey?: string;
  /** Prefix of the database name and temporary directory. */
  name?: string;
  /** Also create an API key with rate limits (never reached), so requests made with it run the rate-limit check. */
  rateLimitedKey?: boolean;
}

/** The gateway bench's product: `benchRouterYaml` on `upstreamUrl`. */
export function startProduct(upstreamUrl: string, options: ProductOptions = {}): Promise<ProductStack> {
  return startProductOn(benchRouterYaml(upstreamUrl), options);
}

/**
 * The whole product as deployed, on the routing file `routerYaml`: a fresh Postgres database, BullMQ
 * on Redis under a unique prefix, the gateway and the scoring worker each in their own process
 * (`node dist/apps/.../main.js`). `close` stops both and drops the database and keys.
 */
export async function startProductOn(routerYaml: string, options: ProductOptions = {}): Promise<ProductStack> {
  const name = options.name ?? 'bench_gw';
  const databaseName = `${name}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${databaseName}`);
  const dir = mkdtempSync(join(tmpdir(), `${name.replace(/_/g, '-')}-`));
  const configPath = join(dir, 'router.yaml');
  writeFileSync(configPath, routerYaml);
  const queuePrefix = `bench${randomBytes(4).toString('hex')}`;
  const databaseUrl = `postgres://postgres@127.0.0.1:5432/${databaseName}`;
  const env = {
    ROUTER_CONFIG: configPath,
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    GATEWAY_API_KEYS: options.gatewayKey ?? GATEWAY_KEY,
    ...(options.rateLimitedKey ? { ADMIN_API_KEY: BENCH_ADMIN_KEY } : {}),
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
    DATA_DIR: dir,
    ...options.env,
  };
  const cleanup = async () => {
    await adminQuery(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
    const redis = new Redis(REDIS_URL, { lazyConnect: true });
    await redis.connect();
    const keys = await redis.keys(`${queuePrefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    rmSync(dir, { recursive: true, force: true });
  };
  let gatewayChild: ChildProcess | undefined;
  try {
    const gw = await spawnProduct('apps/gateway/src/main.js', env, 'gateway listening', options.gatewayNodeArgs ?? []);
    gatewayChild = gw.child;
    const url = String(gw.line.url).replace(/\/v1$/, '');
    const wk = await spawnProduct('apps/worker/src/main.js', env, 'worker started', options.workerNodeArgs ?? []);
    const gateway = { child: gw.child, url, stop: () => stopChild(gw.child) };
    const worker = { child: wk.child, url: '', stop: () => stopChild(wk.child) };
    const apiKey = options.rateLimitedKey ? await createRateLimitedKey(url) : undefined;
    return {
      gateway,
      worker,
      databaseName,
      databaseUrl,
      configPath,
      apiKey,
      async close() {
        await gateway.stop();
        await worker.stop();
        await cleanup();
      },
    };
  } catch (err) {
    if (gatewayChild) await stopChild(gatewayChild);
    await cleanup();
    throw err;
  }
}

async function createRateLimitedKey(gatewayUrl: string): Promise<string> {
  const res = await fetch(`${gatewayUrl}/v1/admin/keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_ADMIN_KEY}` },
    body: JSON.stringify({ tenant_id: 'default', name: 'bench', rpm: BENCH_RPM, tpm: BENCH_TPM }),
  });
  const body = (await res.json()) as { key?: string };
  if (res.status !== 200 && res.status !== 201) throw new Error(`creating the bench's rate-limited key: HTTP ${res.status}`);
  if (!body.key) throw new Error("creating the bench's rate-limited key: no key in the answer");
  return body.key;
}

async function adminQuery(text: string): Promise<void> {
  const admin = new Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}
