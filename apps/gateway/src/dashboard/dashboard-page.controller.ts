import { Controller, Get, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { GatewayError } from '../../../../libs/core/src';
import { dashboardAsset } from './dashboard-assets';

/** Scripts and styles only from this origin; the admin key never travels in a URL. */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/**
 * `GET /dashboard`: a static page (HTML + JS + chart.js, no build step). The page itself holds no
 * data; it asks for the admin key and sends it as a Bearer header to the JSON endpoints.
 */
@Controller('dashboard')
export class DashboardPageController {
  @Get()
  page(@Res() reply: FastifyReply): void {
    this.send(reply, 'index.html', 'no-cache');
  }

  @Get('assets/:name')
  asset(@Param('name') name: string, @Res() reply: FastifyReply): void {
    this.send(reply, name, 'no-cache');
  }

  private send(reply: FastifyReply, name: string, cacheControl: string): void {
    const asset = dashboardAsset(name);
    if (!asset) throw GatewayError.notFound(`No dashboard file '${name}'.`, 'unknown_url');
    void reply.headers({ ...SECURITY_HEADERS, 'content-type': asset.contentType, 'cache-control': cacheControl }).send(asset.body);
  }
}
