import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../../../../libs/core/src';
import type { GatewayKeyGuard, KeyedRequest } from '../auth/gateway-key.guard';
import type { ChatReply } from '../chat/chat-reply';
import { ClientGone } from '../chat/request-context';
import { callerHeadersOf } from '../routing/caller-context';
import { isRecorded, sendError, toGatewayError } from '../errors/openai-error.filter';
import type { EmbeddingsService } from './embeddings.service';

export interface EmbeddingsRouteDeps {
  embeddings: EmbeddingsService;
  keys: GatewayKeyGuard;
  /** A 5xx that was not a GatewayError: a bug to log. */
  onUnexpected: (err: unknown) => void;
}

/**
 * `POST /v1/embeddings`, registered as the chat route is (its own scope and error handler): the key
 * check, upstream work stopped when the client goes away, every error in OpenAI's format, and a
 * request record for requests refused before the service saw them (bad JSON, too large, bad key).
 */
export function registerEmbeddingsRoute(fastify: FastifyInstance, deps: EmbeddingsRouteDeps): void {
  void fastify.register(async (scope) => {
    scope.setErrorHandler((err, req, reply) => failEmbeddings(deps, err, String(req.id), reply));
    scope.post('/v1/embeddings', async (req: FastifyRequest, reply: FastifyReply) => {
      await serveEmbeddings(deps, req.body, String(req.id), req as KeyedRequest, reply);
      return reply;
    });
  });
}

async function serveEmbeddings(deps: EmbeddingsRouteDeps, body: unknown, requestId: string, req: KeyedRequest, reply: ChatReply): Promise<void> {
  try {
    const access = await deps.keys.authenticate(req);
    const gone = new ClientGone();
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) gone.abort();
    });
    const callerHeaders = callerHeadersOf(req.headers);
    await deps.embeddings.handle(body, { requestId, keyId: access.keyId, signal: gone, access, setHeader: (n, v) => void reply.header(n, v), callerHeaders }, reply);
  } catch (err) {
    failEmbeddings(deps, err, requestId, reply);
  }
}

function failEmbeddings(deps: EmbeddingsRouteDeps, err: unknown, requestId: string, reply: ChatReply): void {
  const error = toGatewayError(err);
  if (error.status >= 500 && !(err instanceof GatewayError)) deps.onUnexpected(err);
  if (!isRecorded(err)) deps.embeddings.recordRejected(requestId, error);
  sendError(reply, error, requestId);
}
