import { inspect } from 'node:util';
import type OpenAI from 'openai';
import type { Behavior } from '../../test/fakes/fake-openai.server';

/** How often the chaotic upstream misbehaves, per upstream call. */
export interface ChaosMix {
  serverError: number;
  rateLimited: number;
  midStreamCut: number;
  hang: number;
}

export const ISSUE_MIX: ChaosMix = { serverError: 0.1, rateLimited: 0.05, midStreamCut: 0.02, hang: 0.01 };

/** The behaviour of one upstream call, drawn from `random` (seeded, so a run replays). */
export function chaoticBehavior(random: () => number, mix: ChaosMix = ISSUE_MIX): Behavior {
  const r = random();
  let edge = mix.serverError;
  if (r < edge) return { kind: 'error', status: [500, 502, 503][Math.floor(random() * 3)] };
  if (r < (edge += mix.rateLimited)) return { kind: 'error', status: 429, retryAfter: '0.05' };
  if (r < (edge += mix.midStreamCut)) return { kind: 'cut', content: 'Partial answer that will be cut somewhere in the middle.', afterChunks: 2, chunks: 4 };
  if (r < (edge += mix.hang)) return { kind: 'hang' };
  return { kind: 'text', content: 'A complete and valid answer.', chunks: 4 };
}

export interface ChaosOutcome {
  ok: number;
  /** OpenAI-format errors: status and code, by count. */
  cleanErrors: Map<string, number>;
  /** Anything else (a hang hitting the client timeout, a broken stream, an empty answer). */
  unclean: string[];
  ids: string[];
}

/** Sends `requests` chat completions, `concurrency` at a time, half of them streamed. */
export async function runChaos(client: OpenAI, model: string, requests: number, concurrency: number): Promise<ChaosOutcome> {
  const outcome: ChaosOutcome = { ok: 0, cleanErrors: new Map(), unclean: [], ids: [] };
  let next = 0;
  const one = async (i: number) => {
    const streamed = i % 2 === 1;
    try {
      if (streamed) {
        const stream = await client.chat.completions.create({ model, messages: [{ role: 'user', content: `question ${i}` }], stream: true });
        let text = '';
        let finishes = 0;
        let id = '';
        for await (const chunk of stream) {
          id = chunk.id;
          text += chunk.choices[0]?.delta?.content ?? '';
          if (chunk.choices[0]?.finish_reason) finishes++;
        }
        outcome.ids.push(id);
        if (text.length > 0 && finishes === 1) outcome.ok++;
        else outcome.unclean.push(`stream ${id}: ${finishes} finishes, ${text.length} chars`);
      } else {
        const res = await client.chat.completions.create({ model, messages: [{ role: 'user', content: `question ${i}` }] });
        outcome.ids.push(res.id);
        if (res.choices[0]?.message?.content) outcome.ok++;
        else outcome.unclean.push(`response ${res.id}: empty`);
      }
    } catch (err) {
      const e = err as { status?: number; code?: string | null; error?: { message?: string }; name?: string; message?: string; cause?: { code?: string; message?: string } };
      if (typeof e.status === 'number' && e.status >= 400 && e.code) {
        const key = `${e.status} ${e.code}`;
        outcome.cleanErrors.set(key, (outcome.cleanErrors.get(key) ?? 0) + 1);
      } else if (typeof e.error?.message === 'string') {
        // An in-band error event after content had been streamed: still an OpenAI-format error.
        outcome.cleanErrors.set('in-band', (outcome.cleanErrors.get('in-band') ?? 0) + 1);
      } else {
        // The SDK's "Connection error." says nothing of what broke: the socket's error is its cause, whose
        // own fields (code, message, a nested cause) are printed whole: the run that failed under load
        // printed an empty code and message.
        const cause = e.cause ? ` (cause: ${inspect(e.cause, { depth: 4, breakLength: Infinity })})` : '';
        outcome.unclean.push(`${streamed ? 'stream' : 'response'} ${i}: ${e.name}: ${e.message}${cause}`);
      }
    }
  };
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) await one(next++);
    }),
  );
  return outcome;
}
