import { setMaxListeners } from 'node:events';
import autocannon from 'autocannon';
import { Client, Pool, type Dispatcher } from 'undici';
import { processCpuMs } from './stats';
import { chatBody, REQUEST_HEADERS, type Target, type UpstreamKind } from './targets';

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One non-streamed request; resolves to its latency in ms (throws on a non-200). */
export async function timedRequest(client: Dispatcher, target: Target, kind: UpstreamKind, body: string): Promise<number> {
  const started = nowMs();
  const res = await client.request({ path: target.path(kind), method: 'POST', headers: REQUEST_HEADERS, body });
  await res.body.text();
  const took = nowMs() - started;
  if (res.statusCode !== 200) throw new Error(`${target.name}: HTTP ${res.statusCode}`);
  return took;
}

/**
 * Concurrency 1, interleaved: each round sends one request to every target in turn (the order
 * rotates), so slow drifts of the machine hit all targets alike. One keep-alive connection each.
 * `gapMs` waits between rounds: sporadic traffic, where each request finds the processes idle.
 */
export async function interleavedLatency(targets: Target[], kind: UpstreamKind, rounds: number, warmup: number, gapMs = 0): Promise<Map<string, number[]>> {
  const clients = targets.map((t) => new Client(t.origin, { pipelining: 1 }));
  const body = chatBody(kind, false);
  const out = new Map<string, number[]>(targets.map((t) => [t.name, []]));
  try {
    for (let r = 0; r < warmup + rounds; r++) {
      for (let k = 0; k < targets.length; k++) {
        const i = (r + k) % targets.length;
        const ms = await timedRequest(clients[i], targets[i], kind, body);
        if (r >= warmup) out.get(targets[i].name)!.push(ms);
      }
      if (gapMs > 0) await sleep(gapMs);
    }
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
  return out;
}

export interface StreamTiming {
  ttftMs: number;
  /** Per content chunk after the first: receive time minus the upstream's send stamp. */
  transitMs: number[];
  chunks: number;
}

const STAMP = /"content":"t(\d+) "/g;

/** One streamed request: time to first content chunk, and how long each chunk spent in flight. */
export async function timedStream(client: Dispatcher, target: Target, kind: UpstreamKind, signal?: AbortSignal, onFirst?: () => void): Promise<StreamTiming> {
  const started = process.hrtime.bigint();
  const res = await client.request({ path: target.path(kind), method: 'POST', headers: REQUEST_HEADERS, body: chatBody(kind, true), signal });
  if (res.statusCode !== 200) {
    await res.body.text();
    throw new Error(`${target.name}: HTTP ${res.statusCode}`);
  }
  const timing: StreamTiming = { ttftMs: NaN, transitMs: [], chunks: 0 };
  let text = '';
  const stamp = new RegExp(STAMP.source, 'g');
  try {
    for await (const piece of res.body) {
      const received = process.hrtime.bigint();
      text += piece.toString();
      let match: RegExpExecArray | null;
      stamp.lastIndex = 0; // `text` keeps only what follows the last stamp read
      while ((match = stamp.exec(text)) !== null) {
        if (timing.chunks === 0) {
          timing.ttftMs = Number(received - started) / 1e6;
          onFirst?.();
        } else timing.transitMs.push(Number(received - BigInt(match[1])) / 1e6);
        timing.chunks++;
        text = text.slice(stamp.lastIndex);
        stamp.lastIndex = 0;
      }
    }
  } catch (err) {
    if (!signal?.aborted) throw err;
  }
  return timing;
}

/**
 * Streams in waves of `width` (starts staggered across one chunk interval), target after target,
 * the order rotating per wave. Returns every stream's timing per target.
 */
export async function streamWaves(targets: Target[], kind: UpstreamKind, waves: number, width: number, cpu?: { pids: Map<string, number>; ms: Map<string, number> }): Promise<Map<string, StreamTiming[]>> {
  const pools = targets.map((t) => new Pool(t.origin, { connections: width, pipelining: 1 }));
  const out = new Map<string, StreamTiming[]>(targets.map((t) => [t.name, []]));
  try {
    for (let w = 0; w < waves; w++) {
      for (let k = 0; k < targets.length; k++) {
        const i = (w + k) % targets.length;
        const pid = cpu?.pids.get(targets[i].name);
        const cpuBefore = pid === undefined ? 0 : processCpuMs(pid);
        const runs = Array.from({ length: width }, async (_, j) => {
          await sleep((j * 20) / width);
          return timedStream(pools[i], targets[i], kind);
        });
        out.get(targets[i].name)!.push(...(await Promise.all(runs)));
        // CPU the process under test spent on this wave (its background work in that time included).
        if (cpu && pid !== undefined) cpu.ms.set(targets[i].name, (cpu.ms.get(targets[i].name) ?? 0) + processCpuMs(pid) - cpuBefore);
      }
    }
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }
  return out;
}

export interface ThroughputResult {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  total: number;
  non2xx: number;
  errors: number;
}

/** Closed-loop throughput with autocannon: `connections` keep-alive connections, no pipelining. */
export async function throughput(target: Target, kind: UpstreamKind, connections: number, seconds: number): Promise<ThroughputResult> {
  const result = await autocannon({
    url: `${target.origin}${target.path(kind)}`,
    method: 'POST',
    headers: REQUEST_HEADERS,
    body: chatBody(kind, false),
    connections,
    pipelining: 1,
    duration: seconds,
  });
  return {
    requestsPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

export interface PacedResult {
  offeredRate: number;
  achievedRate: number;
  p50Ms: number;
  p99Ms: number;
  completed: number;
  failed: number;
  latencies: number[];
}

/**
 * Open-loop load at a constant rate: request i is due at start + i/rate and its latency counts from
 * that due time (so a stalled server cannot hide its queue: no coordinated omission).
 */
export async function pacedLoad(target: Target, kind: UpstreamKind, rate: number, seconds: number, percentileOf: (xs: number[], p: number) => number): Promise<PacedResult> {
  const pool = new Pool(target.origin, { connections: 512, pipelining: 1 });
  const body = chatBody(kind, false);
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let failed = 0;
  const inFlight: Promise<void>[] = [];
  // Bounds the run when the target falls behind: what is still queued 5 s after the last due time fails.
  const drain = AbortSignal.timeout(seconds * 1000 + 5000);
  setMaxListeners(total + 16, drain);
  const start = nowMs();
  let next = 0;
  while (next < total) {
    const now = nowMs();
    while (next < total && start + (next * 1000) / rate <= now) {
      const due = start + (next * 1000) / rate;
      inFlight.push(
        pool
          .request({ path: target.path(kind), method: 'POST', headers: REQUEST_HEADERS, body, signal: drain })
          .then(async (res) => {
            await res.body.text();
            if (res.statusCode === 200) latencies.push(nowMs() - due);
            else failed++;
          })
          .catch(() => {
            failed++;
          }),
      );
      next++;
    }
    await sleep(1);
  }
  await Promise.all(inFlight);
  const elapsed = (nowMs() - start) / 1000;
  await pool.close();
  return {
    offeredRate: rate,
    achievedRate: latencies.length / elapsed,
    p50Ms: percentileOf(latencies, 50),
    p99Ms: percentileOf(latencies, 99),
    completed: latencies.length,
    failed,
    latencies,
  };
}

/**
 * Opens `count` long streams (the `hold` upstream sends one chunk a second) and calls `measure`
 * once every stream has delivered its first chunk; then closes them all.
 */
export async function withOpenStreams<T>(target: Target, count: number, measure: () => Promise<T> | T, timeoutMs = 60_000): Promise<{ opened: number; value: T }> {
  const pool = new Pool(target.origin, { connections: count + 16, pipelining: 1 });
  const abort = new AbortController();
  setMaxListeners(count + 16, abort.signal);
  let opened = 0;
  let allOpen!: () => void;
  const ready = new Promise<void>((r) => (allOpen = r));
  const streams = Array.from({ length: count }, (_, j) =>
    sleep(j % 200).then(() =>
      timedStream(pool, target, 'hold', abort.signal, () => {
        if (++opened === count) allOpen();
      }).catch(() => undefined),
    ),
  );
  const timer = setTimeout(allOpen, timeoutMs);
  await ready;
  clearTimeout(timer);
  await sleep(1500); // let every stream reach its steady state (a chunk or two each)
  const value = await measure();
  abort.abort();
  await Promise.all(streams);
  await pool.destroy();
  return { opened, value };
}
