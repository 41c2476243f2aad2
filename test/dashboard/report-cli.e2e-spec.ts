import { createServer, type AddressInfo } from 'node:net';
import { parseArgs, runReport, type CliOptions } from '../../scripts/report-cli';
import { ADMIN_KEY, startLearningRun, waitForScores, type LearningRun } from './learning-run';

/** A port nothing listens on: one the system just handed out and that was closed again. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

describe('npm run report', () => {
  let run: LearningRun;

  beforeAll(async () => {
    run = await startLearningRun({ requests: 120 });
    await waitForScores(run);
  });
  afterAll(async () => {
    await run?.close();
  });

  const options = (argv: string[]): CliOptions => {
    const parsed = parseArgs(argv, {});
    if ('help' in parsed || 'error' in parsed) throw new Error(JSON.stringify(parsed));
    return parsed;
  };

  it('prints the learning report of a running gateway as tables', async () => {
    const text = await runReport(options(['--url', run.stack.gateway.url, '--key', ADMIN_KEY, '--buckets', '6', '--recent', '5']));
    const lines = text.split('\n');
    expect(lines[0]).toBe('== route auto (quality floor 0.8, budget $50.00/day) ==');
    expect(lines[1]).toMatch(/^now: cheap - cheapest model believed to clear the quality floor/);
    expect(lines[2]).toMatch(/^recorded: 120 requests, 0 failed, \$[\d.e-]+ spent$/);
    expect(lines.find((l) => /^cheap\s+\d+\s+\d+\s+[\d.]+%/.test(l))).toBeDefined();
    expect(lines.filter((l) => /^\s*[1-6]\s+\d\d:\d\d:\d\d\s+20\s/.test(l))).toHaveLength(6);
    expect(text).toMatch(/total: \$[\d.e-]+ spent vs \$[\d.e-]+ always-strongest \(saved \d+\.\d%\)/);
    expect(lines.filter((l) => /^\d\d:\d\d:\d\d\s+chatcmpl-/.test(l))).toHaveLength(5);
    expect(text).not.toContain(ADMIN_KEY);
  });

  it('emits JSON with --json, and fails clearly with a wrong key', async () => {
    const json = JSON.parse(await runReport(options(['--url', run.stack.gateway.url, '--key', ADMIN_KEY, '--json', '--route', 'auto']))) as { series: { data: Array<{ route: string }> } };
    expect(json.series.data.map((d) => d.route)).toEqual(['auto']);
    await expect(runReport(options(['--url', run.stack.gateway.url, '--key', 'wrong-key']))).rejects.toThrow(/HTTP 401/);
  });

  // The gateway logs its URL as http://host:port/v1 (the SDK's baseURL): pasted here it was a 404 for
  // '/v1/v1/router/report'; a gateway not listening was 'report failed: fetch failed'.
  it('takes the URL the gateway logs (with /v1), and says which address it cannot reach and why', async () => {
    for (const url of [`${run.stack.gateway.url}/v1`, `${run.stack.gateway.url}/v1/`, `${run.stack.gateway.url}/`]) {
      expect(options(['--url', url]).url).toBe(run.stack.gateway.url);
      await expect(runReport(options(['--url', url, '--key', ADMIN_KEY, '--json']))).resolves.toContain('"series"');
    }
    const closed = await closedPort();
    await expect(runReport(options(['--url', `http://127.0.0.1:${closed}`, '--key', ADMIN_KEY]))).rejects.toThrow(`cannot reach the gateway at http://127.0.0.1:${closed}: ECONNREFUSED`);
    for (const url of ['127.0.0.1:8080', 'gateway', 'ftp://127.0.0.1:8080']) {
      expect(parseArgs(['--url', url], {})).toEqual({ error: `--url must be an http(s) URL such as http://127.0.0.1:8080 (got '${url}')` });
    }
  });

  it('rejects bad arguments and takes the key from ADMIN_API_KEY', () => {
    expect(parseArgs(['--window', '0'], {})).toEqual({ error: '--window must be an integer from 1 to 100000' });
    for (const n of ['0x10', '1e3', ' 5', '']) expect(parseArgs(['--window', n], {})).toEqual({ error: '--window must be an integer from 1 to 100000' });
    expect((parseArgs(['--window', '016'], {}) as CliOptions).window).toBe(16);
    expect(parseArgs(['--bogus'], {})).toEqual({ error: 'unknown argument --bogus' });
    expect(parseArgs(['--url'], {})).toEqual({ error: '--url needs a value' });
    expect((parseArgs([], { ADMIN_API_KEY: 'k' }) as CliOptions).key).toBe('k');
  });
});
