import { parseDecimalInteger } from '../libs/core/src/decimal-integer';
import { renderReport, type RecentReport, type SeriesReport, type SummaryReport } from './report/render-report';

const USAGE = `Usage: npm run report -- [--url http://127.0.0.1:8080] [--key <admin key>] [--route <name>] [--window 2000] [--buckets 12] [--recent 15] [--json]

Prints the router's learning report from a running gateway as terminal tables.
The admin key can also come from the ADMIN_API_KEY environment variable (keeps it out of the shell history).`;

export interface CliOptions {
  url: string;
  key?: string;
  route?: string;
  window: number;
  buckets: number;
  recent: number;
  json: boolean;
}

export function parseArgs(argv: string[], env: Record<string, string | undefined>): CliOptions | { help: true } | { error: string } {
  const options: CliOptions = { url: 'http://127.0.0.1:8080', key: env.ADMIN_API_KEY, window: 2000, buckets: 12, recent: 15, json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    const int = (min: number, max: number) => {
      const n = parseDecimalInteger(value());
      if (n === undefined || n < min || n > max) throw new Error(`${arg} must be an integer from ${min} to ${max}`);
      return n;
    };
    try {
      if (arg === '--help' || arg === '-h') return { help: true };
      else if (arg === '--url') options.url = gatewayOrigin(value());
      else if (arg === '--key') options.key = value();
      else if (arg === '--route') options.route = value();
      else if (arg === '--window') options.window = int(1, 100_000);
      else if (arg === '--buckets') options.buckets = int(1, 500);
      else if (arg === '--recent') options.recent = int(0, 1000);
      else if (arg === '--json') options.json = true;
      else return { error: `unknown argument ${arg}` };
    } catch (err) {
      return { error: (err as Error).message };
    }
  }
  return options;
}

/**
 * The gateway's address as the report paths need it. The gateway logs its URL with `/v1` (the SDK's
 * `baseURL`), so that is taken off rather than becoming a 404 for `/v1/v1/router/report`.
 */
function gatewayOrigin(text: string): string {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new Error(`--url must be an http(s) URL such as http://127.0.0.1:8080 (got '${text}')`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '')}`;
}

async function get<T>(options: CliOptions, path: string): Promise<T> {
  const res = await fetch(`${options.url}${path}`, { headers: options.key ? { authorization: `Bearer ${options.key}` } : {} }).catch((err: Error & { cause?: { code?: string; message?: string } }) => {
    // undici's own message is only 'fetch failed'; the reason (ECONNREFUSED, ENOTFOUND, ...) is its cause.
    throw new Error(`cannot reach the gateway at ${options.url}: ${err.cause?.code ?? err.cause?.message ?? err.message}`);
  });
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  if (!res.ok) throw new Error(`${path.split('?')[0]}: HTTP ${res.status}: ${body?.error?.message ?? 'no details'}`);
  return body as T;
}

/** Fetches the three reports and renders them (or their JSON). */
export async function runReport(options: CliOptions): Promise<string> {
  const route = options.route ? `&route=${encodeURIComponent(options.route)}` : '';
  const [summary, series, recent] = await Promise.all([
    get<SummaryReport>(options, `/v1/router/report?window=${options.window}`),
    get<SeriesReport>(options, `/v1/router/timeseries?limit=${options.window}&buckets=${options.buckets}${route}`),
    options.recent > 0 ? get<RecentReport>(options, `/v1/router/requests?limit=${options.recent}${route}`) : Promise.resolve(null),
  ]);
  if (options.route) summary.routes = summary.routes.filter((r) => r.route === options.route);
  return options.json ? JSON.stringify({ summary, series, recent }, null, 2) : renderReport(summary, series, recent);
}

async function main(): Promise<void> {
  const parsed = parseArgs(process.argv.slice(2), process.env);
  if ('help' in parsed) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if ('error' in parsed) {
    process.stderr.write(`${parsed.error}\n\n${USAGE}\n`);
    process.exit(2);
  }
  process.stdout.write(`${await runReport(parsed)}\n`);
}

if (require.main === module) {
  main().catch((err: Error) => {
    process.stderr.write(`report failed: ${err.message}\n`);
    process.exit(1);
  });
}
