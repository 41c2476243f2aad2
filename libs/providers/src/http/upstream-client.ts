import { Agent, errors as undiciErrors, type Dispatcher } from 'undici';
import { ProviderError, providerErrorKindForStatus, parseRetryAfter, type ProviderTimeouts } from '../provider';

/** Until a TCP (and TLS) connection to the upstream is established, unless a model or route says otherwise. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Keep-alive connection pools shared by every provider adapter: one per distinct connect timeout
 * (undici sets that timeout per agent, not per request), so in practice one or a few per process.
 */
const agents = new Map<number, Agent>();
export function upstreamAgent(connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS): Agent {
  let agent = agents.get(connectTimeoutMs);
  if (!agent) {
    // No cap on connections per origin: a stream holds its connection for its whole length, and a cap
    // would queue the next request behind the open streams instead of opening a connection.
    agent = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, pipelining: 1, connect: { timeout: connectTimeoutMs } });
    agents.set(connectTimeoutMs, agent);
  }
  return agent;
}

export async function closeUpstreamAgent(): Promise<void> {
  const open = [...agents.values()];
  agents.clear();
  await Promise.all(open.map((a) => a.close()));
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
}

const DEFAULT_TIMEOUTS: Required<ProviderTimeouts> = { connectMs: DEFAULT_CONNECT_TIMEOUT_MS, firstByteMs: 60_000, idleMs: 60_000, totalMs: 600_000 };

interface ParsedUrl {
  origin: string;
  path: string;
}

/** Provider URLs repeat (one per provider, or per provider and model): parse each once. */
const parsedUrls = new Map<string, ParsedUrl>();
const MAX_PARSED_URLS = 1024;

function parseUrl(url: string): ParsedUrl {
  let parsed = parsedUrls.get(url);
  if (!parsed) {
    const u = new URL(url);
    parsed = { origin: u.origin, path: u.pathname + u.search };
    if (parsedUrls.size >= MAX_PARSED_URLS) parsedUrls.clear();
    parsedUrls.set(url, parsed);
  }
  return parsed;
}

/** Adapters pass the same headers object on every call: merge the JSON defaults into it once. */
const mergedHeaders = new WeakMap<Record<string, string>, Record<string, string>>();

function withJsonHeaders(headers: Record<string, string>): Record<string, string> {
  let merged = mergedHeaders.get(headers);
  if (!merged) {
    merged = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers };
    mergedHeaders.set(headers, merged);
  }
  return merged;
}

/**
 * One abort signal for the call: fires when the caller's signal does or when `totalMs` passes.
 * A plain controller and one unref'd timer, released by `done()`, cost less per request than
 * `AbortSignal.any([AbortSignal.timeout(...), signal])`, whose signals live until garbage collection.
 */
function callSignal(totalMs: number, outer: AbortSignal | undefined, own?: AbortController): { signal: AbortSignal; done(): void } {
  if (own && own.signal === outer) {
    // The caller's controller is this call's alone: the timeout aborts it directly.
    const timer = setTimeout(() => own.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), totalMs);
    timer.unref();
    return { signal: own.signal, done: () => clearTimeout(timer) };
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), totalMs);
  timer.unref();
  const onOuterAbort = () => controller.abort(outer!.reason);
  if (outer) {
    if (outer.aborted) controller.abort(outer.reason);
    else outer.addEventListener('abort', onOuterAbort, { once: true });
  }
  return {
    signal: controller.signal,
    done() {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuterAbort);
    },
  };
}

/**
 * POSTs JSON upstream. Resolves once headers arrive with any status; connection failures and
 * timeouts reject with a {@link ProviderError}. The caller reads (and must consume or destroy) the body.
 */
export async function postJson(
  url: string,
  headers: Record<string, string>,
  body: unknown,
  options: { signal?: AbortSignal; abort?: AbortController; timeouts?: ProviderTimeouts } = {},
): Promise<UpstreamResponse> {
  const given = options.timeouts ?? {};
  const { origin, path } = parseUrl(url);
  let payload: string;
  try {
    payload = JSON.stringify(body);
  } catch (err) {
    // A request nested deeper than the serializer's stack: the client's input, not an upstream fault.
    throw new ProviderError('bad_request', `The request cannot be forwarded: ${(err as Error).message}.`);
  }
  const call = callSignal(given.totalMs ?? DEFAULT_TIMEOUTS.totalMs, options.signal, options.abort);
  try {
    const res = await upstreamAgent(given.connectMs ?? DEFAULT_TIMEOUTS.connectMs).request({
      origin,
      path,
      method: 'POST',
      headers: withJsonHeaders(headers),
      body: payload,
      signal: call.signal,
      headersTimeout: given.firstByteMs ?? DEFAULT_TIMEOUTS.firstByteMs,
      bodyTimeout: given.idleMs ?? DEFAULT_TIMEOUTS.idleMs,
    });
    // The total timeout and the caller's signal stay armed until the body is consumed or destroyed.
    if (res.body.closed || res.body.destroyed) call.done();
    else res.body.once('close', call.done);
    return { status: res.statusCode, headers: res.headers, body: res.body };
  } catch (err) {
    call.done();
    throw toProviderError(err, false);
  }
}

/** Largest non-streamed upstream answer the gateway reads; beyond it the answer is malformed. */
export const MAX_UPSTREAM_BODY_BYTES = 32 * 1024 * 1024;
/**
 * Largest embeddings answer: 2048 inputs of 3072 floats in JSON run past 100 MB (the openai SDK's
 * base64 default is about a third of that).
 */
export const MAX_UPSTREAM_EMBEDDINGS_BYTES = 256 * 1024 * 1024;

/**
 * Reads a whole body as text (at most `maxBytes`), mapping stalls and resets to ProviderErrors. On the
 * stream's events rather than its async iterator: no iterator, and no promise per chunk.
 */
export function readText(body: UpstreamResponse['body'], maxBytes = MAX_UPSTREAM_BODY_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    if (body.errored) return reject(toProviderError(body.errored, false));
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (err: ProviderError | undefined) => {
      if (settled) return;
      settled = true;
      // The error listener stays: destroying the body (over the bound, say) makes undici emit one, and a
      // stream error without a listener would end the process.
      body.off('data', onData).off('end', onEnd).off('close', onClose);
      if (err) reject(err);
      else resolve(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks, size).toString('utf8'));
    };
    const onData = (chunk: Buffer | string) => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buffer.length;
      if (size > maxBytes) {
        settle(new ProviderError('malformed_response', `Upstream answer exceeded ${maxBytes} bytes.`));
        body.destroy();
        return;
      }
      chunks.push(buffer);
    };
    const onEnd = () => settle(undefined);
    const onError = (err: unknown) => settle(toProviderError(err, false));
    // Closed before its end without an error of its own (destroyed by someone else): the answer is cut.
    const onClose = () => settle(new ProviderError('connection', 'Upstream connection closed before the answer was complete.'));
    body.on('data', onData).once('end', onEnd).on('error', onError).once('close', onClose);
  });
}

/** Normalises network and timeout failures; a ProviderError passes through untouched. */
export function toProviderError(err: unknown, midStream: boolean): ProviderError {
  if (err instanceof ProviderError) return err;
  const e = err as { name?: string; code?: string; message?: string; cause?: unknown };
  if (
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    e?.name === 'TimeoutError' ||
    e?.code === 'UND_ERR_HEADERS_TIMEOUT' ||
    e?.code === 'UND_ERR_BODY_TIMEOUT'
  ) {
    return new ProviderError('timeout', `Upstream timed out: ${e.message ?? 'no response'}`, undefined, undefined, midStream);
  }
  if (err instanceof undiciErrors.ConnectTimeoutError || e?.code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new ProviderError('timeout', 'Upstream connection timed out (connect).', undefined, undefined, midStream);
  }
  if (e?.name === 'AbortError') {
    return new ProviderError('timeout', 'Upstream call was aborted.', undefined, undefined, midStream);
  }
  const code = e?.code ?? (e?.cause as { code?: string } | undefined)?.code;
  return new ProviderError('connection', `Upstream connection failed${code ? ` (${code})` : ''}.`, undefined, undefined, midStream);
}

/** Turns a non-2xx upstream answer into a ProviderError, keeping the upstream's own message. */
export async function errorFromResponse(res: UpstreamResponse, describe: (body: string) => string | undefined): Promise<ProviderError> {
  let text = '';
  try {
    text = await res.body.text();
  } catch {
    /* the status is enough */
  }
  const message = describe(text) ?? `Upstream returned HTTP ${res.status}.`;
  let kind = providerErrorKindForStatus(res.status);
  if (kind === 'bad_request' && /context|too long|maximum.*tokens|token limit/i.test(message)) kind = 'context_length';
  if (kind === 'bad_request' && /content.?(policy|filter|management)|safety/i.test(message)) kind = 'content_policy';
  return new ProviderError(kind, message, res.status, parseRetryAfter(res.headers));
}
