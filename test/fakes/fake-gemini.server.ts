/**
 * A fake Gemini API (v1beta generateContent / streamGenerateContent?alt=sse) on 127.0.0.1 that replays
 * recorded-style fixtures in Gemini's wire format and records every request it receives.
 *
 * Fixture choice, per request: the `x-fake-fixture` header, else a `[fixture:<name>]` marker in the last
 * user turn's text (so a request that went through the gateway can pick one), else `text`.
 * Files under test/fixtures/gemini/: `<name>.json` (generateContent body), `<name>.sse.txt` (stream),
 * optional `<name>.meta.json` `{ status, headers }`; an error status always replays `<name>.json`.
 * Streams are written in small slices so events split across TCP chunks.
 *
 * A text part whose text is empty is refused as the real API refuses it (EMPTY_TEXT_REFUSAL), and so
 * are what the real API refuses in `generationConfig` (generationConfigProblem): a penalty (Gemini 2.5
 * and later), a JSON response with function tools (Gemini 2.x), and a `thinkingConfig` with both a
 * budget and a level, or a level for a Gemini 2.x model.
 * Parts marked `thought` (thought summaries) are left out of the answer unless the request asks for
 * them with `thinkingConfig.includeThoughts`, as the real API leaves them out.
 *
 * Thought signatures, as the real API checks them (https://ai.google.dev/gemini-api/docs/thought-signatures):
 * a `thoughtSignature` sent back must be one this fake issued (in any fixture it replayed) or one of
 * Google's documented dummies, else 400 "Corrupted thought signature"; and for a model that requires
 * them (default: names starting `gemini-3`), the first functionCall part of every model step of the
 * current turn (since the last user content that is not only function responses) must carry one, else
 * 400 "Function call is missing a thought_signature in functionCall parts...".
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const GEMINI_FIXTURES_DIR = join(__dirname, '..', 'fixtures', 'gemini');

/** The values Google documents for function calls whose signature is unknown (history from another model). */
export const DUMMY_THOUGHT_SIGNATURES = ['skip_thought_signature_validator', 'context_engineering_is_the_way_to_go'];

export interface RecordedGeminiRequest {
  method: string;
  /** Path with query, e.g. `/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`. */
  path: string;
  model: string;
  rpc: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  fixture: string;
}

export interface FakeGemini {
  /** Base URL to put in ProviderSettings.baseUrl. */
  url: string;
  requests: RecordedGeminiRequest[];
  /** A batchEmbedContents answer to give instead of the usual one (an error in Gemini's format), per call; undefined: as usual. */
  setEmbedFailure(fn: EmbedFailure | undefined): void;
  close(): Promise<void>;
}

interface FixtureMeta {
  status?: number;
  headers?: Record<string, string>;
}

const ROUTE = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent|batchEmbedContents)(\?.*)?$/;

/** What the Gemini API's batchEmbedContents refuses beyond this many requests in one call. */
export const FAKE_GEMINI_EMBED_BATCH_LIMIT = 100;
/** gemini-embedding-001's own vector size, which the fake gives when outputDimensionality is unset. */
export const FAKE_GEMINI_EMBED_DIMENSIONS = 3072;
/** gemini-embedding-001's input limit; the fake counts a text's tokens as ceil(characters / 4). */
export const FAKE_GEMINI_EMBED_MAX_TOKENS = 2048;

/** What a batchEmbedContents call answers instead (status and body), or undefined to answer as usual. */
export type EmbedFailure = (model: string, body: unknown) => { status: number; body: unknown; headers?: Record<string, string> } | undefined;

/** The fake's vector for one text: deterministic, float32-exact values, so a test can compare them. */
export function fakeGeminiVector(text: string, dimensions: number): number[] {
  return Array.from({ length: dimensions }, (_, j) => ((text.length + j) % 16) / 8 - 1);
}

/** Dynamic mode: text to answer a non-streamed request with, per upstream model (undefined: use the fixture). */
export type AnswerFor = (model: string, body: unknown) => string | undefined;

export async function startFakeGemini(
  options: { fixturesDir?: string; sliceBytes?: number; answer?: AnswerFor; requiresThoughtSignatures?: (model: string) => boolean } = {},
): Promise<FakeGemini> {
  const dir = options.fixturesDir ?? GEMINI_FIXTURES_DIR;
  const sliceBytes = options.sliceBytes ?? 48;
  const requiresThoughtSignatures = options.requiresThoughtSignatures ?? ((model: string) => model.startsWith('gemini-3'));
  const requests: RecordedGeminiRequest[] = [];
  const issuedSignatures = new Set<string>(DUMMY_THOUGHT_SIGNATURES);
  let embedFailure: EmbedFailure | undefined;

  const server: Server = createServer((req, res) => {
    const pieces: Buffer[] = [];
    req.on('data', (p: Buffer) => pieces.push(p));
    req.on('end', () => {
      void (async () => {
        const raw = Buffer.concat(pieces).toString('utf8');
        let body: unknown;
        try {
          body = raw ? JSON.parse(raw) : undefined;
        } catch {
          body = raw;
        }
        const route = ROUTE.exec(req.url ?? '');
        const fixture = pickFixture(req.headers, body);
        requests.push({
          method: req.method ?? '',
          path: req.url ?? '',
          model: route ? decodeURIComponent(route[1]) : '',
          rpc: route?.[2] ?? '',
          headers: req.headers,
          body,
          fixture,
        });
        if (req.method !== 'POST' || !route) {
          return sendJson(res, 404, { error: { code: 404, message: `No route ${req.method} ${req.url}`, status: 'NOT_FOUND' } });
        }
        if (route[2] === 'batchEmbedContents') {
          const failure = embedFailure?.(decodeURIComponent(route[1]), body);
          if (failure) return sendJson(res, failure.status, failure.body, failure.headers);
          return batchEmbed(res, decodeURIComponent(route[1]), body);
        }
        const streaming = route[2] === 'streamGenerateContent';
        if (streaming && route[3] !== '?alt=sse') {
          return sendJson(res, 400, { error: { code: 400, message: 'This fake only serves alt=sse streams.', status: 'INVALID_ARGUMENT' } });
        }
        const contents = (body as { contents?: unknown } | undefined)?.contents;
        if (!Array.isArray(contents) || contents.length === 0) {
          // As the Gemini API answers a request with only a `systemInstruction` (OpenAI answers one).
          return sendJson(res, 400, { error: { code: 400, message: '* GenerateContentRequest.contents: contents is not specified\n', status: 'INVALID_ARGUMENT' } });
        }
        if (hasEmptyTextPart(contents, (body as { systemInstruction?: { parts?: unknown } }).systemInstruction)) {
          // As the Gemini API answers a part `{ text: "" }` (OpenAI takes empty text).
          return sendJson(res, 400, { error: { code: 400, message: EMPTY_TEXT_REFUSAL, status: 'INVALID_ARGUMENT' } });
        }
        const configProblem = generationConfigProblem(decodeURIComponent(route[1]), body as { generationConfig?: GenerationConfig; tools?: unknown[] });
        if (configProblem) return sendJson(res, 400, { error: { code: 400, message: configProblem, status: 'INVALID_ARGUMENT' } });
        const withThoughts = (body as { generationConfig?: GenerationConfig }).generationConfig?.thinkingConfig?.includeThoughts === true;
        const signatureProblem = checkThoughtSignatures(body, issuedSignatures, requiresThoughtSignatures(decodeURIComponent(route[1])));
        if (signatureProblem) return sendJson(res, 400, { error: { code: 400, message: signatureProblem, status: 'INVALID_ARGUMENT' } });
        const answer = streaming ? undefined : options.answer?.(decodeURIComponent(route[1]), body);
        if (answer !== undefined) {
          const outputTokens = Math.max(1, Math.ceil(answer.length / 4));
          return sendJson(res, 200, {
            candidates: [{ content: { parts: [{ text: answer }], role: 'model' }, finishReason: 'STOP', index: 0 }],
            usageMetadata: { promptTokenCount: 10, candidatesTokenCount: outputTokens, totalTokenCount: 10 + outputTokens },
            modelVersion: decodeURIComponent(route[1]),
            responseId: `dyn${requests.length}`,
          });
        }
        const meta = readMeta(dir, fixture);
        const status = meta.status ?? 200;
        const jsonPath = join(dir, `${fixture}.json`);
        const ssePath = join(dir, `${fixture}.sse.txt`);
        if (streaming && status < 400 && existsSync(ssePath)) {
          res.writeHead(status, { 'content-type': 'text/event-stream', ...meta.headers });
          const text = Buffer.from(withThoughts ? readFileSync(ssePath, 'utf8') : withoutThoughtEvents(readFileSync(ssePath, 'utf8')), 'utf8');
          for (const line of text.toString('utf8').split('\n')) {
            if (line.startsWith('data: ')) collectSignatures(JSON.parse(line.slice(6)), issuedSignatures);
          }
          for (let i = 0; i < text.length; i += sliceBytes) {
            res.write(text.subarray(i, i + sliceBytes));
            await new Promise((resolve) => setImmediate(resolve));
          }
          return res.end();
        }
        if (existsSync(jsonPath)) {
          res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...meta.headers });
          const json = readFileSync(jsonPath);
          collectSignatures(JSON.parse(json.toString('utf8')), issuedSignatures);
          const asRecorded = withThoughts || status >= 400 || !/"thought":\s*true/.test(json.toString('utf8'));
          return res.end(asRecorded ? json : JSON.stringify(withoutThoughts(JSON.parse(json.toString('utf8')))));
        }
        return sendJson(res, 404, { error: { code: 404, message: `No fixture "${fixture}" (${streaming ? 'stream' : 'json'})`, status: 'NOT_FOUND' } });
      })();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setEmbedFailure(fn) {
      embedFailure = fn;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

interface GenerationConfig {
  responseMimeType?: unknown;
  presencePenalty?: unknown;
  frequencyPenalty?: unknown;
  thinkingConfig?: { includeThoughts?: unknown; thinkingBudget?: unknown; thinkingLevel?: unknown };
}

/**
 * The Gemini API's 400 for a generationConfig it refuses, or undefined. Penalties: "Penalty is not
 * enabled for models/gemini-2.5-flash" (reported for every Gemini 2.5 and 3 model; the fake refuses
 * them for every model). Thinking: a budget and a level together are refused, and a level on a
 * Gemini 2.x model, which takes budgets.
 */
function generationConfigProblem(model: string, body: { generationConfig?: GenerationConfig; tools?: unknown[] }): string | undefined {
  const config = body.generationConfig;
  if (!config) return undefined;
  if (config.responseMimeType === 'application/json' && (body.tools ?? []).length > 0 && /^gemini-[12]\./.test(model)) {
    return "Function calling with a response mime type: 'application/json' is unsupported";
  }
  if (config.presencePenalty !== undefined || config.frequencyPenalty !== undefined) return `Penalty is not enabled for models/${model}`;
  const thinking = config.thinkingConfig;
  if (thinking?.thinkingBudget !== undefined && thinking.thinkingLevel !== undefined) return 'You can only set only one of thinking budget and thinking level.';
  if (thinking?.thinkingLevel !== undefined && /^gemini-[12]\./.test(model)) return 'Thinking level is not supported for this model.';
  return undefined;
}

type ResponseBody = { candidates?: Array<{ content?: { parts?: Array<{ thought?: unknown }> }; finishReason?: unknown }> };

/** A generateContent answer without its thought parts, as the API answers without `includeThoughts`. */
function withoutThoughts<T extends ResponseBody>(response: T): T {
  for (const candidate of response.candidates ?? []) {
    if (candidate.content?.parts) candidate.content.parts = candidate.content.parts.filter((p) => p.thought !== true);
  }
  return response;
}

/**
 * An SSE fixture without thought parts, and without the events left with nothing to say. A fixture
 * with no thought part is sent as it is (some are written in the exact bytes a test needs).
 */
function withoutThoughtEvents(sse: string): string {
  if (!/"thought":\s*true/.test(sse)) return sse;
  const events = sse.split('\n\n').filter((e) => e.trim() !== '');
  const kept = events.flatMap((event) => {
    if (!event.startsWith('data: ')) return [event];
    const response = withoutThoughts(JSON.parse(event.slice(6)) as ResponseBody);
    const empty = (response.candidates ?? []).every((c) => (c.content?.parts ?? []).length === 0 && c.finishReason === undefined);
    return (response.candidates ?? []).length > 0 && empty ? [] : [`data: ${JSON.stringify(response)}`];
  });
  return kept.map((e) => `${e}\n\n`).join('');
}

/** The Gemini API's 400 for a text part whose text is empty (reported for generativelanguage.googleapis.com and Vertex AI alike). */
export const EMPTY_TEXT_REFUSAL =
  'Unable to submit request because it has an empty text parameter. Add a value to the parameter and try again. Learn more: https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/gemini';

/** Whether any content or the system instruction has a part `{ text: "" }`. */
function hasEmptyTextPart(contents: unknown[], systemInstruction: { parts?: unknown } | undefined): boolean {
  const partLists = [...contents.map((c) => (c as { parts?: unknown }).parts), systemInstruction?.parts];
  return partLists.some((parts) => Array.isArray(parts) && parts.some((p) => (p as { text?: unknown }).text === ''));
}

/**
 * batchEmbedContents as the Gemini API answers it (https://ai.google.dev/api/embeddings): each request
 * names the URL's model as `models/{model}` and has text parts; `outputDimensionality` sizes the vector;
 * the answer is `{ embeddings: [{ values }] }` in request order, with no token count. A text over
 * FAKE_GEMINI_EMBED_MAX_TOKENS is a 400 INVALID_ARGUMENT with the token-count message the Gemini API
 * gives a prompt over a model's input limit.
 */
function batchEmbed(res: ServerResponse, model: string, body: unknown): void {
  const requests = (body as { requests?: unknown } | undefined)?.requests;
  const invalid = (message: string) => sendJson(res, 400, { error: { code: 400, message, status: 'INVALID_ARGUMENT' } });
  if (!Array.isArray(requests) || requests.length === 0) return invalid('* BatchEmbedContentsRequest.requests: contents is not specified');
  if (requests.length > FAKE_GEMINI_EMBED_BATCH_LIMIT) return invalid(`* BatchEmbedContentsRequest.requests: at most ${FAKE_GEMINI_EMBED_BATCH_LIMIT} requests can be in one batch`);
  const embeddings: Array<{ values: number[] }> = [];
  for (const [i, r] of (requests as Array<{ model?: unknown; content?: { parts?: Array<{ text?: unknown }> }; outputDimensionality?: unknown }>).entries()) {
    if (r.model !== `models/${model}`) return invalid(`* BatchEmbedContentsRequest.requests[${i}].model: model must be models/${model}, the model of the URL`);
    const parts = r.content?.parts ?? [];
    if (parts.length === 0 || parts.some((p) => typeof p.text !== 'string')) return invalid(`* BatchEmbedContentsRequest.requests[${i}].content: text parts only`);
    const text = parts.map((p) => String(p.text)).join('');
    const tokens = Math.ceil(text.length / 4);
    if (tokens > FAKE_GEMINI_EMBED_MAX_TOKENS) return invalid(`The input token count (${tokens}) exceeds the maximum number of tokens allowed (${FAKE_GEMINI_EMBED_MAX_TOKENS}).`);
    const dims = r.outputDimensionality === undefined ? FAKE_GEMINI_EMBED_DIMENSIONS : Number(r.outputDimensionality);
    if (!Number.isInteger(dims) || dims < 1 || dims > FAKE_GEMINI_EMBED_DIMENSIONS) return invalid(`* BatchEmbedContentsRequest.requests[${i}].output_dimensionality: out of range`);
    embeddings.push({ values: fakeGeminiVector(text, dims) });
  }
  sendJson(res, 200, { embeddings });
}

function pickFixture(headers: IncomingHttpHeaders, body: unknown): string {
  const header = headers['x-fake-fixture'];
  if (typeof header === 'string' && header) return header;
  const contents = (body as { contents?: Array<{ role?: string; parts?: Array<{ text?: unknown }> }> } | undefined)?.contents ?? [];
  const lastUser = [...contents].reverse().find((c) => c.role === 'user');
  for (const part of lastUser?.parts ?? []) {
    const match = typeof part.text === 'string' ? /\[fixture:([\w.-]+)\]/.exec(part.text) : null;
    if (match) return match[1];
  }
  return 'text';
}

function readMeta(dir: string, fixture: string): FixtureMeta {
  const path = join(dir, `${fixture}.meta.json`);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as FixtureMeta) : {};
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

type RequestPart = { text?: unknown; functionCall?: { name?: unknown }; functionResponse?: unknown; thoughtSignature?: unknown };

/** Gemini's answer to a request whose thought signatures it would refuse, or undefined. */
function checkThoughtSignatures(body: unknown, issued: Set<string>, required: boolean): string | undefined {
  const contents = (body as { contents?: Array<{ role?: string; parts?: RequestPart[] }> } | undefined)?.contents ?? [];
  for (const content of contents) {
    for (const part of content.parts ?? []) {
      if (part.thoughtSignature !== undefined && !issued.has(String(part.thoughtSignature))) return 'Corrupted thought signature.';
    }
  }
  if (!required) return undefined;
  let turnStart = 0;
  contents.forEach((content, i) => {
    if (content.role === 'user' && (content.parts ?? []).some((part) => part.functionResponse === undefined)) turnStart = i;
  });
  for (let i = turnStart; i < contents.length; i++) {
    if (contents[i].role !== 'model') continue;
    const first = (contents[i].parts ?? []).find((part) => part.functionCall !== undefined);
    if (first && first.thoughtSignature === undefined) {
      return (
        'Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing ' +
        `thought_signature may lead to degraded model performance. Additional data, function call \`${String(first.functionCall?.name)}\` , position ${i + 1}. ` +
        'Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.'
      );
    }
  }
  return undefined;
}

function collectSignatures(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) value.forEach((item) => collectSignatures(item, into));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'thoughtSignature' && typeof inner === 'string') into.add(inner);
      else collectSignatures(inner, into);
    }
  }
}
