import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AppConfig } from '../../../../libs/config/src';
import { GatewayError } from '../../../../libs/core/src';
import { GatewayKeyGuard } from '../auth/gateway-key.guard';
import { APP_CONFIG } from '../tokens';

/** True when the request's bearer token is the admin key (compared by SHA-256 digest, in constant time). */
export function hasAdminKey(req: FastifyRequest, adminKeyHash: string | undefined): boolean {
  if (!adminKeyHash) return false;
  const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (!match) return false;
  const digest = createHash('sha256').update(match[1].trim()).digest();
  const expected = Buffer.from(adminKeyHash, 'hex');
  return digest.length === expected.length && timingSafeEqual(digest, expected);
}

/**
 * The dashboard's JSON endpoints: only with `Authorization: Bearer <ADMIN_API_KEY>`. Without an
 * admin key configured they are off (403), like the rest of the admin surface.
 */
@Injectable()
export class DashboardKeyGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    if (!this.config.adminKeyHash) throw GatewayError.forbidden('The dashboard and its reports are off: set ADMIN_API_KEY to turn them on.', 'admin_disabled');
    if (!req.headers.authorization) throw GatewayError.missingKey('You didn\'t provide the admin key. Send it as "Authorization: Bearer <key>".');
    if (!hasAdminKey(req, this.config.adminKeyHash)) throw GatewayError.unauthorized('Incorrect admin key provided.');
    return true;
  }
}

/** The learning report: readable with the admin key (dashboard, CLI) or, as before, a gateway key. */
@Injectable()
export class ReportAccessGuard implements CanActivate {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly gatewayKeys: GatewayKeyGuard,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (hasAdminKey(context.switchToHttp().getRequest<FastifyRequest>(), this.config.adminKeyHash)) return true;
    return this.gatewayKeys.canActivate(context);
  }
}
