import { Agent, request } from 'node:http';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/fake-openai.server';
import { GATEWAY_KEY, routerYaml, startStack, type Stack } from '../support/stack';

/**
 * Closing the gateway while a client's keep-alive connection has a request in flight: the answer is
 * finished, then that connection is closed, and close() resolves. Node's own server.close() leaves
 * such a connection open for the whole keep-alive timeout (65 s here) after its last response, so a
 * shutdown used to wait that long (SIGTERM: until the 20 s drain cut it).
 */
describe('closing the gateway with a keep-alive connection busy', () => {
  let upstream: FakeOpenAI;
  let stack: Stack;

  beforeAll(async () => {
    upstream = await startFakeOpenAI(() => ({ kind: 'text', content: 'ANSWER: 42 and more', chunks: 6, chunkDelayMs: 80 }));
    stack = await startStack({ yaml: routerYaml(upstream.url), queue: 'in-process' });
  });
  afterAll(async () => {
    await stack?.close();
    await upstream?.close();
  });

  it('finishes the stream in flight, then closes its connection and resolves', async () => {
    const agent = new Agent({ keepAlive: true, keepAliveMsecs: 60_000 });
    const url = new URL(`${stack.gateway.url}/v1/chat/completions`);
    const body = JSON.stringify({ model: 'auto', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    let closing: Promise<void> | undefined;
    const { status, text, socketClosed } = await new Promise<{ status: number; text: string; socketClosed: Promise<void> }>((resolve, reject) => {
      const req = request(
        { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { authorization: `Bearer ${GATEWAY_KEY}`, 'content-type': 'application/json' } },
        (res) => {
          const socketClosed = new Promise<void>((done) => res.socket.once('close', () => done()));
          // The headers are out, the stream is under way: close the gateway now.
          closing = stack.gateway.close();
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text, socketClosed }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(status).toBe(200);
    expect(text).toContain('data: [DONE]');
    // The agent would keep the socket for a minute; the gateway closes it once the answer is done.
    await socketClosed;
    await closing;
    agent.destroy();
  });
});
