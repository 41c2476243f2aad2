import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Random } from '../../libs/core/src';
import { COMPLETION_TOKENS, FAILURES, PROMPT_TOKENS, ZOO, type ZooArm } from './zoo';

export interface ZooUpstream {
  url: string;
  close(): Promise<void>;
}

/** Lognormal draw with the given median and 95th percentile. */
function lognormal(random: Random, p50: number, p95: number): number {
  const sigma = (Math.log(p95) - Math.log(p50)) / 1.645;
  const u = Math.max(random(), 1e-12);
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  return Math.exp(Math.log(p50) + sigma * z);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * An OpenAI-compatible upstream serving the zoo's models: a model answers "ANSWER: <n>" (which the
 * route's validator accepts) with its known probability for the task class in the prompt, else a
 * vague answer; timing follows its latency profile, sped up by `timeScale`; a few calls fail with
 * 5xx or 429 at the zoo's rates.
 */
export async function startZooUpstream(random: Random, timeScale: number): Promise<ZooUpstream> {
  const arms = new Map<string, ZooArm>(ZOO.map((a) => [a.model, a]));
  const sockets = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => void answer(raw, res));
  });
  async function answer(raw: string, res: ServerResponse): Promise<void> {
    let body: { model?: string; stream?: boolean; messages?: Array<{ content?: unknown }> };
    try {
      body = JSON.parse(raw) as typeof body;
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'bad json', type: 'invalid_request_error', param: null, code: null } }));
      return;
    }
    const arm = arms.get(String(body.model));
    if (!arm) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'unknown model', type: 'invalid_request_error', param: 'model', code: 'model_not_found' } }));
      return;
    }
    const failure = random();
    if (failure < FAILURES.http5xx + FAILURES.http429) {
      const status = failure < FAILURES.http5xx ? 500 : 429;
      await sleep(5 * timeScale * 100);
      res.writeHead(status, { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '1' } : {}) });
      res.end(JSON.stringify({ error: { message: status === 429 ? 'Rate limit reached (simulated)' : 'Upstream error (simulated)', type: 'server_error', param: null, code: null } }));
      return;
    }
    const prompt = String(body.messages?.[body.messages.length - 1]?.content ?? '');
    const taskClass: keyof ZooArm['quality'] = prompt.startsWith('[code]') ? 'code' : 'general';
    const right = random() < arm.quality[taskClass];
    const content = right ? `ANSWER: ${Math.floor(random() * 1000)}` : 'I think it could be several things, hard to say.';
    const ttft = lognormal(random, arm.ttftMs.p50, arm.ttftMs.p95) * timeScale;
    const generation = (COMPLETION_TOKENS / arm.tokPerS) * 1000 * timeScale;
    const usage = { prompt_tokens: PROMPT_TOKENS, completion_tokens: COMPLETION_TOKENS, total_tokens: PROMPT_TOKENS + COMPLETION_TOKENS };
    const id = `chatcmpl-zoo${Math.floor(random() * 1e12)}`;
    const created = 1_700_000_000;
    await sleep(ttft);
    if (!body.stream) {
      await sleep(generation);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id, object: 'chat.completion', created, model: arm.model, choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' }], usage }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const send = (chunk: Record<string, unknown>) => res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: arm.model, ...chunk })}\n\n`);
    send({ choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] });
    const pieces = content.match(/.{1,8}/g) ?? [content];
    for (const piece of pieces) {
      await sleep(generation / pieces.length);
      if (res.destroyed) return;
      send({ choices: [{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }] });
    }
    send({ choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] });
    send({ choices: [], usage });
    res.end('data: [DONE]\n\n');
  }
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
