import type { AppConfig, EmbeddingModelSpec } from '../../../../libs/config/src';
import { GatewayError, type EmbeddingsRequest, type EmbeddingsResponse } from '../../../../libs/core/src';
import { ProviderError, type EmbeddingCall } from '../../../../libs/providers/src';
import { EMBEDDING_ATTEMPTS } from '../embeddings/embedding-attempts';
import { AttemptRunner, type AttemptKind, type AttemptLog } from './attempt-runner';
import { DEFAULT_FAILOVER } from './failover-policy';

const model = (id: string, providerId = 'p'): EmbeddingModelSpec => ({ id, providerId, upstream: `${id}-up`, inputPer1M: 0.02, maxInputTokens: 8191, timeouts: { connectMs: 100, totalMs: 1000, ttftMs: 50 } });
const request: EmbeddingsRequest = { model: 'e', input: 'x' };
const answer: EmbeddingsResponse = { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.5] }], model: 'e-up' };

/** The embeddings kind with a chat request's refusal rule: an adapter's 400 moves on to the next model. */
const movingOn: AttemptKind<EmbeddingsRequest, EmbeddingModelSpec, EmbeddingCall> = { ...EMBEDDING_ATTEMPTS, refusalEnds: false };

function runner(): AttemptRunner {
  const config = { redisUrl: undefined, queuePrefix: 'spec', models: new Map() } as unknown as AppConfig;
  return new AttemptRunner({ now: () => 1_000 }, () => 0.5, config, () => undefined);
}

async function run(kind: AttemptKind<EmbeddingsRequest, EmbeddingModelSpec, EmbeddingCall>, chain: EmbeddingModelSpec[], answers: Record<string, Array<() => EmbeddingsResponse>>) {
  const attempts: AttemptLog[] = [];
  const calls: Array<{ model: string; call: EmbeddingCall }> = [];
  const result = runner()
    .run({
      kind,
      chain,
      policy: { ...DEFAULT_FAILOVER, retries: 1, backoffBaseMs: 0, backoffMaxMs: 0 },
      request,
      ctx: { requestId: 'r', keyId: null, signal: new AbortController().signal },
      attempts,
      requestStartedAt: 1_000,
      call: async ({ model: m, call }) => {
        calls.push({ model: m.id, call });
        return answers[m.id].shift()!();
      },
    })
    .then(
      (ok) => ({ ok, err: undefined }),
      (err: unknown) => ({ ok: undefined, err: err as GatewayError }),
    );
  return { ...(await result), attempts, calls };
}

const refuse = () => {
  throw GatewayError.invalidRequest('token ids mean nothing here', 'input');
};
const fail = (kind: 'server_error' | 'context_length') => () => {
  throw new ProviderError(kind, 'upstream says no', kind === 'server_error' ? 500 : 400);
};

describe('AttemptRunner with the embeddings kind', () => {
  it("builds each try's call from the kind: the upstream name, the model's timeouts an adapter enforces, the try's controller", async () => {
    const { ok, calls } = await run(EMBEDDING_ATTEMPTS, [model('a')], { a: [() => answer] });
    expect(ok?.model.id).toBe('a');
    expect(calls[0].call.request).toEqual({ model: 'a-up', input: 'x' });
    expect(calls[0].call.timeouts).toEqual({ connectMs: 100, firstByteMs: undefined, idleMs: undefined, totalMs: 1000 });
    expect(calls[0].call.signal).toBe(calls[0].call.abort?.signal);
  });

  it("an adapter's refusal ends the request with its 400 (recorded); with refusalEnds unset the next model serves", async () => {
    const ended = await run(EMBEDDING_ATTEMPTS, [model('a'), model('b', 'q')], { a: [refuse], b: [() => answer] });
    expect(ended.err).toMatchObject({ status: 400, param: 'input' });
    expect(ended.attempts.map((a) => `${a.modelId}:${a.errorKind ?? a.status}`)).toEqual(['a:unsupported_request']);
    expect(ended.calls.map((c) => c.model)).toEqual(['a']);

    const moved = await run(movingOn, [model('a'), model('b', 'q')], { a: [refuse], b: [() => answer] });
    expect(moved.ok?.model.id).toBe('b');
    expect(moved.attempts.map((a) => `${a.modelId}:${a.errorKind ?? a.status}`)).toEqual(['a:unsupported_request', 'b:success']);
  });

  it("retries a 5xx on the same model, then says every attempt failed in the kind's words; a context-length error names input", async () => {
    const failed = await run(EMBEDDING_ATTEMPTS, [model('a')], { a: [fail('server_error'), fail('server_error')] });
    expect(failed.attempts.map((a) => `${a.modelId}:${a.retry}:${a.errorKind}:${a.httpStatus}`)).toEqual(['a:0:server_error:500', 'a:1:server_error:500']);
    expect(failed.err).toMatchObject({ status: 502, code: 'upstream_error' });
    expect(failed.err?.message).toMatch(/^Every attempt failed \(a \(server_error, server_error\)\)\. Last: /);

    const long = await run(EMBEDDING_ATTEMPTS, [model('a')], { a: [fail('context_length')] });
    expect(long.err).toMatchObject({ status: 400, code: 'context_length_exceeded', param: 'input' });
  });

  it("an input over the model's limit ends the request at once; with a chat request's rule (fallbackable errors go on) the next model serves", async () => {
    const ended = await run(EMBEDDING_ATTEMPTS, [model('a'), model('b', 'q')], { a: [fail('context_length')], b: [() => answer] });
    expect(ended.err).toMatchObject({ status: 400, code: 'context_length_exceeded' });
    expect(ended.calls.map((c) => c.model)).toEqual(['a']);

    const chatRule: AttemptKind<EmbeddingsRequest, EmbeddingModelSpec, EmbeddingCall> = { ...EMBEDDING_ATTEMPTS, endsRun: (err) => !err.fallbackable };
    const moved = await run(chatRule, [model('a'), model('b', 'q')], { a: [fail('context_length')], b: [() => answer] });
    expect(moved.ok?.model.id).toBe('b');
  });

  it("an error's text names the model the client knows, not the deployment's upstream name", async () => {
    const upstreamSays = () => {
      throw new ProviderError('server_error', "models/a-up is overloaded (a-up); a-up-eu is fine", 503);
    };
    const failed = await run(EMBEDDING_ATTEMPTS, [model('a')], { a: [upstreamSays, upstreamSays] });
    expect(failed.err?.message).toContain("a is overloaded (a); a-up-eu is fine");
    expect(failed.err?.message).not.toMatch(/models\/a-up|\(a-up\)/);
    // The attempt log (read by admins only) keeps the upstream's own words.
    expect(failed.attempts[0].message).toContain('models/a-up');

    const refuseNaming = () => {
      throw GatewayError.invalidRequest("Model 'a-up' takes text input only.", 'input');
    };
    const refused = await run(EMBEDDING_ATTEMPTS, [model('a')], { a: [refuseNaming] });
    expect(refused.err).toMatchObject({ status: 400, param: 'input', message: "Model 'a' takes text input only." });
  });
});
