import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import pino, { type Level, type Logger } from 'pino';
import type { AppConfig } from '../../../../libs/config/src';

/** Every header that can carry a credential, wherever a client or proxy puts it. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers["x-api-key"]',
  'req.headers["api-key"]',
  'req.headers["x-goog-api-key"]',
  'req.headers["anthropic-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

/** Scrapes and probes would drown the request log. */
const QUIET = /^\/(metrics|health(\/live|\/ready)?|dashboard(\/assets\/[^/?]+)?)(\?|$)/;

/** info for answers, warn for client errors, error for server errors. */
export function requestLogLevel(statusCode: number): Level {
  return statusCode >= 500 ? 'error' : statusCode >= 400 ? 'warn' : 'info';
}

export function requestLogger(config: AppConfig, destination: NodeJS.WritableStream = process.stdout): Logger {
  const level = config.logLevel === 'silent' ? 'silent' : config.logLevel;
  // Level names and ISO times, not pino's numbers: the same `"level":"info","time":"2026-...Z"` as the
  // gateway's other log lines (jsonLog).
  return pino(
    {
      level,
      messageKey: 'msg',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/**
 * One structured JSON line per HTTP request, with the gateway's request id (the same id as the
 * response's `x-request-id` and the request record), credentials redacted. Written from Fastify's
 * `onResponse` hook, after the answer is sent; when the level filters the line out, nothing is built
 * (no per-request work at `warn` for answered requests, and no async context tracking at all).
 */
export function registerRequestLogging(fastify: FastifyInstance, logger: Logger): void {
  if (logger.level === 'silent') return;
  fastify.addHook('onResponse', (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    // Fastify hands its headers to writeHead, so the raw response does not list them; a stream
    // writes its own (raw) headers.
    logRequest(logger, req, reply.raw.statusCode, () => ({ ...reply.getHeaders(), ...reply.raw.getHeaders() }), reply.elapsedTime);
    done();
  });
}

/** The request's log line (see registerRequestLogging); also written by the raw chat route. */
export function logRequest(
  logger: Logger,
  req: { id: unknown; method?: string; url?: string; headers: unknown },
  statusCode: number,
  responseHeaders: () => Record<string, unknown>,
  elapsedMs: number,
): void {
  const level = requestLogLevel(statusCode);
  if (!logger.isLevelEnabled(level) || QUIET.test(req.url ?? '')) return;
  logger[level](
    {
      req: { id: req.id, method: req.method, url: req.url, headers: req.headers },
      res: { statusCode, headers: responseHeaders() },
      responseTime: Math.round(elapsedMs),
    },
    statusCode >= 500 ? 'request errored' : 'request completed',
  );
}
