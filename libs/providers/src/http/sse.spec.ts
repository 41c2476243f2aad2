import { parseSse } from './sse';

async function collect(pieces: string[]) {
  const out = [];
  async function* gen() {
    for (const p of pieces) yield new TextEncoder().encode(p);
  }
  for await (const e of parseSse(gen())) out.push(e);
  return out;
}

describe('parseSse', () => {
  it('yields events split across chunks and lines', async () => {
    const events = await collect(['data: {"a":', '1}\n\nevent: ping\ndata: x\n', '\n: comment\n\ndata: [DONE]\n\n']);
    expect(events).toEqual([{ event: undefined, data: '{"a":1}' }, { event: 'ping', data: 'x' }, { event: undefined, data: '[DONE]' }]);
  });

  it('handles CRLF split between chunks and multi-line data', async () => {
    const events = await collect(['data: one\r', '\ndata: two\r\n\r\n']);
    expect(events).toEqual([{ event: undefined, data: 'one\ntwo' }]);
  });

  it('flushes a last event without a trailing blank line', async () => {
    const events = await collect(['data: tail']);
    expect(events).toEqual([{ event: undefined, data: 'tail' }]);
  });
});
