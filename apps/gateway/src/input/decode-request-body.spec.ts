import { Readable } from 'node:stream';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { GatewayError } from '../../../../libs/core/src';
import { decodeRequestBody } from './decode-request-body';

/** Reads a decoded body to its end: its bytes, or the error it failed with and the bytes before it. */
async function read(stream: Readable): Promise<{ body: Buffer; error?: GatewayError }> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return { body: Buffer.concat(chunks) };
  } catch (err) {
    return { body: Buffer.concat(chunks), error: err as GatewayError };
  }
}

/** The encoded body in chunks of 1 KB, as a socket would deliver it. */
function payload(bytes: Buffer): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 1024) chunks.push(bytes.subarray(i, i + 1024));
  return Readable.from(chunks);
}

const text = Buffer.from(JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'hi '.repeat(1000) }] }));

describe('decodeRequestBody', () => {
  it.each([
    ['gzip', gzipSync],
    ['x-gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
    [' GZIP ', gzipSync],
  ])('decodes %j and counts the encoded bytes read', async (coding, encode) => {
    const encoded = encode(text);
    const decoded = decodeRequestBody(payload(encoded), coding, 1_000_000);
    expect(decoded).not.toBeNull();
    expect((await read(decoded!)).body.equals(text)).toBe(true);
    expect(decoded!.receivedEncodedLength).toBe(encoded.length);
  });

  it.each([undefined, '', 'identity', 'Identity'])('leaves %j alone', (coding) => {
    expect(decodeRequestBody(payload(text), coding, 10)).toBeNull();
  });

  it.each(['zstd', 'compress', 'gzip, br', 'gzip,gzip', 'x-compress', '__proto__', 'toString'])('refuses %j at once with a 415', (coding) => {
    const refuse = () => decodeRequestBody(payload(text), coding, 1_000_000);
    expect(refuse).toThrow(GatewayError);
    expect(refuse).toThrow(`Content-Encoding '${coding}' is not supported`);
    try {
      refuse();
    } catch (err) {
      expect((err as GatewayError).toBody().error).toMatchObject({ type: 'invalid_request_error', code: 'unsupported_media_type', param: null });
      expect((err as GatewayError).status).toBe(415);
    }
  });

  it.each([
    ['gzip', text],
    ['deflate', text],
    ['br', Buffer.from('{"not": "brotli"}')],
    ['gzip', gzipSync(text).subarray(0, 30)],
  ])('fails a body that is not %s data with a 400', async (coding, bytes) => {
    const { error } = await read(decodeRequestBody(payload(bytes), coding, 1_000_000)!);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error!.status).toBe(400);
    expect(error!.toBody().error).toMatchObject({ code: 'invalid_encoding', param: null, message: expect.stringContaining(`not valid ${coding} data`) });
  });

  it('passes a decoded body of exactly the limit, and fails one byte more with a 413', async () => {
    expect((await read(decodeRequestBody(payload(gzipSync(text)), 'gzip', text.length)!)).error).toBeUndefined();
    const { error } = await read(decodeRequestBody(payload(gzipSync(text)), 'gzip', text.length - 1)!);
    expect(error?.status).toBe(413);
    expect(error?.toBody().error).toMatchObject({ code: 'request_too_large', type: 'invalid_request_error' });
  });

  it('stops a decompression bomb at the limit: nothing past it is passed on, and nothing reads the request any more', async () => {
    // 256 MB of zeros as 16 gzip members of 16 MB each (one gzip stream may hold several), about 256 KB.
    const member = gzipSync(Buffer.alloc(16 * 1024 * 1024));
    const bomb = Buffer.concat(Array.from({ length: 16 }, () => member));
    // A request whose body is still arriving (not ended), as on a socket.
    const source = new Readable({ read() {} });
    for (let i = 0; i < bomb.length; i += 1024) source.push(bomb.subarray(i, i + 1024));
    const decoded = decodeRequestBody(source, 'gzip', 1024 * 1024)!;
    const { body, error } = await read(decoded);
    expect(error?.status).toBe(413);
    expect(error?.message).toMatch(/decoded from gzip, it is over the limit of 1048576 bytes/);
    expect(body.length).toBeLessThanOrEqual(1024 * 1024);
    // Stopped after about 1 MB of output, i.e. a few KB of input of the 256 KB.
    expect(decoded.receivedEncodedLength).toBeLessThan(bomb.length / 4);
    expect(source.listenerCount('data')).toBe(0);
    // The request is not destroyed: the 413 still goes out on its socket.
    expect(source.destroyed).toBe(false);
  });

  it('fails with the error of the request itself (a client that went away)', async () => {
    const source = new Readable({ read() {} });
    const decoded = decodeRequestBody(source, 'gzip', 1024)!;
    const reading = read(decoded);
    source.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    expect((await reading).error?.message).toBe('aborted');
  });
});
