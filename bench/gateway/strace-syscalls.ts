import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { forkHelper, GATEWAY_KEY, startProduct } from './stack';
import { blockedTimes } from './stats';

/**
 * Counts the system calls of the bare pass-through and of the gateway (`strace -c -f`), 2,000 requests
 * each at concurrency 1 after 300 of warm-up, instant upstream. Needs strace. After
 * `tsc -p tsconfig.build.json`: `node dist/bench/gateway/strace-syscalls.js`.
 *
 * `--main-thread`: instead, the time the gateway's JavaScript thread spends blocked in each system call
 * (`strace -T` on that thread only; waiting for events in `epoll_wait` left out), 6,000 requests: a
 * synchronous file call that waits for the disk stalls every request and stream of the process.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function post(origin: string, path: string, key: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ model: 'instant', messages: [{ role: 'user', content: 'hello there' }] });
    const u = new URL(origin + path);
    const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    if (key) headers.authorization = `Bearer ${key}`;
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function mainThread(): Promise<void> {
  const upstream = await forkHelper('fake-upstream.js');
  const product = await startProduct(upstream.url);
  const pid = product.gateway.child.pid!;
  try {
    for (let i = 0; i < 300; i++) await post(product.gateway.url, '/v1/chat/completions', GATEWAY_KEY);
    const out = `/tmp/strace-main-${process.pid}.txt`;
    const tracer = spawn('strace', ['-T', '-p', String(pid), '-o', out]);
    await new Promise((r) => setTimeout(r, 500));
    const n = 6000;
    const started = Date.now();
    for (let i = 0; i < n; i++) {
      const status = await post(product.gateway.url, '/v1/chat/completions', GATEWAY_KEY);
      if (status !== 200) throw new Error(`gateway: status ${status}`);
    }
    const seconds = (Date.now() - started) / 1000;
    tracer.kill('SIGINT');
    await new Promise((r) => tracer.on('exit', r));
    console.log(`== gateway's JavaScript thread: ${n} requests at concurrency 1 in ${seconds.toFixed(1)} s (under strace)`);
    console.log('| system call | calls | ms in all | ms per request | longest ms |');
    console.log('|---|---|---|---|---|');
    for (const s of blockedTimes(readFileSync(out, 'utf8')).slice(0, 12)) {
      console.log(`| ${s.name} | ${s.count} | ${s.totalMs.toFixed(1)} | ${(s.totalMs / n).toFixed(4)} | ${s.maxMs.toFixed(2)} |`);
    }
  } finally {
    await product.close();
    upstream.child.kill();
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--main-thread')) return mainThread();
  const upstream = await forkHelper('fake-upstream.js');
  const pass = await forkHelper('pass-through.js', [upstream.url]);
  const product = await startProduct(upstream.url);
  const targets = [
    { name: 'pass-through', origin: pass.url, pid: pass.child.pid!, key: '', path: '/instant/v1/chat/completions' },
    { name: 'gateway', origin: product.gateway.url, pid: product.gateway.child.pid!, key: GATEWAY_KEY, path: '/v1/chat/completions' },
  ];
  try {
    for (const t of targets) {
      for (let i = 0; i < 300; i++) await post(t.origin, t.path, t.key);
      const out = `/tmp/strace-${t.name}-${process.pid}.txt`;
      const tracer = spawn('strace', ['-c', '-f', '-p', String(t.pid), '-o', out]);
      await new Promise((r) => setTimeout(r, 500));
      const n = 2000;
      for (let i = 0; i < n; i++) {
        const status = await post(t.origin, t.path, t.key);
        if (status !== 200) throw new Error(`${t.name}: status ${status}`);
      }
      tracer.kill('SIGINT');
      await new Promise((r) => tracer.on('exit', r));
      console.log(`== ${t.name}: ${n} requests at concurrency 1\n${readFileSync(out, 'utf8')}`);
    }
  } finally {
    await product.close();
    pass.child.kill();
    upstream.child.kill();
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(err);
    process.exit(1);
  },
);
