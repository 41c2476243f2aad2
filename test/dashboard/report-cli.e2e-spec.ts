import { parseArgs, runReport, type CliOptions } from '../../scripts/report-cli';
import { ADMIN_KEY, startLearningRun, waitForScores, type LearningRun } from './learning-run';

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

  it('rejects bad arguments and takes the key from ADMIN_API_KEY', () => {
    expect(parseArgs(['--window', '0'], {})).toEqual({ error: '--window must be an integer from 1 to 100000' });
    for (const n of ['0x10', '1e3', ' 5', '']) expect(parseArgs(['--window', n], {})).toEqual({ error: '--window must be an integer from 1 to 100000' });
    expect((parseArgs(['--window', '016'], {}) as CliOptions).window).toBe(16);
    expect(parseArgs(['--bogus'], {})).toEqual({ error: 'unknown argument --bogus' });
    expect(parseArgs(['--url'], {})).toEqual({ error: '--url needs a value' });
    expect((parseArgs([], { ADMIN_API_KEY: 'k' }) as CliOptions).key).toBe('k');
  });
});
