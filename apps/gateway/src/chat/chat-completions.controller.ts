import { Body, Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { accessOf, GatewayKeyGuard, keyIdOf } from '../auth/gateway-key.guard';
import { ChatService } from './chat.service';

@Controller('v1')
@UseGuards(GatewayKeyGuard)
export class ChatCompletionsController {
  constructor(private readonly chat: ChatService) {}

  @Post('chat/completions')
  @HttpCode(200)
  async create(@Body() body: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const abort = new AbortController();
    // The client went away before the answer was complete: stop the upstream call too.
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) abort.abort();
    });
    await this.chat.handle(body, { requestId: String(req.id), keyId: keyIdOf(req), signal: abort.signal, access: accessOf(req), setHeader: (n, v) => reply.raw.setHeader(n, v) }, reply);
  }
}
