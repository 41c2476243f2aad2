import { Transform, type Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { GatewayError } from '../../../../libs/core/src';

/**
 * The content codings a request body may come in (RFC 9110 §8.4.1): `x-gzip` is gzip's old name,
 * `deflate` the zlib format (RFC 1950), `identity` none. The OpenAI SDKs send bodies as they are;
 * some HTTP clients compress them.
 */
const DECODERS: Record<string, (() => Transform) | null> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
  identity: null,
};
const TAKEN = 'gzip, deflate or br';

/** The stream Fastify reads the body from; `receivedEncodedLength` is what it checks `content-length` against. */
export interface DecodedBody extends Transform {
  receivedEncodedLength: number;
}

/**
 * The body as its `Content-Encoding` says to decode it (null when it needs none): for Fastify's
 * `preParsing` hook. The body limit applies to the decoded size: past it, decoding stops and the
 * stream fails with a 413, so a small body that inflates to gigabytes (a decompression bomb) costs
 * no more than `limitBytes` of output. A body that is not valid for its coding fails with a 400; a
 * coding not taken (zstd, compress, several layered) throws a 415 at once.
 */
export function decodeRequestBody(payload: Readable, contentEncoding: string | undefined, limitBytes: number): DecodedBody | null {
  const coding = contentEncoding?.trim().toLowerCase() ?? '';
  if (coding === '') return null;
  const createDecoder = Object.hasOwn(DECODERS, coding) ? DECODERS[coding] : undefined;
  if (createDecoder === undefined) {
    throw new GatewayError(415, `Content-Encoding '${contentEncoding}' is not supported: send the body uncompressed or compressed once with ${TAKEN}.`, 'invalid_request_error', 'unsupported_media_type');
  }
  if (createDecoder === null) return null;

  const decoder = createDecoder();
  let decodedBytes = 0;
  const decoded = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      decodedBytes += chunk.length;
      if (decodedBytes > limitBytes) {
        callback(new GatewayError(413, `The request body is too large: decoded from ${coding}, it is over the limit of ${limitBytes} bytes.`, 'invalid_request_error', 'request_too_large'));
      } else {
        callback(null, chunk);
      }
    },
  }) as DecodedBody;
  decoded.receivedEncodedLength = 0;

  const countEncoded = (chunk: Buffer) => (decoded.receivedEncodedLength += chunk.length);
  // On failure nothing reads the request any more and decoding stops; the request itself is not
  // destroyed: the error still has to be answered on its socket.
  const stop = () => {
    payload.off('data', countEncoded);
    payload.unpipe(decoder);
    decoder.destroy();
  };
  payload.on('data', countEncoded);
  payload.once('error', (err) => decoded.destroy(err));
  decoder.once('error', (err) => {
    stop();
    decoded.destroy(GatewayError.invalidRequest(`The request body is not valid ${coding} data, as its Content-Encoding says it is (${err.message}).`, null, 'invalid_encoding'));
  });
  decoded.once('error', stop);
  payload.pipe(decoder).pipe(decoded);
  return decoded;
}
