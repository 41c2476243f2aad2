import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AppConfig } from '../../../../libs/config/src';
import { GatewayError } from '../../../../libs/core/src';
import { APP_CONFIG } from '../tokens';
import { sha256Hex } from './access.service';
import { bearerToken } from './gateway-key.guard';

/** The admin API takes only ADMIN_API_KEY (compared by digest, in constant time); it is off without it. */
@Injectable()
export class AdminKeyGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const expected = this.config.adminKeyHash;
    if (!expected) throw GatewayError.forbidden('The admin API is disabled: set ADMIN_API_KEY to enable it.', 'admin_api_disabled');
    const presented = bearerToken(req);
    if (!presented) throw GatewayError.missingKey('You didn\'t provide the admin API key. Send it as "Authorization: Bearer <key>".');
    const digest = Buffer.from(sha256Hex(presented), 'hex');
    if (!timingSafeEqual(digest, Buffer.from(expected, 'hex'))) throw GatewayError.unauthorized('Incorrect admin API key provided.');
    return true;
  }
}
