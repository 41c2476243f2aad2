import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../../../../libs/core/src';
import type { GatewayKeyGuard } from '../auth/gateway-key.guard';
import { isRecorded, sendError, toGatewayError } from '../errors/openai-error.filter';
import type { ChatService } from './chat.service';

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
 * large, bad key). Registered in its own scope, so its error handler is its own.
 */
export function registerChatRoute(fastify: FastifyInstance, deps: ChatRouteDeps): void {
  const fail = (err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const error = toGatewayError(err);
    if (error.status >= 500 && !(err instanceof GatewayError)) deps.onUnexpected(err);
    if (!isRecorded(err)) deps.chat.recordRejected(String(req.id), null, error);
    sendError(reply, error, String(req.id));
  };
  void fastify.register(async (scope) => {
    scope.setErrorHandler((err, req, reply) => fail(err, req, reply));
    scope.post('/v1/chat/completions', async (req, reply) => {
      try {
        const access = await deps.keys.authenticate(req);
        const abort = new AbortController();
        // The client went away before the answer was complete: stop the upstream call too.
        reply.raw.on('close', () => {
          if (!reply.raw.writableFinished) abort.abort();
        });
        await deps.chat.handle(req.body, { requestId: String(req.id), keyId: access.keyId, signal: abort.signal, access, setHeader: (n, v) => reply.raw.setHeader(n, v) }, reply);
      } catch (err) {
        fail(err, req, reply);
      }
      return reply;
    });
  });
}
