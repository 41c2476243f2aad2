/**
 * A fake Anthropic Messages API on 127.0.0.1 that replays recorded-style fixtures in Anthropic's wire
 * format and records every request it receives.
 *
 * Fixture choice, per request: the `x-fake-fixture` header, else a `[fixture:<name>]` marker in the last
 * user message (so a request that went through the gateway can pick one), else `text`.
 * Files under test/fixtures/anthropic/: `<name>.json` (non-streamed body), `<name>.sse.txt` (stream),
 * optional `<name>.meta.json` `{ status, headers }`; an error status always replays `<name>.json`.
 * Streams are written in small slices so events split across TCP chunks, as they do in the wild.
 *
 * Thinking, as the Messages API checks it: every thinking block sent back must be one this server
 * issued (its signature, with the same text; a redacted block's data), first in its assistant turn;
 * the assistant turn answered by a tool result must start with its thinking when thinking is on (always
 * for claude-opus-5* and claude-sonnet-5*, else when the request turns it on) and hold none when it is
 * off. Otherwise a 400 in Anthropic's words
 * (https://platform.claude.com/docs/build-with-claude/thinking#preserving-thinking-blocks).
 * "Answered by a tool result": the last user turn holds a `tool_result`, whatever text follows it in
 * that turn (a tool-use loop is one assistant turn, and a turn that returns a tool result continues it;
 * the docs do not single out text beside the result, so this takes the strict reading). A conversation
 * whose cycle ended (an assistant answer, then a new user turn) needs no earlier thinking: only the
 * current tool-use cycle's is required
 * (https://platform.claude.com/docs/build-with-claude/thinking-tool-workflows).
 * Preserved thinking, as models that have it (Opus / Sonnet / Haiku 5.5, Fable, Mythos) check a block sent
 * back: its prefix (the top-level `system`, `tools`, and every message before the block, the blocks
 * before it in its own turn included) must be the one it was produced after, else a 400 ("The block is
 * bound to a different conversation"), the API's default for accounts created since 2026-08-31
 * (https://platform.claude.com/docs/build-with-claude/preserved-thinking,
 * https://platform.claude.com/docs/build-with-claude/preserved-thinking/prefix-checks). A fixture's
 * blocks are issued again on every request that replays it, so a block is valid after any prefix it
 * was issued after. Only thinking blocks before it count as "before it in its own turn" (the gateway
 * sends a turn's thinking first).
 * The `thinking-tool-call` fixture answers with a redacted and a signed thinking block before its tool call;
 * `redacted-thinking` with one redacted block (no readable thinking) before its text;
 * `thinking-then-overloaded` with a signed thinking block and the start of its text, then an
 * `overloaded_error` event (a stream that breaks mid-answer); `thinking-text` with a signed thinking
 * block before its text.
 * The thinking configuration, as the Messages API checks it (refuseThinkingConfig): manual thinking's
 * `budget_tokens` (at least 1,024, below `max_tokens`; not on Claude 4.7 and later, which take only
 * adaptive thinking; not with a forced tool choice), adaptive thinking and `output_config.effort` only
 * on Claude 4.6 and later, and no temperature other than 1 while thinking.
 * Structured outputs, as the Messages API checks `output_config.format` (refuseOutputFormat): only on
 * Claude 4.5 and later (and names without a version), not after a prefill, and a schema in their subset
 * (https://platform.claude.com/docs/en/build-with-claude/structured-outputs#json-schema-limitations):
 * `additionalProperties: false` on every object; only the supported keywords (no `minimum`, `maxLength`,
 * `maxItems`...); `minItems` 0 or 1; the listed string formats; a `pattern` without backreferences,
 * lookaround or word boundaries; `enum` of plain values; local `$ref`s to the root's `$defs` /
 * `definitions`, none recursive; at most 24 optional and 16 union properties. The 400s are in words
 * of this fake's own (the API's exact wording was not at hand). The answer is then the text the test's
 * `answer` gives, as for any request.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ANTHROPIC_FIXTURES_DIR = join(__dirname, '..', 'fixtures', 'anthropic');

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  fixture: string;
}

export interface FakeUpstream {
  /** Base URL to put in ProviderSettings.baseUrl. */
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

interface FixtureMeta {
  status?: number;
  headers?: Record<string, string>;
}

/**
 * Dynamic mode: text to answer a request with, per upstream model (undefined: use the fixture), streamed
 * (in text deltas of a few characters) or not; under a forced tool choice, that tool's input as JSON.
 */
export type AnswerFor = (model: string, body: unknown) => string | undefined;

/** A test's own fixture choice for a request (undefined: the usual choice, below). */
export type FixtureFor = (body: unknown) => string | undefined;

export async function startFakeAnthropic(options: { fixturesDir?: string; sliceBytes?: number; answer?: AnswerFor; fixture?: FixtureFor } = {}): Promise<FakeUpstream> {
  const dir = options.fixturesDir ?? ANTHROPIC_FIXTURES_DIR;
  const sliceBytes = options.sliceBytes ?? 48;
  const requests: RecordedRequest[] = [];
  const issued: IssuedThinking = { signatures: new Map(), redacted: new Set(), prefixes: new Map() };

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
        const fixture = options.fixture?.(body) ?? pickFixture(req.headers, body);
        requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, fixture });
        if (req.method !== 'POST' || req.url !== '/v1/messages') {
          return sendJson(res, 404, { type: 'error', error: { type: 'not_found_error', message: `No route ${req.method} ${req.url}` } });
        }
        const stops = (body as { stop_sequences?: unknown } | undefined)?.stop_sequences;
        if (Array.isArray(stops) && stops.some((stop) => typeof stop !== 'string' || stop.trim() === '')) {
          // As the Messages API answers a stop sequence that is empty or only whitespace.
          return sendJson(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: 'stop_sequences: each stop sequence must contain non-whitespace' } });
        }
        const turns = (body as { messages?: unknown } | undefined)?.messages;
        if (Array.isArray(turns) && turns.length === 0) {
          // As the Messages API answers a request with only a `system` prompt (OpenAI answers one).
          return sendJson(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: 'messages: at least one message is required' } });
        }
        const outputLimit = OUTPUT_LIMITS[String((body as { model?: unknown } | undefined)?.model)];
        const maxTokens = (body as { max_tokens?: unknown } | undefined)?.max_tokens;
        if (outputLimit !== undefined && typeof maxTokens === 'number' && maxTokens > outputLimit) {
          // As the Messages API answers a max_tokens above the model's output limit.
          const message = `max_tokens: ${maxTokens} > ${outputLimit}, which is the maximum allowed number of output tokens for ${String((body as { model: unknown }).model)}`;
          return sendJson(res, 400, { type: 'error', error: { type: 'invalid_request_error', message } });
        }
        const sampling = body as { temperature?: unknown; top_p?: unknown } | undefined;
        if (sampling?.temperature != null && sampling.top_p != null) {
          // As current Claude models (Sonnet 4.5, Haiku 4.5, Opus 4.1 and later) answer both.
          return sendJson(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: '`temperature` and `top_p` cannot both be specified for this model. Please use only one.' } });
        }
        const choice = (body as { tool_choice?: { type?: unknown } } | undefined)?.tool_choice;
        const model = String((body as { model?: unknown } | undefined)?.model ?? '');
        if (/^claude-(opus|sonnet)-5/.test(model) && (choice?.type === 'any' || choice?.type === 'tool')) {
          // As Opus 5.5 and Sonnet 5.5 answer a forced tool choice: their thinking is always on.
          return sendJson(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: 'Thinking may not be enabled when tool_choice forces tool use.' } });
        }
        const sent = (body as { messages?: Array<{ role?: unknown }> } | undefined)?.messages;
        if (/^claude-(opus|sonnet)-4-[6-9]|^claude-[a-z]+-[5-9]/.test(model) && sent?.[sent.length - 1]?.role === 'assistant') {
          // As Claude 4.6 and later answer a prefill (Anthropic's migration guide: "Prefill removal").
          return sendJson(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: 'This model does not support assistant message prefill. The conversation must end with a user message.' } });
        }
        const formatRefusal = refuseOutputFormat(body, model);
        if (formatRefusal) return sendJson(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: formatRefusal } });
        const thinkingOn = ALWAYS_THINKING.test(model) || ['enabled', 'adaptive'].includes(String((body as { thinking?: { type?: unknown } } | undefined)?.thinking?.type));
        const refusal = refuseThinkingConfig(body, model, thinkingOn) ?? refuseWhitespaceText(body) ?? refuseThinking(body, thinkingOn, issued) ?? (PRESERVED_THINKING.test(model) ? refuseChangedPrefix(body, issued) : undefined);
        if (refusal) return sendJson(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: refusal } });
        const meta = readMeta(dir, fixture);
        const status = meta.status ?? 200;
        const wantsStream = (body as { stream?: unknown } | undefined)?.stream === true;
        const answer = options.answer?.(model, body);
        if (answer !== undefined) {
          const usage = { input_tokens: 10, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: Math.max(1, Math.ceil(answer.length / 4)) };
          // A forced tool (`tool_choice: { type: "tool" }`) is answered by that tool alone, as the Messages API does: the answer, parsed, is its input.
          const forced = choice?.type === 'tool' ? String((choice as { name?: unknown }).name) : undefined;
          const id = `msg_dyn${requests.length}`;
          const block = forced !== undefined ? { type: 'tool_use', id: `toolu_dyn${requests.length}`, name: forced, input: JSON.parse(answer) as unknown } : { type: 'text', text: answer };
          const stopReason = forced !== undefined ? 'tool_use' : 'end_turn';
          if (!wantsStream) return sendJson(res, 200, { id, type: 'message', role: 'assistant', model, content: [block], stop_reason: stopReason, stop_sequence: null, usage });
          res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
          for (const event of answerEvents({ id, model, usage, block, stopReason, answer })) {
            res.write(`event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`);
            await new Promise((resolve) => setImmediate(resolve));
          }
          return res.end();
        }
        const jsonPath = join(dir, `${fixture}.json`);
        const ssePath = join(dir, `${fixture}.sse.txt`);
        if (wantsStream && status < 400 && existsSync(ssePath)) {
          res.writeHead(status, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': `req_${fixture}`, ...meta.headers });
          const raw = readFileSync(ssePath);
          const text = omitsThinking(model, body) ? Buffer.from(omitThinkingDeltas(raw.toString('utf8'))) : raw;
          rememberThinking(issued, streamedBlocks(text.toString('utf8')), body);
          for (let i = 0; i < text.length; i += sliceBytes) {
            res.write(text.subarray(i, i + sliceBytes));
            await new Promise((resolve) => setImmediate(resolve));
          }
          return res.end();
        }
        if (existsSync(jsonPath)) {
          res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${fixture}`, ...meta.headers });
          const raw = readFileSync(jsonPath);
          const json = status < 400 && omitsThinking(model, body) ? Buffer.from(JSON.stringify(omitThinkingText(JSON.parse(raw.toString('utf8')) as { content?: ContentBlock[] }))) : raw;
          if (status < 400) rememberThinking(issued, (JSON.parse(json.toString('utf8')) as { content?: ContentBlock[] }).content ?? [], body);
          return res.end(json);
        }
        return sendJson(res, 404, { type: 'error', error: { type: 'not_found_error', message: `No fixture "${fixture}" (${wantsStream ? 'stream' : 'json'})` } });
      })();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function pickFixture(headers: IncomingHttpHeaders, body: unknown): string {
  const header = headers['x-fake-fixture'];
  if (typeof header === 'string' && header) return header;
  const messages = (body as { messages?: Array<{ role?: string; content?: unknown }> } | undefined)?.messages ?? [];
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const texts =
    typeof lastUser?.content === 'string'
      ? [lastUser.content]
      : Array.isArray(lastUser?.content)
        ? lastUser.content.map((b: { type?: string; text?: unknown }) => (b.type === 'text' && typeof b.text === 'string' ? b.text : ''))
        : [];
  for (const text of texts) {
    const match = /\[fixture:([\w.-]+)\]/.exec(text);
    if (match) return match[1];
  }
  return 'text';
}

function readMeta(dir: string, fixture: string): FixtureMeta {
  const path = join(dir, `${fixture}.meta.json`);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as FixtureMeta) : {};
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * What the Messages API answers about white space in `messages`: a text block that is empty or only
 * white space, and a final assistant turn (a prefill) whose text ends in white space, are refused.
 */
function refuseWhitespaceText(body: unknown): string | undefined {
  const messages = (body as { messages?: unknown } | undefined)?.messages;
  if (!Array.isArray(messages)) return undefined;
  for (const [i, message] of messages.entries()) {
    const content = (message as { content?: unknown }).content;
    const blocks = typeof content === 'string' ? [{ type: 'text', text: content }] : Array.isArray(content) ? content : [];
    for (const block of blocks as Array<{ type?: string; text?: unknown }>) {
      if (block.type === 'text' && typeof block.text === 'string' && block.text.trim() === '') return `messages.${i}: text content blocks must contain non-whitespace text`;
    }
    const last = blocks[blocks.length - 1] as { type?: string; text?: unknown } | undefined;
    const final = i === messages.length - 1 && (message as { role?: unknown }).role === 'assistant';
    if (final && last?.type === 'text' && typeof last.text === 'string' && last.text !== last.text.trimEnd()) {
      return 'messages: final assistant content cannot end with trailing whitespace';
    }
  }
  return undefined;
}

/** Models whose thinking is always on (Opus / Sonnet 5.x), as the checks above treat them. */
/** The most output tokens these models write in one answer (Anthropic's models overview). */
const OUTPUT_LIMITS: Record<string, number> = { 'claude-sonnet-4-20250514': 64000, 'claude-3-5-haiku-20241022': 8192 };

const ALWAYS_THINKING = /^claude-(opus|sonnet)-5/;

type ContentBlock = { type?: string; thinking?: unknown; signature?: unknown; data?: unknown };

/**
 * Models whose thinking blocks come back with empty text unless the request asks for
 * `thinking.display: "summarized"` (Opus 4.7 and later default to `omitted`; the signature still
 * carries the thinking); any model's do with `display: "omitted"`. https://platform.claude.com/docs/build-with-claude/thinking#controlling-thinking-display
 */
const OMITS_THINKING = /^claude-[a-z]+-(4-([7-9]|[1-9]\d)(?!\d)|[5-9])/;

function omitsThinking(model: string, body: unknown): boolean {
  const display = (body as { thinking?: { display?: unknown } } | undefined)?.thinking?.display;
  return display === 'omitted' || (OMITS_THINKING.test(model) && display !== 'summarized');
}

/** A JSON answer as `display: omitted` gives it: each thinking block's text empty. */
function omitThinkingText(message: { content?: ContentBlock[] }): { content?: ContentBlock[] } {
  return { ...message, content: message.content?.map((b) => (b.type === 'thinking' ? { ...b, thinking: '' } : b)) };
}

/** A stream as `display: omitted` gives it: no `thinking_delta` events (the block opens empty, then its signature). */
function omitThinkingDeltas(sse: string): string {
  return sse
    .split(/\n\n/)
    .filter((event) => !event.includes('"type":"thinking_delta"'))
    .join('\n\n');
}

/** Models with preserved thinking, which check a block's prefix when it comes back. */
const PRESERVED_THINKING = /^claude-(opus-5-5|sonnet-5-5|haiku-5-5|fable-5|mythos-5)/;

/**
 * What this server has answered with: each signature with its thinking text, each redacted block's
 * data, and each block's prefixes (prefixKey) it was issued after, by thinkingKey.
 */
interface IssuedThinking {
  signatures: Map<string, string>;
  redacted: Set<string>;
  prefixes: Map<string, Set<string>>;
}

const isThinkingBlock = (block: ContentBlock | undefined) => block?.type === 'thinking' || block?.type === 'redacted_thinking';

function thinkingKey(block: ContentBlock): string {
  return block.type === 'thinking' ? `t:${String(block.signature)}` : `r:${String(block.data)}`;
}

/** A block's prefix: `system`, `tools`, the messages before its turn and the thinking before it in that turn, compared as written (a string or one text block alike). */
function prefixKey(body: unknown, messages: unknown[], thinkingBefore: ContentBlock[]): string {
  const { system, tools } = (body ?? {}) as { system?: unknown; tools?: unknown };
  const asBlocks = (content: unknown) => (typeof content === 'string' ? [{ type: 'text', text: content }] : (content ?? []));
  return JSON.stringify({
    system: asBlocks(system),
    tools: tools ?? [],
    messages: messages.map((m) => ({ role: (m as { role?: unknown }).role, content: asBlocks((m as { content?: unknown }).content) })),
    thinkingBefore: thinkingBefore.map(thinkingKey),
  });
}

function rememberThinking(issued: IssuedThinking, blocks: ContentBlock[], body: unknown): void {
  const messages = (body as { messages?: unknown[] } | undefined)?.messages ?? [];
  const before: ContentBlock[] = [];
  for (const block of blocks) {
    if (block.type === 'thinking' && typeof block.signature === 'string' && typeof block.thinking === 'string') issued.signatures.set(block.signature, block.thinking);
    if (block.type === 'redacted_thinking' && typeof block.data === 'string') issued.redacted.add(block.data);
    if (!isThinkingBlock(block)) continue;
    const key = thinkingKey(block);
    const prefixes = issued.prefixes.get(key) ?? new Set<string>();
    prefixes.add(prefixKey(body, messages, before));
    issued.prefixes.set(key, prefixes);
    before.push(block);
  }
}

/**
 * Preserved thinking's prefix check: the first thinking block sent back whose prefix is none it was
 * issued after, in the API's words (its 400 may add what changed; this one does not).
 */
function refuseChangedPrefix(body: unknown, issued: IssuedThinking): string | undefined {
  const messages = (body as { messages?: unknown } | undefined)?.messages;
  if (!Array.isArray(messages)) return undefined;
  for (const [i, message] of messages.entries()) {
    const content = (message as { role?: unknown; content?: unknown }).content;
    if ((message as { role?: unknown }).role !== 'assistant' || !Array.isArray(content)) continue;
    const before: ContentBlock[] = [];
    for (const [j, block] of (content as ContentBlock[]).entries()) {
      if (!isThinkingBlock(block)) continue;
      const prefixes = issued.prefixes.get(thinkingKey(block));
      if (prefixes && !prefixes.has(prefixKey(body, messages.slice(0, i), before))) {
        return (
          `messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block. The block is bound to a different conversation. ` +
          'Remove the block, or set `thinking.block_binding.prefix_mismatch_behavior` to "drop_block".'
        );
      }
      before.push(block);
    }
  }
  return undefined;
}

/** The thinking blocks a recorded stream carries, put together from their start and delta events. */
function streamedBlocks(sse: string): ContentBlock[] {
  const blocks = new Map<number, ContentBlock>();
  for (const line of sse.split('\n')) {
    if (!line.startsWith('data: ')) continue;
    const event = JSON.parse(line.slice(6)) as { type: string; index?: number; content_block?: ContentBlock; delta?: { type: string; thinking?: string; signature?: string } };
    if (event.type === 'content_block_start' && event.content_block) blocks.set(event.index!, { ...event.content_block });
    const block = event.index === undefined ? undefined : blocks.get(event.index);
    if (event.type !== 'content_block_delta' || !block) continue;
    if (event.delta?.type === 'thinking_delta') block.thinking = `${String(block.thinking ?? '')}${event.delta.thinking ?? ''}`;
    if (event.delta?.type === 'signature_delta') block.signature = `${String(block.signature ?? '')}${event.delta.signature ?? ''}`;
  }
  return [...blocks.values()];
}

/** Claude 4.6 and later (adaptive thinking, `output_config.effort`); 4.7 and later (adaptive thinking only). */
const ADAPTIVE_THINKING = /^claude-(?:[a-z]+-)?(?:4-[6-9]|[5-9])(?!\d{2})/;
const ADAPTIVE_ONLY = /^claude-(?:[a-z]+-)?(?:4-[7-9]|[5-9])(?!\d{2})/;

/** What the Messages API answers about a request's thinking configuration (the checks listed at the top). */
function refuseThinkingConfig(body: unknown, model: string, thinkingOn: boolean): string | undefined {
  const request = (body ?? {}) as { thinking?: { type?: unknown; budget_tokens?: unknown }; output_config?: { effort?: unknown }; max_tokens?: unknown; temperature?: unknown; tool_choice?: { type?: unknown } };
  const thinking = request.thinking;
  if (thinking?.type === 'enabled') {
    if (ADAPTIVE_ONLY.test(model)) return '"thinking.type.enabled" is not supported for this model. Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.';
    const budget = thinking.budget_tokens;
    if (typeof budget !== 'number' || budget < 1024) return 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024';
    if (typeof request.max_tokens === 'number' && request.max_tokens <= budget) return '`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size';
    if (request.tool_choice?.type === 'any' || request.tool_choice?.type === 'tool') return 'Thinking may not be enabled when tool_choice forces tool use.';
  }
  if (thinking?.type === 'adaptive' && !ADAPTIVE_THINKING.test(model)) return `thinking.type: adaptive thinking is not supported on ${model}.`;
  if (request.output_config?.effort != null && !ADAPTIVE_THINKING.test(model)) return `output_config.effort: This model (${model}) does not support the effort parameter.`;
  if (thinkingOn && request.temperature != null && request.temperature !== 1) return '`temperature` may only be set to 1 when thinking is enabled or in adaptive mode.';
  return undefined;
}

/**
 * What the Messages API answers about thinking blocks sent back: one it did not issue, or whose text
 * changed, or out of first place in its turn; and, in the turn a tool result answers, none when
 * thinking is on, or some when it is off.
 */
function refuseThinking(body: unknown, thinkingOn: boolean, issued: IssuedThinking): string | undefined {
  const messages = (body as { messages?: unknown } | undefined)?.messages;
  if (!Array.isArray(messages)) return undefined;
  const blocksOf = (message: unknown): ContentBlock[] => {
    const content = (message as { content?: unknown }).content;
    return Array.isArray(content) ? (content as ContentBlock[]) : typeof content === 'string' ? [{ type: 'text' }] : [];
  };
  const isThinking = isThinkingBlock;
  for (const [i, message] of messages.entries()) {
    if ((message as { role?: unknown }).role !== 'assistant') continue;
    const blocks = blocksOf(message);
    for (const [j, block] of blocks.entries()) {
      if (block.type === 'thinking') {
        if (typeof block.signature !== 'string') return `messages.${i}.content.${j}.thinking.signature: Field required`;
        if (issued.signatures.get(block.signature) !== block.thinking) return `messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block`;
      }
      if (block.type === 'redacted_thinking' && (typeof block.data !== 'string' || !issued.redacted.has(block.data))) return `messages.${i}.content.${j}: Invalid \`data\` in \`redacted_thinking\` block`;
    }
    if (blocks.some(isThinking) && !isThinking(blocks[0])) {
      return `messages.${i}.content.0: If an assistant message contains any thinking blocks, the first block must be \`thinking\` or \`redacted_thinking\`. Found \`${blocks[0]?.type}\`.`;
    }
  }
  const last = messages.length - 1;
  const turn = last - 1;
  const answersTool = turn >= 0 && blocksOf(messages[last]).some((b) => b.type === 'tool_result') && (messages[turn] as { role?: unknown }).role === 'assistant';
  const calls = answersTool ? blocksOf(messages[turn]) : [];
  if (!thinkingOn) {
    if (!calls.some(isThinking)) return undefined;
    return `messages.${turn}.content.0: When thinking is disabled, an \`assistant\` message in the final position cannot contain \`thinking\`. To use thinking blocks, enable \`thinking\` in your request.`;
  }
  if (calls.some((b) => b.type === 'tool_use') && !isThinking(calls[0])) {
    return (
      `messages.${turn}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${calls[0]?.type}\`. When \`thinking\` is enabled, a final \`assistant\` message ` +
      'must start with a thinking block (preceeding the lastmost set of `tool_use` and `tool_result` blocks). We recommend you include thinking blocks from previous turns. ' +
      'To avoid this requirement, disable `thinking`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking'
    );
  }
  return undefined;
}

/** A dynamic answer as the Messages API streams it: one content block, its text (or tool input) in slices of 8 characters. */
function answerEvents(a: { id: string; model: string; usage: Record<string, number>; block: Record<string, unknown>; stopReason: string; answer: string }): Array<Record<string, unknown>> {
  const slices = a.answer.match(/[\s\S]{1,8}/g) ?? [];
  const tool = a.block.type === 'tool_use';
  return [
    { type: 'message_start', message: { id: a.id, type: 'message', role: 'assistant', model: a.model, content: [], stop_reason: null, stop_sequence: null, usage: { ...a.usage, output_tokens: 1 } } },
    { type: 'content_block_start', index: 0, content_block: tool ? { ...a.block, input: {} } : { type: 'text', text: '' } },
    ...slices.map((slice) => ({ type: 'content_block_delta', index: 0, delta: tool ? { type: 'input_json_delta', partial_json: slice } : { type: 'text_delta', text: slice } })),
    { type: 'content_block_stop', index: 0 },
    { type: 'message_delta', delta: { stop_reason: a.stopReason, stop_sequence: null }, usage: { output_tokens: a.usage.output_tokens } },
    { type: 'message_stop' },
  ];
}

/** Claude 4.5 and later, and names without a version: the models that take `output_config.format`. */
const OUTPUT_FORMAT_MODELS = /^claude-(?:[a-z]+-)?(?:4-(?:[5-9]|[1-9]\d)(?!\d)|[5-9])|^claude-[a-z]+(?:-[a-z]+)*$/;
const FORMAT_KEYWORDS = new Set(['type', 'description', 'title', 'enum', 'const', 'properties', 'required', 'additionalProperties', 'items', 'minItems', 'anyOf', 'allOf', '$ref', '$defs', 'definitions', 'format', 'pattern']);
const FORMAT_STRING_FORMATS = new Set(['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'uri', 'ipv4', 'ipv6', 'uuid']);

/** What the Messages API answers about `output_config.format` (the checks listed at the top). */
function refuseOutputFormat(body: unknown, model: string): string | undefined {
  const request = (body ?? {}) as { output_config?: { format?: { type?: unknown; schema?: unknown } | null }; messages?: Array<{ role?: unknown }> };
  const format = request.output_config?.format;
  if (format == null) return undefined;
  if (!OUTPUT_FORMAT_MODELS.test(model)) return `output_config.format: structured outputs are not supported by ${model}.`;
  if (format.type !== 'json_schema') return 'output_config.format.type: Input should be \'json_schema\'';
  if (request.messages?.[request.messages.length - 1]?.role === 'assistant') return 'output_config.format cannot be used with a prefilled assistant message.';
  const root = format.schema as Record<string, unknown> | undefined;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) return 'output_config.format.schema: Field required';
  const defs = { $defs: (root.$defs ?? {}) as Record<string, unknown>, definitions: (root.definitions ?? {}) as Record<string, unknown> };
  const counts = { optional: 0, unions: 0 };
  const walk = (node: unknown, at: string, following: string[]): string | undefined => {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return `output_config.format.schema: ${at} must be an object`;
    const schema = node as Record<string, unknown>;
    for (const key of Object.keys(schema)) if (!FORMAT_KEYWORDS.has(key)) return `output_config.format.schema: ${at}: '${key}' is not supported`;
    if (typeof schema.$ref === 'string') {
      const match = /^#\/(\$defs|definitions)\/([^/]+)$/.exec(schema.$ref);
      const target = match ? defs[match[1] as keyof typeof defs][match[2]] : undefined;
      if (target === undefined) return `output_config.format.schema: ${at}: $ref '${schema.$ref}' cannot be resolved`;
      if (following.includes(schema.$ref)) return 'output_config.format.schema: recursive schemas are not supported';
      return walk(target, schema.$ref, [...following, schema.$ref]);
    }
    const types = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
    if (types.length > 1 || Array.isArray(schema.anyOf)) counts.unions += 1;
    if (types.includes('object') && schema.additionalProperties !== false) return `output_config.format.schema: ${at}: For 'object' type, 'additionalProperties' must be explicitly set to false`;
    if (schema.minItems !== undefined && schema.minItems !== 0 && schema.minItems !== 1) return `output_config.format.schema: ${at}: minItems values other than 0 or 1 are not supported`;
    if (schema.format !== undefined && !FORMAT_STRING_FORMATS.has(String(schema.format))) return `output_config.format.schema: ${at}: format '${String(schema.format)}' is not supported`;
    if (typeof schema.pattern === 'string' && /\\[1-9]|\\k<|\(\?<?[=!]|\\[bB]/.test(schema.pattern)) return `output_config.format.schema: ${at}: pattern features (backreferences, lookaround, word boundaries) are not supported`;
    if (Array.isArray(schema.enum) && schema.enum.some((v) => typeof v === 'object' && v !== null)) return `output_config.format.schema: ${at}: enum values must be strings, numbers, booleans or null`;
    const properties = (schema.properties ?? {}) as Record<string, unknown>;
    const required = Array.isArray(schema.required) ? schema.required : [];
    counts.optional += Object.keys(properties).filter((name) => !required.includes(name)).length;
    const children: Array<[unknown, string]> = [
      ...Object.entries(properties).map(([name, child]): [unknown, string] => [child, `${at}.properties.${name}`]),
      ...(schema.items !== undefined ? [[schema.items, `${at}.items`] as [unknown, string]] : []),
      ...[...((schema.anyOf as unknown[]) ?? []), ...((schema.allOf as unknown[]) ?? [])].map((child, i): [unknown, string] => [child, `${at}.variants.${i}`]),
      ...(at === 'schema' ? Object.entries({ ...defs.$defs, ...defs.definitions }).map(([name, child]): [unknown, string] => [child, `${at}.$defs.${name}`]) : []),
    ];
    for (const [child, where] of children) {
      const refusal = walk(child, where, following);
      if (refusal) return refusal;
    }
    return undefined;
  };
  const refusal = walk(root, 'schema', []);
  if (refusal) return refusal;
  if (counts.optional > 24) return `output_config.format.schema: Schemas contains too many optional parameters (${counts.optional}), which would make grammar compilation inefficient. Reduce the number of optional parameters (limit: 24).`;
  if (counts.unions > 16) return `output_config.format.schema: Schemas contains too many parameters with union types (${counts.unions}). Reduce the number of parameters with union types (limit: 16).`;
  return undefined;
}
