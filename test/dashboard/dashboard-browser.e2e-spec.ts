import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ADMIN_KEY, startLearningRun, waitForScores, type LearningRun } from './learning-run';

/** The machine's Chromium (Debian: `apt-get install -y chromium`), driven headless. */
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');

interface ChartData {
  labels: string[];
  datasets: Array<{ label: string; data: Array<number | null> }>;
}

/** What the test reads inside the page (the spec is compiled without DOM types). */
interface PageGlobals {
  document: { body: { dataset: Record<string, string | undefined> } };
  Chart: { getChart(id: string): { data: ChartData } | undefined };
}

describe('dashboard in a browser', () => {
  let run: LearningRun;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const requested: string[] = [];

  beforeAll(async () => {
    run = await startLearningRun({ requests: 300 });
    await waitForScores(run);
    profile = mkdtempSync(join(tmpdir(), 'router-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1400, height: 1800 },
    });
    browser = context.browser()!;
    page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (r) => requested.push(r.url()));
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await run?.close();
  });

  it('asks for the admin key, then charts the traffic moving to the cheaper model', async () => {
    await page.goto(`${run.stack.gateway.url}/dashboard`);
    await page.locator('#admin-key').fill('not-the-key');
    await page.locator('#login-button').click();
    await page.locator('#login-error').filter({ hasText: /Incorrect admin key/ }).waitFor({ timeout: 10_000 });

    await page.locator('#admin-key').fill(ADMIN_KEY);
    await page.locator('#login-button').click();
    // Functions, not strings: the page's CSP forbids eval.
    await page.waitForFunction(() => Number((globalThis as unknown as PageGlobals).document.body.dataset.loaded ?? 0) >= 1);

    // The data the charts draw, read from Chart.js itself.
    const chartData = (id: string) => page.evaluate((canvas) => (globalThis as unknown as PageGlobals).Chart.getChart(canvas)!.data, id);
    const share = await chartData('chart-share');
    expect(share.labels.length).toBeGreaterThanOrEqual(10);
    const cheap = share.datasets.find((d) => d.label === 'cheap')!.data as number[];
    const strong = share.datasets.find((d) => d.label === 'strong')!.data as number[];
    const third = Math.floor(cheap.length / 3);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(cheap.slice(-third))).toBeGreaterThan(mean(cheap.slice(0, third)));
    expect(mean(cheap.slice(-third))).toBeGreaterThanOrEqual(0.8);
    expect(mean(strong.slice(-third))).toBeLessThan(mean(strong.slice(0, third)));

    const savings = await chartData('chart-savings');
    const actual = savings.datasets[0].data as number[];
    const baseline = savings.datasets[1].data as number[];
    expect(actual[actual.length - 1]).toBeLessThan(baseline[baseline.length - 1]);

    // Beliefs table favours the cheap model; recent requests are listed and open into a drill-down.
    await expect(page.locator('#decision').textContent()).resolves.toMatch(/^Now: cheap/);
    // The breakdown by caller tag: two call sites, most requested first (100 of 300 are tagged mobile).
    const tagRows = await page.locator('#tags tbody tr').allTextContents();
    expect(tagRows).toHaveLength(2);
    expect(tagRows[0]).toMatch(/^web200\$/);
    expect(tagRows[1]).toMatch(/^mobile100\$/);
    expect(await page.locator('#recent tbody tr').count()).toBe(25);
    await page.locator('#recent tbody tr').first().click();
    await page.locator('#detail').waitFor({ state: 'visible' });
    const detail = JSON.parse((await page.locator('#detail-body').textContent())!) as { object: string; attempts: unknown[] };
    expect(detail.object).toBe('router.request');
    expect(detail.attempts.length).toBeGreaterThanOrEqual(1);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });

    // The key went only into headers: never into a URL the page loaded.
    expect(requested.length).toBeGreaterThan(5);
    for (const url of requested) expect(url).not.toContain(ADMIN_KEY);
  });
});
