import 'reflect-metadata';
import { randomFillSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { errorCodes, type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import type { AppConfig } from '../../../libs/config/src';
import { GatewayKeyGuard } from './auth/gateway-key.guard';
import { registerChatRoute } from './chat/chat-route';
import { ChatService } from './chat/chat.service';
import { clientErrorResponse, OpenAIErrorFilter, sendError, toGatewayError, urlError } from './errors/openai-error.filter';
import { logRequest, registerRequestLogging, requestLogger } from './metrics/request-logging';
import { rawChatHandler } from './chat/raw-chat-route';
import { decodeRequestBody } from './input/decode-request-body';
import { registerEmbeddingsRoute } from './embeddings/embeddings-route';
import { EmbeddingsService } from './embeddings/embeddings.service';
import { registerResponsesRoute } from './responses/responses-route';
import { parseJsonBody } from './input/parse-json-body';
import { GatewayModule } from './gateway.module';
import { createRuntime, type GatewayRuntime, type RuntimeOverrides } from './runtime';

/** While the gateway closes: how often keep-alive connections that have become idle are closed. */
const CLOSE_SWEEP_MS = 50;

export interface RunningGateway {
  app: NestFastifyApplication;
  runtime: GatewayRuntime;
  url: string;
  close(): Promise<void>;
}

/** Random bytes drawn 4 KB at a time: one crypto call per 341 request ids instead of one each. */
const idPool = Buffer.alloc(4092);
let idOffset = idPool.length;

function newRequestId(url: string | undefined): string {
  if (idOffset + 12 > idPool.length) {
    randomFillSync(idPool);
    idOffset = 0;
  }
  const hex = idPool.toString('hex', idOffset, (idOffset += 12));
  return url?.startsWith('/v1/chat/completions') ? `chatcmpl-${hex}` : url?.startsWith('/v1/responses') ? `resp_${hex}` : `req_${hex}`;
}

/** Builds and starts the gateway on `config.host:config.port` (port 0 picks a free one). */
export async function startGateway(config: AppConfig, overrides: RuntimeOverrides = {}): Promise<RunningGateway> {
  const runtime = await createRuntime(config, overrides);
  try {
    return await listen(config, runtime);
  } catch (err) {
    await runtime.close();
    throw err;
  }
}

async function listen(config: AppConfig, runtime: GatewayRuntime): Promise<RunningGateway> {
  // The common chat request is answered before Fastify sees it (raw-chat-route.ts); set once the app is built.
  let rawChat: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined;
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    genReqId: (req: { url?: string }) => newRequestId(req.url),
    logger: false,
    // A URL Fastify's router cannot take (bad percent-encoding, a path parameter past its limit), in OpenAI's format.
    frameworkErrors: (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => sendError(reply, toGatewayError(err), String(req.id)),
    // ...and a request Node's parser refused (headers too large, not HTTP), as Fastify's default does but in OpenAI's format.
    clientErrorHandler: (err: NodeJS.ErrnoException, socket: Duplex) => {
      if (err.code === 'ECONNRESET' || socket.destroyed) return;
      if (socket.writable) socket.write(clientErrorResponse(err.code));
      socket.destroy(err);
    },
    keepAliveTimeout: 65_000,
    serverFactory: (handler: (req: IncomingMessage, res: ServerResponse) => void) => {
      const server = createServer((req, res) => {
        if (rawChat?.(req, res) !== true) handler(req, res);
      });
      // What Fastify sets on the server it would have made (its defaults: no request or connection timeout).
      server.keepAliveTimeout = 65_000;
      server.requestTimeout = 0;
      server.setTimeout(0);
      return server;
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule.forRuntime(runtime), adapter, {
    logger: config.logLevel === 'silent' ? false : ['error', 'warn'],
  });
  const fastify = app.getHttpAdapter().getInstance();
  const logger = requestLogger(config);
  registerRequestLogging(fastify, logger);
  fastify.addHook('onRequest', (req, reply, done) => {
    // Chat completions read no path or query parameter, and a refusal there needs its request record: not checked.
    const error = req.url.startsWith('/v1/chat/completions') ? undefined : urlError(req.url);
    if (error) sendError(reply, error, String(req.id));
    else done();
  });
  // A body with a Content-Encoding is decoded before it is parsed, within the body limit (the raw
  // chat route leaves such a request to Fastify). A request without a body is left alone.
  fastify.addHook('preParsing', (req, _reply, payload, done) => {
    const encoding = req.headers['content-encoding'];
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length']) > 0;
    if (encoding === undefined || !hasBody) return done(null, payload);
    try {
      done(null, decodeRequestBody(payload, encoding, config.bodyLimitBytes) ?? payload);
    } catch (err) {
      done(err as Error, payload);
    }
  });
  // Every JSON body is read as the raw chat route reads it (parseJsonBody). Registered before Nest's
  // init, so Nest adds no parser of its own: a form-encoded body is a 415, not a second way in.
  app.useBodyParser('application/json', { bodyLimit: config.bodyLimitBytes }, (req, body: Buffer, done) => {
    // A DELETE carries no body, but scripts often send it with the JSON content type anyway (curl -H,
    // HTTP clients that set it on every call): carried out, as a DELETE without the header is.
    if (body.length === 0) return req.method === 'DELETE' ? done(null, undefined) : done(new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY(), undefined);
    try {
      done(null, parseJsonBody(body.toString('utf8')));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  const chat = app.get(ChatService);
  const onUnexpected = (err: unknown) => runtime.log('error', 'unexpected error', { error: (err as Error)?.message, stack: (err as Error)?.stack });
  const chatDeps = { chat, keys: app.get(GatewayKeyGuard), onUnexpected };
  registerChatRoute(fastify, chatDeps);
  registerResponsesRoute(fastify, chatDeps);
  registerEmbeddingsRoute(fastify, { embeddings: app.get(EmbeddingsService), keys: chatDeps.keys, onUnexpected });
  rawChat = rawChatHandler({
    ...chatDeps,
    bodyLimitBytes: config.bodyLimitBytes,
    newRequestId,
    ...(logger.level === 'silent' ? {} : { onResponse: (req, status, headers, ms) => logRequest(logger, req, status, headers, ms) }),
  });
  app.useGlobalFilters(
    new OpenAIErrorFilter(onUnexpected, (req, error) => {
      // Rejected before the handler ran (bad JSON, body too large, bad key): still a request record.
      if (req.url.startsWith('/v1/chat/completions')) chat.recordRejected(String(req.id), null, error);
    }),
  );
  await app.listen(config.port, config.host);
  const address = app.getHttpAdapter().getInstance().server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  let closing: Promise<void> | undefined;
  return {
    app,
    runtime,
    url: `http://${config.host}:${port}`,
    close() {
      closing ??= (async () => {
        // Node's server.close() closes the keep-alive connections idle at that moment only: one with
        // a request in flight stays open after its answer for the whole keep-alive timeout (65 s), and
        // the close waits for it. Closed as each becomes idle instead; streams in flight finish.
        const server = app.getHttpServer() as Server;
        const sweep = setInterval(() => server.closeIdleConnections(), CLOSE_SWEEP_MS);
        try {
          await app.close();
        } finally {
          clearInterval(sweep);
        }
        await runtime.close();
      })();
      return closing;
    },
  };
}
