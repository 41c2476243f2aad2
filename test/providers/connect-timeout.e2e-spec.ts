import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { closeUpstreamAgent, ProviderError } from '../../libs/providers/src';
import { postJson } from '../../libs/providers/src/http/upstream-client';

/**
 * A connect timeout needs a TCP handshake that never completes, on loopback: a listener whose process
 * is stopped (SIGSTOP) cannot accept, so once its small accept queue is full the kernel drops further
 * SYNs and a new connection hangs in connect.
 */
describe('upstream connect timeout', () => {
  let child: ChildProcess;
  let port: number;
  const fillers: Socket[] = [];

  beforeAll(async () => {
    const listener = "require('net').createServer(() => {}).listen({ port: 0, host: '127.0.0.1', backlog: 1 }, function () { process.send(this.address().port); })";
    child = spawn(process.execPath, ['-e', listener], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    port = await new Promise<number>((resolve) => child.once('message', (p) => resolve(Number(p))));
    child.kill('SIGSTOP');
    // Fill the accept queue: these complete in the kernel until it is full; later ones would hang.
    for (let i = 0; i < 8; i++) {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      fillers.push(socket);
    }
    await new Promise((r) => setTimeout(r, 300));
  });

  afterAll(async () => {
    for (const s of fillers) s.destroy();
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    await closeUpstreamAgent();
  });

  it('fails the call as a connect timeout, not as the (longer) first-byte or total timeout', async () => {
    const error = await postJson(`http://127.0.0.1:${port}/v1/chat/completions`, {}, { model: 'm' }, { timeouts: { connectMs: 300, firstByteMs: 5_000, totalMs: 10_000 } }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(ProviderError);
    // The header and total timeouts would say "Headers Timeout" or "aborted": only connect says connect.
    expect(error).toMatchObject({ kind: 'timeout', message: 'Upstream connection timed out (connect).' });
  }, 8_000); // not a speed check: undici's default connect timeout (10 s) would end the call only after this

});
