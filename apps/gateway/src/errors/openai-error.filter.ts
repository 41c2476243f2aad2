import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../../../../libs/core/src';
import { isDatabaseUnavailable } from '../../../../libs/storage/src/database-unavailable';
import type { ChatReply } from '../chat/chat-reply';
import { retryHeaders } from './retry-headers';

/** Converts whatever a handler threw into OpenAI's error format; unknown errors become a 500 without details. */
export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof HttpException) {
    // Nest wraps Fastify's own errors (body parsing, size limits) in an HttpException with their status.
    const status = err.getStatus();
    const message = err.message;
    if (status === 404) return GatewayError.notFound(message, 'unknown_url');
    if (status === 413) return new GatewayError(413, 'The request body is too large.', 'invalid_request_error', 'request_too_large');
    if (status === 415) return new GatewayError(415, 'Send the body as application/json.', 'invalid_request_error', 'unsupported_media_type');
    if (status === 400 && /body cannot be empty/i.test(message)) {
      return GatewayError.invalidRequest('The request body is empty; send a JSON object.', null, 'invalid_body');
    }
    if (status === 400 && /json|unexpected|token/i.test(message)) {
      return GatewayError.invalidRequest(`We could not parse the JSON body of your request: ${message}`, null, 'invalid_json');
    }
    if (status < 500) return new GatewayError(status, message, 'invalid_request_error', null);
    return GatewayError.internal();
  }
  const fastifyError = err as { statusCode?: number; code?: string; message?: string };
  if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const status = fastifyError.statusCode;
    if (fastifyError.code === 'FST_ERR_BAD_URL' || fastifyError.code === 'FST_ERR_MAX_PARAM_LENGTH') {
      return new GatewayError(status, `The URL is not valid: ${fastifyError.message}`, 'invalid_request_error', 'invalid_url');
    }
    if (status === 413) return new GatewayError(413, 'The request body is too large.', 'invalid_request_error', 'request_too_large');
    if (status === 415) return new GatewayError(415, 'Send the body as application/json.', 'invalid_request_error', 'unsupported_media_type');
    if (fastifyError.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      return GatewayError.invalidRequest('The request body is empty; send a JSON object.', null, 'invalid_body');
    }
    if (err instanceof SyntaxError || fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
      return GatewayError.invalidRequest(`We could not parse the JSON body of your request: ${fastifyError.message}`, null, 'invalid_json');
    }
    return new GatewayError(status, fastifyError.message ?? 'Bad request.', 'invalid_request_error', fastifyError.code ?? null);
  }
  // The admin API, reports and feedback read and write Postgres while the client waits.
  if (isDatabaseUnavailable(err)) return databaseUnavailable();
  return GatewayError.internal();
}

/** A 503 the client may retry: the database is down, hung or restarting (not a bug of the request or the gateway). */
export function databaseUnavailable(): GatewayError {
  return new GatewayError(503, 'The gateway cannot reach its database right now; retry shortly.', 'server_error', 'database_unavailable', null, 1);
}

/**
 * A URL that decodes to a NUL character (`%00`) names nothing: no id, route or filter holds one, and
 * Postgres refuses it in a query (a 500 from every lookup it reached).
 */
export function urlError(url: string): GatewayError | undefined {
  return url.includes('%00') ? GatewayError.invalidRequest('The URL is not valid: it holds an encoded NUL character (%00).', null, 'invalid_url') : undefined;
}

/**
 * The raw HTTP answer to a connection whose request Node could not parse (Fastify's
 * `clientErrorHandler`): headers past the size limit (431), a body not sent in time (408), anything
 * else malformed (400). No request exists yet, so no request id.
 */
export function clientErrorResponse(nodeErrorCode: string | undefined): string {
  const [status, reason, message, code] =
    nodeErrorCode === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'The request headers are too large.', 'headers_too_large']
      : nodeErrorCode === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'The request was not received in time.', 'request_timeout']
        : [400, 'Bad Request', 'The request is not valid HTTP.', 'invalid_http'];
  const body = JSON.stringify(new GatewayError(status, message, 'invalid_request_error', code).toBody());
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`;
}

export function sendError(reply: ChatReply, error: GatewayError, requestId: string): void {
  if (reply.sent || reply.raw.headersSent) {
    if (!reply.raw.writableEnded) reply.raw.end();
    return;
  }
  void reply.code(error.status).header('x-request-id', requestId);
  for (const [name, value] of Object.entries(retryHeaders(error))) void reply.header(name, value);
  void reply.send(error.toBody());
}

/** Errors already written to a request record by the handler that threw them. */
const recorded = new WeakSet<object>();
export function markRecorded<T extends object>(err: T): T {
  recorded.add(err);
  return err;
}

export function isRecorded(err: unknown): boolean {
  return typeof err === 'object' && err !== null && recorded.has(err);
}

@Catch()
export class OpenAIErrorFilter implements ExceptionFilter {
  constructor(
    private readonly onUnexpected: (err: unknown) => void = () => undefined,
    /** Called for errors on a path that keeps request records, when no handler recorded them. */
    private readonly onUnrecorded: (req: FastifyRequest, error: GatewayError) => void = () => undefined,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const req = http.getRequest<FastifyRequest>();
    const error = toGatewayError(exception);
    if (error.status >= 500 && !(exception instanceof GatewayError)) this.onUnexpected(exception);
    if (!isRecorded(exception)) this.onUnrecorded(req, error);
    sendError(reply, error, String(req.id));
  }
}
