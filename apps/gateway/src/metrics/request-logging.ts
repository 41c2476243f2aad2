import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
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

/**
 * One structured JSON line per HTTP request (pino via nestjs-pino), with the gateway's request id
 * (the same id as the response's `x-request-id` and the request record), credentials redacted.
 */
export function requestLoggingModule(config: AppConfig): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: [
      {
        level: config.logLevel,
        messageKey: 'msg',
        base: undefined,
        redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
        genReqId: (req: IncomingMessage & { id?: unknown }) => String(req.id ?? ''),
        // Middleware may see a rewritten url; originalUrl is what the client asked for.
        autoLogging: { ignore: (req: IncomingMessage & { originalUrl?: string }) => QUIET.test(req.originalUrl ?? req.url ?? '') },
        customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
        serializers: {
          req: (req: { id: unknown; method: string; url: string; headers: Record<string, unknown> }) => ({ id: req.id, method: req.method, url: req.url, headers: req.headers }),
          res: (res: { statusCode: number; headers?: Record<string, unknown> }) => ({ statusCode: res.statusCode, headers: res.headers }),
        },
      },
      process.stdout,
    ],
  });
}
