import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway, type RunningGateway } from '../apps/gateway/src/gateway';
import { loadConfig } from '../libs/config/src';
import { seededRandom, type Random } from '../libs/core/src';
import { demoRouterYaml, ZOO } from './demo/zoo';
import { startZooUpstream } from './demo/zoo-upstream';

const USAGE = `Usage: npm run demo -- [--requests 3000] [--concurrency 16] [--port 8080] [--time-scale 0.02] [--trickle 2]

Starts the gateway on the embedded default (PGlite, in-process queue; DATABASE_URL and REDIS_URL are
ignored) in front of a simulated model zoo, drives traffic through it, prints the dashboard URL and
admin key, and keeps running (with --trickle requests per second) until Ctrl-C.`;

interface DemoOptions {
  requests: number;
  concurrency: number;
  port: number;
  timeScale: number;
  trickle: number;
}

function parseArgs(argv: string[]): DemoOptions {
  const options: DemoOptions = { requests: 3000, concurrency: 16, port: 8080, timeScale: 0.02, trickle: 2 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const n = Number(argv[++i]);
    const check = (ok: boolean) => {
      if (!ok) throw new Error(`bad value for ${arg}\n\n${USAGE}`);
    };
    if (arg === '--requests') check(Number.isInteger(n) && n >= 1), (options.requests = n);
    else if (arg === '--concurrency') check(Number.isInteger(n) && n >= 1 && n <= 256), (options.concurrency = n);
    else if (arg === '--port') check(Number.isInteger(n) && n >= 0 && n <= 65535), (options.port = n);
    else if (arg === '--time-scale') check(n > 0 && n <= 10), (options.timeScale = n);
    else if (arg === '--trickle') check(n >= 0 && n <= 100), (options.trickle = n);
    else throw new Error(arg === '--help' ? USAGE : `unknown argument ${arg}\n\n${USAGE}`);
  }
  return options;
}

const ROUTES = ['code', 'general'] as const;
const RECENT = 200;

/** Which model served the last RECENT requests of each route, for the progress line. */
class RecentShares {
  private readonly served = new Map<string, string[]>();
  add(route: string, model: string): void {
    const list = this.served.get(route) ?? [];
    list.push(model);
    if (list.length > RECENT) list.shift();
    this.served.set(route, list);
  }
  leader(route: string): string {
    const list = this.served.get(route) ?? [];
    if (list.length === 0) return `${route}: -`;
    const counts = new Map<string, number>();
    for (const m of list) counts.set(m, (counts.get(m) ?? 0) + 1);
    const [model, n] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
    return `${route}: ${model} ${Math.round((100 * n) / list.length)}%`;
  }
}

async function send(gateway: RunningGateway, key: string, random: Random, i: number, shares: RecentShares, spent: { usd: number }): Promise<void> {
  const route = ROUTES[i % ROUTES.length];
  const stream = random() < 0.25;
  const res = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: route,
      stream,
      messages: [{ role: 'user', content: `[${route}] Question ${i}: answer with "ANSWER: <number>".` }],
    }),
  });
  await res.text();
  const model = res.headers.get('x-router-model');
  if (model) shares.add(route, model);
  spent.usd += Number(res.headers.get('x-router-cost-usd') ?? 0);
}

function progress(done: number, total: number, shares: RecentShares, spent: { usd: number }, tty: boolean): void {
  const width = 30;
  const filled = Math.round((done / total) * width);
  const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(done).padStart(String(total).length)}/${total}  ${ROUTES.map((r) => shares.leader(r)).join('  |  ')}  spent $${spent.usd.toFixed(4)}`;
  if (tty) process.stderr.write(`\r${line}\x1b[K`);
  else if (done === total || done % Math.max(1, Math.floor(total / 10)) === 0) process.stderr.write(`${line}\n`);
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const random = seededRandom(20261121);
  const zoo = await startZooUpstream(seededRandom(7), options.timeScale);
  const dir = mkdtempSync(join(tmpdir(), 'router-demo-'));
  const configPath = join(dir, 'router.yaml');
  writeFileSync(configPath, demoRouterYaml(zoo.url));
  const gatewayKey = `gw-demo-${randomBytes(12).toString('hex')}`;
  const adminKey = `admin-demo-${randomBytes(12).toString('hex')}`;
  // A fresh data directory: the router starts knowing nothing. Only these settings; the shell's
  // DATABASE_URL / REDIS_URL are deliberately not passed, so this is the embedded default.
  const env = (port: number) => ({
    ROUTER_CONFIG: configPath,
    DATA_DIR: join(dir, 'data'),
    HOST: '127.0.0.1',
    PORT: String(port),
    GATEWAY_API_KEYS: gatewayKey,
    ADMIN_API_KEY: adminKey,
    LOG_LEVEL: 'warn',
  });
  process.stderr.write(`Starting the gateway (embedded Postgres in ${join(dir, 'data')}) in front of a simulated zoo: ${ZOO.map((a) => a.model).join(', ')}\n`);
  let gateway: RunningGateway;
  try {
    gateway = await startGateway(loadConfig(env(options.port)));
  } catch (err) {
    if ((err as { code?: string }).code !== 'EADDRINUSE') throw err;
    process.stderr.write(`Port ${options.port} is busy; using a free one.\n`);
    gateway = await startGateway(loadConfig(env(0)));
  }
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    process.stderr.write('\nStopping...\n');
    void Promise.allSettled([gateway.close(), zoo.close()]).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const shares = new RecentShares();
  const spent = { usd: 0 };
  const tty = process.stderr.isTTY === true;
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (!stopping && next < options.requests) {
      const i = next++;
      await send(gateway, gatewayKey, random, i, shares, spent).catch(() => undefined);
      progress(++done, options.requests, shares, spent, tty);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  if (tty) process.stderr.write('\n');
  await gateway.runtime.records.flush();

  process.stdout.write(`
Dashboard:  ${gateway.url}/dashboard
Admin key:  ${adminKey}
Gateway:    ${gateway.url}/v1   (gateway key: ${gatewayKey})
Report:     ADMIN_API_KEY=${adminKey} npm run report -- --url ${gateway.url}
Metrics:    ${gateway.url}/metrics

Routes: "code" should settle on gpt-3.5-turbo (clears the 0.6 floor at ~1/14 of gpt-4's price);
"general" should move to gpt-4-1106 (the only model above its 0.7 floor).
${options.trickle > 0 ? `Still sending ${options.trickle} request(s) per second so the dashboard keeps moving. ` : ''}Ctrl-C to stop.
`);
  if (options.trickle > 0) {
    let i = options.requests;
    const timer = setInterval(() => {
      if (stopping) return clearInterval(timer);
      void send(gateway, gatewayKey, random, i++, shares, spent).catch(() => undefined);
    }, 1000 / options.trickle);
  }
}

main().catch((err: Error) => {
  process.stderr.write(`demo failed: ${err.message}\n`);
  process.exit(1);
});
