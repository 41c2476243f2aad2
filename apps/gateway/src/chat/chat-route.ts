import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../../../../libs/core/src';
import type { GatewayKeyGuard, KeyedRequest } from '../auth/gateway-key.guard';
import { isRecorded, sendError, toGatewayError } from '../errors/openai-error.filter';
import { callerHeadersOf } from '../routing/caller-context';
import type { ChatReply } from './chat-reply';
import type { ClientFormat } from './client-format';
import type { ChatService } from './chat.service';
import { ClientGone } from './request-context';

export interface ChatRouteDeps {
  chat: ChatService;
  keys: GatewayKeyGuard;
  /** A 5xx that was not a GatewayError: a bug to log. */
  onUnexpected: (err: unknown) => void;
}

/**
 * `POST /v1/chat/completions` as a plain Fastify route rather than a Nest controller: the busiest
 * path skips Nest's router, guard and pipe machinery (about 7% of the gateway's allocations per
 * request). It does what the controller, the key guard and the OpenAI error filter did for it:
 * check the key, stop upstream work when the client goes away, answer every error in OpenAI's
 * format and record the requests refused before the chat service saw them (bad JSON, body too
 * large, bad key). Registered in its own scope, so its error handler is its own. The common case
 * (a JSON body with its length given) does not even reach Fastify: `raw-chat-route.ts` serves it
 * with the same `serveChat`.
 */
export function registerChatRoute(fastify: FastifyInstance, deps: ChatRouteDeps): void {
  void fastify.register(async (scope) => {
    scope.setErrorHandler((err, req, reply) => failChat(deps, err, String(req.id), reply));
    scope.post('/v1/chat/completions', async (req: FastifyRequest, reply: FastifyReply) => {
      await serveChat(deps, req.body, String(req.id), req as KeyedRequest, reply);
      return reply;
    });
  });
}

/**
 * One chat completion (or another API's request served as one: `format`): the key check, the
 * client's disconnect wired to the upstream call, errors in OpenAI's format.
 */
export async function serveChat(deps: ChatRouteDeps, body: unknown, requestId: string, req: KeyedRequest, reply: ChatReply, format?: ClientFormat): Promise<void> {
  try {
    const access = await deps.keys.authenticate(req);
    const gone = new ClientGone();
    // The client went away before the answer was complete: stop the upstream call too.
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) gone.abort();
    });
    // Headers known before the answer (the rate limits) wait on the reply and go out with it in one
    // writeHead: set on the raw response, each would be validated and merged again there.
    const callerHeaders = callerHeadersOf(req.headers);
    await deps.chat.handle(body, { requestId, keyId: access.keyId, signal: gone, access, setHeader: (n, v) => void reply.header(n, v), callerHeaders }, reply, format);
  } catch (err) {
    failChat(deps, err, requestId, reply);
  }
}

/** An error answered in OpenAI's format; one the chat service did not record yet is recorded here. */
export function failChat(deps: ChatRouteDeps, err: unknown, requestId: string, reply: ChatReply): void {
  const error = toGatewayError(err);
  if (error.status >= 500 && !(err instanceof GatewayError)) deps.onUnexpected(err);
  if (!isRecorded(err)) deps.chat.recordRejected(requestId, null, error);
  sendError(reply, error, requestId);
}
