import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import Redis from 'ioredis';
import { Client } from 'pg';

export const E2E_GATEWAY_KEY = 'gw-routing-e2e-key-0123456789';
const POSTGRES_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = 'redis://127.0.0.1:6379';
const DIST = resolve(__dirname, '..', '..', '..');

export interface ProductStack {
  /** The gateway's base URL, without `/v1`. */
  gatewayUrl: string;
  databaseUrl: string;
  configPath: string;
  close(): Promise<void>;
}

/**
 * The product as deployed, on the routing file `routerYaml`: a fresh Postgres database, BullMQ on
 * Redis under a unique prefix, the gateway and the scoring worker each in its own process
 * (`node dist/apps/{gateway,worker}/src/main.js`). `close` stops both and drops the database and keys.
 */
export async function startProductStack(routerYaml: string, env: Record<string, string> = {}): Promise<ProductStack> {
  const databaseName = `bench_e2e_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${databaseName}`);
  const dir = mkdtempSync(join(tmpdir(), 'bench-routing-e2e-'));
  const configPath = join(dir, 'router.yaml');
  writeFileSync(configPath, routerYaml);
  const queuePrefix = `e2e${randomBytes(4).toString('hex')}`;
  const databaseUrl = `postgres://postgres@127.0.0.1:5432/${databaseName}`;
  const productEnv = {
    ROUTER_CONFIG: configPath,
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    GATEWAY_API_KEYS: E2E_GATEWAY_KEY,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
    DATA_DIR: dir,
    ...env,
  };
  const children: ChildProcess[] = [];
  const cleanup = async () => {
    for (const child of children.reverse()) await stopChild(child);
    await adminQuery(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
    const redis = new Redis(REDIS_URL, { lazyConnect: true });
    await redis.connect();
    const keys = await redis.keys(`${queuePrefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const gateway = await spawnProduct('apps/gateway/src/main.js', productEnv, 'gateway listening', children);
    const worker = spawnProduct('apps/worker/src/main.js', productEnv, 'worker started', children);
    await worker;
    return { gatewayUrl: String(gateway.url).replace(/\/v1$/, ''), databaseUrl, configPath, close: cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
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

/** Spawns `dist/<entry>` and resolves with its JSON log line `readyMsg`; warnings and errors go to stderr (a few of each). */
function spawnProduct(entry: string, env: Record<string, string>, readyMsg: string, children: ChildProcess[]): Promise<Record<string, unknown>> {
  const child = spawn(process.execPath, [join(DIST, entry)], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(`[${entry}] ${d}`));
  return new Promise((ok, fail) => {
    child.once('exit', (code) => fail(new Error(`${entry} exited with ${code} before it was ready`)));
    const repeats = new Map<string, number>();
    let ready = false;
    createInterface({ input: child.stdout! }).on('line', (text) => {
      let line: Record<string, unknown> = {};
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        /* not a log line */
      }
      if (!ready && line.msg === readyMsg) {
        ready = true;
        ok(line);
      } else if (line.level === 'warn' || line.level === 'error') {
        const seen = (repeats.get(String(line.msg)) ?? 0) + 1;
        repeats.set(String(line.msg), seen);
        if (seen <= 3) process.stderr.write(`[${entry}] ${text}\n`);
        else if (seen === 4) process.stderr.write(`[${entry}] (further "${String(line.msg)}" lines not shown)\n`);
      }
    });
  });
}
