import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gcPauses, type HeapSite } from './heap-sites';
import { interleavedLatency, pacedLoad, throughput } from './load';
import { forkHelper, startProduct, type ProductStack } from './stack';
import { median, percentile } from './stats';
import { targetsFor, useGatewayKey, type Target } from './targets';

/**
 * Where the gateway's allocations and collections come from (session 9, docs/benchmarks.md). After
 * `tsc -p tsconfig.build.json`: `node dist/bench/gateway/gc-profile.js [requests]`.
 * 1. Concurrency 1, `requests` requests (4,000): bytes allocated per request by function (V8's sampling
 *    heap profiler, everything allocated); then the same load on a fresh stack without the profiler,
 *    for the scavenges and mark-compacts and their pauses (`--trace-gc`).
 * 2. 500 req/s for 8 s: bytes per request that outlived a young-generation collection, by function.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `sample`: all allocations, survivors only, or none (the collections' pauses without the profiler's cost in them). */
async function profiled(upstreamUrl: string, sample: 'all' | 'survivors' | 'none', load: (gateway: Target) => Promise<number>): Promise<{ perRequest: number; sites: HeapSite[]; gc: string; requests: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'gc-profile-'));
  const outFile = join(dir, 'sites.json');
  const product: ProductStack = await startProduct(upstreamUrl, {
    rateLimitedKey: true,
    gatewayNodeArgs: ['--trace-gc', '-r', join(__dirname, 'heap-sampler.js')],
    env: sample === 'none' ? {} : { HEAP_SAMPLE_OUT: outFile, HEAP_SAMPLE_SURVIVORS: sample === 'survivors' ? '1' : '0' },
  });
  try {
    if (product.apiKey) useGatewayKey(product.apiKey);
    const gateway = targetsFor({ upstream: upstreamUrl, passThrough: upstreamUrl, gateway: product.gateway.url }).find((t) => t.name === 'gateway')!;
    await throughput(gateway, 'instant', 16, 2);
    let gc = '';
    product.gateway.child.stdout!.on('data', (d: Buffer) => (gc += d.toString()));
    // SIGUSR2 ends a process that has no handler for it: only the preloaded sampler has one.
    if (sample !== 'none') product.gateway.child.kill('SIGUSR2');
    await sleep(200);
    const requests = await load(gateway);
    if (sample === 'none') return { perRequest: NaN, sites: [], gc, requests };
    product.gateway.child.kill('SIGUSR2');
    for (let i = 0; i < 100 && !existsSync(outFile); i++) await sleep(100);
    const { totalBytes, sites } = JSON.parse(readFileSync(outFile, 'utf8')) as { totalBytes: number; sites: HeapSite[] };
    return { perRequest: totalBytes / requests, sites, gc, requests };
  } finally {
    await product.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function printSites(title: string, r: { perRequest: number; sites: HeapSite[]; requests: number }): void {
  console.log(`\n## ${title}: ${r.perRequest.toFixed(0)} bytes per request (${r.requests} requests)\n`);
  console.log('| bytes per request | allocated by |\n|---|---|');
  for (const s of r.sites.slice(0, 25)) console.log(`| ${(s.bytes / r.requests).toFixed(0)} | \`${s.site}\` |`);
}

async function main(): Promise<void> {
  const requests = Number(process.argv[2] ?? 4000);
  const upstream = await forkHelper('fake-upstream.js');
  try {
    const atConcurrency1 = async (gateway: Target) => {
      await interleavedLatency([gateway], 'instant', requests, 0);
      return requests;
    };
    printSites('Allocated at concurrency 1', await profiled(upstream.url, 'all', atConcurrency1));
    const { scavenges, markCompacts } = gcPauses((await profiled(upstream.url, 'none', atConcurrency1)).gc);
    console.log(
      `\nCollections in the same run without the profiler: ${scavenges.length} scavenges (one per ${(requests / Math.max(1, scavenges.length)).toFixed(0)} requests; pause median ${median(scavenges).toFixed(2)} ms, p90 ${percentile(scavenges, 90).toFixed(2)}, max ${Math.max(0, ...scavenges).toFixed(2)}), ${markCompacts.length} mark-compacts${markCompacts.length ? ` (${markCompacts.map((m) => m.toFixed(1)).join(', ')} ms)` : ''}.`,
    );
    const survivors = await profiled(upstream.url, 'survivors', async (gateway) => (await pacedLoad(gateway, 'instant', 500, 8, percentile)).completed);
    printSites('Outlived a young-generation collection at 500 req/s', survivors);
    const paced = gcPauses(survivors.gc);
    console.log(`\nCollections in those 8 s (profiler attached, so pauses are longer than without it): ${paced.scavenges.length} scavenges, ${paced.markCompacts.length} mark-compacts.`);
  } finally {
    upstream.child.kill();
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`gc-profile failed: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
