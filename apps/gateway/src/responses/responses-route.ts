import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../../../../libs/core/src';
import type { KeyedRequest } from '../auth/gateway-key.guard';
import { failChat, serveChat, type ChatRouteDeps } from '../chat/chat-route';
import { sendError, toGatewayError } from '../errors/openai-error.filter';
import { responsesFormat } from './responses-format';

/**
 * `POST /v1/responses`: the Responses API, stateless, served by the chat pipeline (`serveChat` with
 * the Responses format), so routing, fallbacks, budgets, records, scoring and the x-router-* headers
 * are the chat route's. Its own scope and error handler, as the chat route's: a body refused before
 * the pipeline (bad JSON, too large, bad key) is recorded too.
 *
 * Nothing is stored, so the endpoints that read a stored response (`GET` / `DELETE
 * /v1/responses/{id}`, its input items, cancel) answer 404 in OpenAI's format, after the key check.
 */
export function registerResponsesRoute(fastify: FastifyInstance, deps: ChatRouteDeps): void {
  void fastify.register(async (scope) => {
    scope.setErrorHandler((err, req, reply) => failChat(deps, err, String(req.id), reply));
    scope.post('/v1/responses', async (req: FastifyRequest, reply: FastifyReply) => {
      await serveChat(deps, req.body, String(req.id), req as KeyedRequest, reply, responsesFormat());
      return reply;
    });
  });
  void fastify.register(async (scope) => {
    scope.setErrorHandler((err, req, reply) => sendError(reply, toGatewayError(err), String(req.id)));
    const notStored = async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
      await deps.keys.authenticate(req as KeyedRequest);
      sendError(reply, responseNotFound(req.params.id), String(req.id));
      return reply;
    };
    scope.get('/v1/responses/:id', notStored);
    scope.delete('/v1/responses/:id', notStored);
    scope.get('/v1/responses/:id/input_items', notStored);
    scope.post('/v1/responses/:id/cancel', notStored);
  });
}

export function responseNotFound(id: string): GatewayError {
  return new GatewayError(
    404,
    `Response with id '${id}' not found. This gateway's Responses API is stateless: it keeps no responses to retrieve, list, cancel or delete ('store' is ignored).`,
    'invalid_request_error',
    'response_not_found',
  );
}
