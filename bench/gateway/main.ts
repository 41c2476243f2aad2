import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { interleavedLatency, pacedLoad, streamWaves, throughput, withOpenStreams, type StreamTiming } from './load';
import { summariseProfile, type CpuProfile } from './profile-summary';
import { forkHelper, startProduct, type ProductStack } from './stack';
import { cpuByRole, cpuSnapshot, percentile, processCpuMs, processRssKb, rssTrend } from './stats';
import { targetsFor, useGatewayKey, type Target } from './targets';

/**
 * `npm run bench:gateway [-- --quick] [-- --soak 600] [-- --profile | --profile-light | --profile-streams] [-- --streams N] [-- --throughput N [--worker-profile]] [-- --sporadic N]`: the gateway's overhead against
 * the upstream itself and a bare Node pass-through, measured side by side in one run.
 */
interface Options {
  quick: boolean;
  soakSeconds: number;
  profile: boolean;
  /** Profile the light load instead (concurrency 1, then 500 req/s), where the CPU per request is highest. */
  profileLight: boolean;
  /** Profile stream load only (`--profile-streams`): where a stream's CPU goes beyond the pass-through's. */
  profileStreams: boolean;
  /** Only the stream cells, this many times (`--streams 5`): to study time to first token and chunk transit. */
  streamsOnly: number;
  /** Only the 64-connection throughput cells (pass-through, gateway), this many times (`--throughput 3`). */
  throughputOnly: number;
  /** Only sporadic requests (`--sporadic 3`): concurrency 1 with a 300 ms pause between rounds, this many times. */
  sporadicOnly: number;
  /** With --throughput: CPU-profile the worker process too (`--worker-profile`, into bench/gateway/profiles). */
  workerProfile: boolean;
}

function parseArgs(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const soakAt = argv.indexOf('--soak');
  const streamsAt = argv.indexOf('--streams');
  const throughputAt = argv.indexOf('--throughput');
  return {
    quick,
    soakSeconds: soakAt >= 0 ? Number(argv[soakAt + 1]) : quick ? 10 : 60,
    profile: argv.includes('--profile') || argv.includes('--profile-light') || argv.includes('--profile-streams'),
    profileLight: argv.includes('--profile-light'),
    profileStreams: argv.includes('--profile-streams'),
    streamsOnly: streamsAt >= 0 ? Number(argv[streamsAt + 1] ?? 3) : 0,
    throughputOnly: throughputAt >= 0 ? Number(argv[throughputAt + 1] ?? 3) : 0,
    sporadicOnly: argv.includes('--sporadic') ? Number(argv[argv.indexOf('--sporadic') + 1] ?? 3) : 0,
    workerProfile: argv.includes('--worker-profile'),
  };
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const out: string[] = [];
const print = (line = '') => {
  out.push(line);
  process.stdout.write(`${line}\n`);
};
const f = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function table(header: string[], rows: string[][]): void {
  print(`| ${header.join(' | ')} |`);
  print(`|${header.map(() => '---').join('|')}|`);
  for (const r of rows) print(`| ${r.join(' | ')} |`);
  print();
}

/** The pause between rounds of `--sporadic`: three lease syncs (100 ms), so no lease is in use when a request arrives. */
const SPORADIC_GAP_MS = 300;

interface Verdict {
  target: string;
  measured: string;
  ok: boolean;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const q = options.quick;
  const upstream = await forkHelper('fake-upstream.js');
  const passThrough = await forkHelper('pass-through.js', [upstream.url]);
  const profileDir = join(__dirname, 'profiles');
  let product: ProductStack | undefined;
  process.once('SIGINT', () => {
    log('interrupted: stopping the processes and dropping the bench database');
    void Promise.resolve(product?.close())
      .then(() => Promise.all([passThrough.stop(), upstream.stop()]))
      .finally(() => process.exit(130));
  });
  try {
    if (options.profile || options.workerProfile) {
      rmSync(profileDir, { recursive: true, force: true });
      mkdirSync(profileDir, { recursive: true });
    }
    const prof = ['--cpu-prof', '--cpu-prof-dir', profileDir];
    // The full product path: the bench's requests use a key with rate limits (never reached), so every
    // request runs the rate-limit check as well as the budget reservation (before session 8 the bench's
    // static key had no limits and skipped it).
    product = await startProduct(upstream.url, { gatewayNodeArgs: options.profile ? prof : [], workerNodeArgs: options.workerProfile ? prof : [], rateLimitedKey: true });
    useGatewayKey(product.apiKey!);
    const gwPid = product.gateway.child.pid!;
    const targets = targetsFor({ upstream: upstream.url, passThrough: passThrough.url, gateway: product.gateway.url });
    const gateway = targets[2];
    if (options.profile) {
      await profile(targets, product, profileDir, q, options.profileLight ? 'light' : options.profileStreams ? 'streams' : 'load');
      product = undefined;
      return;
    }
    const streamPids = new Map([['pass-through', passThrough.child.pid!], ['gateway', gwPid]]);
    // Every process on the machine, for the CPU-by-process tables.
    const roles = { gateway: gwPid, worker: product.worker.child.pid!, 'pass-through': passThrough.child.pid!, upstream: upstream.child.pid!, 'bench (load)': process.pid };
    if (options.streamsOnly > 0) {
      // Same order as the full run: warm-up, a stretch at concurrency 1, then the stream cells.
      await interleavedLatency(targets, 'instant', q ? 300 : 1000, 0);
      await throughput(gateway, 'instant', 64, 2);
      for (let i = 0; i < options.streamsOnly; i++) {
        const lat = await interleavedLatency(targets, 'instant', q ? 500 : 2000, 20);
        const up = lat.get('upstream')!;
        print(`## Concurrency 1 before the streams, repetition ${i + 1}: added latency p50 / p99 (ms)`);
        print();
        table(['target', 'added p50', 'added p99'], targets.slice(1).map((t) => [t.name, f(percentile(lat.get(t.name)!, 50) - percentile(up, 50), 3), f(percentile(lat.get(t.name)!, 99) - percentile(up, 99), 3)]));
        print(`## Streams, repetition ${i + 1} of ${options.streamsOnly} (${q ? 'quick' : 'full'} cells)`);
        print();
        table(['upstream', 'target', 'TTFT p50', 'TTFT p99', 'added TTFT p50', 'chunk transit p50', 'chunk transit p99', 'added transit p99', 'chunks/stream', 'CPU ms per stream'], (await streamCells(targets, q, streamPids)).rows);
      }
      return;
    }
    if (options.sporadicOnly > 0) {
      // A request every ~300 ms per target: each finds the gateway idle (no lease in use, cold caches),
      // as low-traffic deployments see it. Added latency over the upstream, interleaved as at c=1.
      await interleavedLatency(targets, 'instant', 100, 0);
      for (let i = 0; i < options.sporadicOnly; i++) {
        const lat = await interleavedLatency(targets, 'instant', q ? 40 : 100, 5, SPORADIC_GAP_MS);
        const up = lat.get('upstream')!;
        print(`## Sporadic requests (one round every ${SPORADIC_GAP_MS} ms), repetition ${i + 1}: added latency p50 / p99 (ms)`);
        print();
        table(['target', 'added p50', 'added p99'], targets.slice(1).map((t) => [t.name, f(percentile(lat.get(t.name)!, 50) - percentile(up, 50), 3), f(percentile(lat.get(t.name)!, 99) - percentile(up, 99), 3)]));
      }
      return;
    }
    if (options.throughputOnly > 0) {
      await interleavedLatency(targets, 'instant', 300, 0);
      await throughput(gateway, 'instant', 64, 2);
      for (let i = 0; i < options.throughputOnly; i++) {
        const cells = new Map<string, { rps: number; rows: Array<{ role: string; ms: number }>; total: number }>();
        for (const t of targets.slice(1)) {
          log(`throughput ${t.name} @ 64 connections, repetition ${i + 1}`);
          const before = cpuSnapshot();
          const r = await throughput(t, 'instant', 64, q ? 2 : 6);
          cells.set(t.name, { rps: r.requestsPerSec, rows: cpuByRole(before, cpuSnapshot(), roles, { postgres: /^postgres/, redis: /^redis/ }), total: r.total });
          await sleep(1000);
        }
        const pass = cells.get('pass-through')!;
        const gw = cells.get('gateway')!;
        print(`## Throughput at 64 connections, repetition ${i + 1}: gateway ${f(gw.rps, 0)} req/s, pass-through ${f(pass.rps, 0)} (${f((gw.rps / pass.rps) * 100, 0)}%)`);
        print();
        table(['process', 'pass-through cell, CPU ms/req', 'gateway cell, CPU ms/req'], gw.rows.map((row) => [row.role, f((pass.rows.find((x) => x.role === row.role)?.ms ?? 0) / pass.total, 3), f(row.ms / gw.total, 3)]));
      }
      return;
    }
    const startedAt = new Date();
    const rssStartKb = processRssKb(gwPid);
    log('warm-up');
    await interleavedLatency(targets, 'instant', q ? 300 : 1000, 0);
    await throughput(gateway, 'instant', 64, 2);
    await sleep(500);
    const rssIdleKb = processRssKb(gwPid);
    const verdicts: Verdict[] = [];

    print(`# Gateway overhead (${q ? 'quick' : 'full'} run)`);
    print();
    print(`Date ${startedAt.toISOString()}; machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}; load average at start ${loadavg().map((x) => x.toFixed(1)).join(' ')}.`);
    print('Gateway: `node dist/apps/gateway/src/main.js` in its own process, real Postgres + BullMQ on Redis + worker process; route with 2 candidates, budget, 2 validators.');
    print();

    // 1. Memory first, while the heaps are still small: 1,000 open streams.
    print('## Memory with 1,000 open streams (RSS of the process under test, KB; measured right after the warm-up)');
    print();
    const memRows: string[][] = [];
    for (const [target, pid] of [[targets[1], passThrough.child.pid!], [gateway, gwPid]] as const) {
      log(`1,000 open streams -> ${target.name}`);
      await sleep(1000);
      const before = processRssKb(pid);
      const { opened, value: during } = await withOpenStreams(target, 1000, () => processRssKb(pid));
      await sleep(1000);
      const perStream = (during - before) / Math.max(1, opened);
      memRows.push([target.name, String(before), String(during), String(opened), f(perStream, 1)]);
      // RSS can fall while the streams open (a collection of the warm-up's garbage): then this run says nothing.
      const measurable = perStream > 0;
      if (target.name === 'gateway')
        verdicts.push({
          target: '< 50 KB per open stream',
          measured: measurable ? `${f(perStream, 1)} KB (${opened} streams)` : `not measured: RSS fell by ${f(-perStream, 1)} KB per stream while they opened (a GC); run again`,
          ok: measurable && perStream < 50 && opened === 1000,
        });
    }
    table(['target', 'RSS before', 'RSS with streams open', 'streams open', 'KB per stream'], memRows);

    // 2. Concurrency 1, interleaved rounds.
    print('## Latency at concurrency 1 (ms; interleaved rounds, one keep-alive connection per target)');
    print();
    const c1Rows: string[][] = [];
    for (const [kind, rounds] of [['instant', q ? 500 : 2000], ['slow', q ? 60 : 300]] as const) {
      log(`concurrency 1, ${kind} upstream, ${rounds} rounds`);
      const lat = await interleavedLatency(targets, kind, rounds, 20);
      const up = lat.get('upstream')!;
      for (const t of targets) {
        const xs = lat.get(t.name)!;
        c1Rows.push([kind, t.name, f(percentile(xs, 50), 3), f(percentile(xs, 99), 3), t.name === 'upstream' ? '-' : f(percentile(xs, 50) - percentile(up, 50), 3), t.name === 'upstream' ? '-' : f(percentile(xs, 99) - percentile(up, 99), 3), String(xs.length)]);
      }
      if (kind === 'instant') {
        const gw = lat.get('gateway')!;
        const addedP50 = percentile(gw, 50) - percentile(up, 50);
        const addedP99 = percentile(gw, 99) - percentile(up, 99);
        verdicts.push({ target: 'added latency p50 < 0.5 ms (c=1, instant)', measured: `${f(addedP50, 3)} ms`, ok: addedP50 < 0.5 });
        verdicts.push({ target: 'added latency p99 < 1.5 ms (c=1, instant)', measured: `${f(addedP99, 3)} ms`, ok: addedP99 < 1.5 });
      }
    }
    table(['upstream', 'target', 'p50', 'p99', 'added p50', 'added p99', 'n'], c1Rows);

    // 3. Streams: time to first token and per-chunk transit.
    print('## Streams (64 chunks, 20 ms apart; waves of concurrent streams started over one chunk interval)');
    print();
    const streams = await streamCells(targets, q, streamPids);
    verdicts.push({ target: 'added TTFT < 1 ms (p50, instant)', measured: `${f(streams.addedTtft50, 3)} ms`, ok: streams.addedTtft50 < 1 });
    verdicts.push({ target: 'inter-chunk added delay p99 < 0.1 ms', measured: `${f(streams.addedTransit99, 3)} ms`, ok: streams.addedTransit99 < 0.1 });
    const streamRows = streams.rows;
    table(['upstream', 'target', 'TTFT p50', 'TTFT p99', 'added TTFT p50', 'chunk transit p50', 'chunk transit p99', 'added transit p99', 'chunks/stream', 'CPU ms per stream'], streamRows);

    // 4. Soak at 500 req/s, before the overload phases (a 2,000 req/s backlog would dominate its start).
    log(`soak: ${options.soakSeconds} s at 500 req/s -> gateway`);
    print(`## Soak (${options.soakSeconds} s at 500 req/s, non-streamed, gateway RSS in KB)`);
    print();
    // Growth is measured from the end of the first slice (heaps warmed up at this rate).
    const slices = Math.max(2, Math.round(options.soakSeconds / 10));
    const samples: number[] = [];
    let soakFailed = 0;
    for (let i = 0; i < slices; i++) {
      soakFailed += (await pacedLoad(gateway, 'instant', 500, options.soakSeconds / slices, percentile)).failed;
      samples.push(processRssKb(gwPid));
    }
    const soakStart = samples[0];
    const soakEnd = samples[samples.length - 1];
    table(
      ['gateway RSS at start', 'idle after warm-up', 'soak start (after 1st slice)', 'soak end', 'RSS after each slice', 'failed'],
      [[String(rssStartKb), String(rssIdleKb), String(soakStart), String(soakEnd), samples.join(' '), String(soakFailed)]],
    );
    const trend = rssTrend(samples);
    print(`RSS trend: median of the first quarter ${trend.early} KB, of the last quarter ${trend.late} KB (${f(trend.growth * 100, 1)}%); first to last sample ${soakStart} -> ${soakEnd} KB.`);
    print();
    verdicts.push({ target: `no RSS growth over the soak (${options.soakSeconds} s at 500 req/s)`, measured: `quarter medians ${trend.early} -> ${trend.late} KB (${f(trend.growth * 100, 1)}%)`, ok: trend.growth < 0.05 });

    // 5. Closed-loop throughput (autocannon), instant upstream, non-streamed.
    print(`## Throughput (autocannon, no pipelining, instant upstream, ${q ? 2 : 6} s per cell)`);
    print();
    const tpRows: string[][] = [];
    const rps = new Map<string, number>();
    let cpuPerReqAt64 = NaN;
    let passCpuPerReqAt64 = NaN;
    // Every process on the machine during the 64-connection cells: what the whole product costs per request.
    const machineAt64 = new Map<string, { rows: Array<{ role: string; ms: number }>; total: number }>();
    for (const connections of [16, 64, 256]) {
      for (const t of targets) {
        log(`throughput ${t.name} @ ${connections} connections`);
        // CPU of the process under test (the gateway, or the bare pass-through) per request served.
        const pid = t.name === 'gateway' ? gwPid : t.name === 'pass-through' ? passThrough.child.pid! : undefined;
        const cpuBefore = pid ? processCpuMs(pid) : 0;
        const machineBefore = connections === 64 ? cpuSnapshot() : undefined;
        const r = await throughput(t, 'instant', connections, q ? 2 : 6);
        const cpuMs = pid ? processCpuMs(pid) - cpuBefore : NaN;
        if (machineBefore && r.total > 0) machineAt64.set(t.name, { rows: cpuByRole(machineBefore, cpuSnapshot(), roles, { postgres: /^postgres/, redis: /^redis/ }), total: r.total });
        const cpuPerReq = pid && r.total > 0 ? cpuMs / r.total : NaN;
        if (t.name === 'gateway' && connections === 64) cpuPerReqAt64 = cpuPerReq;
        if (t.name === 'pass-through' && connections === 64) passCpuPerReqAt64 = cpuPerReq;
        rps.set(`${t.name}@${connections}`, r.requestsPerSec);
        tpRows.push([String(connections), t.name, f(r.requestsPerSec, 0), f(r.p50Ms, 1), f(r.p99Ms, 1), String(r.non2xx + r.errors), pid ? f(cpuPerReq, 3) : '-']);
        await sleep(300);
      }
    }
    table(['connections', 'target', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'CPU ms/req of the process under test'], tpRows);
    print('Machine CPU during the 64-connection cells, ms per request served, by process (2 cores = 2,000 ms of CPU per second):');
    print();
    const machineTargets = targets.filter((t) => machineAt64.has(t.name));
    const roleNames = machineAt64.get(machineTargets[0]?.name ?? '')?.rows.map((r) => r.role) ?? [];
    table(
      ['process', ...machineTargets.map((t) => `${t.name} cell`)],
      roleNames.map((role) => [role, ...machineTargets.map((t) => {
        const m = machineAt64.get(t.name)!;
        return f((m.rows.find((r) => r.role === role)?.ms ?? 0) / m.total, 3);
      })]),
    );
    const ratio = (rps.get('gateway@64') ?? 0) / (rps.get('pass-through@64') ?? 1);
    verdicts.push({ target: 'throughput @64 >= 60% of pass-through', measured: `${f(ratio * 100, 0)}% (${f(rps.get('gateway@64') ?? NaN, 0)} vs ${f(rps.get('pass-through@64') ?? NaN, 0)} req/s)`, ok: ratio >= 0.6 });

    // 6. Open-loop constant rate.
    print(`## Constant rate (open loop, latency from each request's due time, instant upstream, ${q ? 2 : 6} s per cell)`);
    print();
    const paceRows: string[][] = [];
    let cpuPerReqAt500 = NaN;
    for (const rate of [500, 2000]) {
      for (const t of targets) {
        log(`constant rate ${rate}/s -> ${t.name}`);
        const cpuBefore = processCpuMs(gwPid);
        const r = await pacedLoad(t, 'instant', rate, q ? 2 : 6, percentile);
        const cpuPerReq = t.name === 'gateway' && r.completed > 0 ? (processCpuMs(gwPid) - cpuBefore) / r.completed : NaN;
        if (t.name === 'gateway' && rate === 500) cpuPerReqAt500 = cpuPerReq;
        paceRows.push([String(rate), t.name, f(r.achievedRate, 0), f(r.p50Ms, 2), f(r.p99Ms, 2), String(r.failed), t.name === 'gateway' ? f(cpuPerReq, 3) : '-']);
        await sleep(300);
      }
    }
    table(['offered req/s', 'target', 'achieved req/s', 'p50 ms', 'p99 ms', 'failed', 'gateway CPU ms/req'], paceRows);

    print(`Load average at the end: ${loadavg().map((x) => x.toFixed(1)).join(' ')} (other processes on the machine share the 2 cores).`);
    print();
    print('## Summary against the targets');
    print();
    print(`Gateway CPU per request: ${f(cpuPerReqAt64, 3)} ms at 64 connections (bare pass-through: ${f(passCpuPerReqAt64, 3)} ms), ${f(cpuPerReqAt500, 3)} ms at 500 req/s. RSS idle ${rssIdleKb} KB.`);
    print();
    table(['target', 'measured', 'met'], verdicts.map((v) => [v.target, v.measured, v.ok ? 'yes' : '**no**']));
  } finally {
    await product?.close();
    await passThrough.stop();
    await upstream.stop();
  }
}

/** The stream cells: waves of concurrent streams against each target, instant then slow upstream. */
async function streamCells(targets: Target[], quick: boolean, pids: Map<string, number>): Promise<{ rows: string[][]; addedTtft50: number; addedTransit99: number }> {
  const rows: string[][] = [];
  let addedTtft50 = NaN;
  let addedTransit99 = NaN;
  for (const [kind, waves, width] of [['instant', quick ? 2 : 4, quick ? 8 : 16], ['slow', quick ? 1 : 2, quick ? 8 : 16]] as const) {
    log(`streams, ${kind} upstream, ${waves} waves of ${width}`);
    const cpu = { pids, ms: new Map<string, number>() };
    const res = await streamWaves(targets, kind, waves, width, cpu);
    const stat = (ts: StreamTiming[]) => {
      const ttft = ts.map((t) => t.ttftMs);
      const transit = ts.flatMap((t) => t.transitMs);
      return { ttft50: percentile(ttft, 50), ttft99: percentile(ttft, 99), tr50: percentile(transit, 50), tr99: percentile(transit, 99), chunks: ts.reduce((a, t) => a + t.chunks, 0) / ts.length };
    };
    const up = stat(res.get('upstream')!);
    for (const t of targets) {
      const s = stat(res.get(t.name)!);
      const direct = t.name === 'upstream';
      const cpuMs = cpu.ms.get(t.name);
      const cpuPerStream = cpuMs === undefined ? '-' : f(cpuMs / res.get(t.name)!.length, 2);
      rows.push([kind, t.name, f(s.ttft50, 3), f(s.ttft99, 3), direct ? '-' : f(s.ttft50 - up.ttft50, 3), f(s.tr50, 3), f(s.tr99, 3), direct ? '-' : f(s.tr99 - up.tr99, 3), f(s.chunks, 0), cpuPerStream]);
      if (kind === 'instant' && t.name === 'gateway') {
        addedTtft50 = s.ttft50 - up.ttft50;
        addedTransit99 = s.tr99 - up.tr99;
      }
    }
  }
  return { rows, addedTtft50, addedTransit99 };
}

/** Runs the gateway under `--cpu-prof` through throughput and stream load, then summarises the profile. */
async function profile(targets: Target[], product: ProductStack, dir: string, quick: boolean, mode: 'light' | 'streams' | 'load'): Promise<void> {
  const gateway = targets[2];
  log(
    mode === 'light'
      ? 'profiling: warm-up, then concurrency 1, then 500 req/s'
      : mode === 'streams'
        ? 'profiling: warm-up, then streams only'
        : 'profiling: warm-up, then 64 connections non-streamed, then streams',
  );
  await throughput(gateway, 'instant', 16, 2);
  if (mode === 'streams') await streamWaves([gateway], 'instant', 1, 16);
  const loadStartUs = Number(process.hrtime.bigint() / 1000n);
  if (mode === 'light') {
    await interleavedLatency([gateway], 'instant', quick ? 1000 : 3000, 0);
    await pacedLoad(gateway, 'instant', 500, quick ? 5 : 15, percentile);
  } else if (mode === 'streams') {
    await streamWaves([gateway], 'instant', quick ? 4 : 12, 16);
  } else {
    await throughput(gateway, 'instant', 64, quick ? 5 : 15);
    await streamWaves([gateway], 'instant', quick ? 2 : 4, 32);
  }
  await product.close();
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile written in ${dir}`);
  const summary = summariseProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile, 30, loadStartUs);
  print(`Profile ${join(dir, file)}: ${f(summary.total, 0)} ms of CPU under load (start-up, warm-up and idle excluded).`);
  print();
  table(['component', 'self ms', 'share'], summary.components.map((c) => [c.name, f(c.ms, 0), `${f(c.share * 100, 1)}%`]));
  table(['function (self time)', 'component', 'self ms', 'share'], summary.functions.map((r) => [`\`${r.name}\``, r.component, f(r.ms, 0), `${f(r.share * 100, 1)}%`]));
  table(['project function (inclusive)', 'ms', 'share'], summary.inclusive.map((r) => [`\`${r.name}\``, f(r.ms, 0), `${f(r.share * 100, 1)}%`]));
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`bench:gateway failed: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
