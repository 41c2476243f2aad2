import { createHash } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AppConfig } from '../../../../libs/config/src';
import { GatewayError } from '../../../../libs/core/src';
import { APP_CONFIG } from '../tokens';

const KEY_ID = Symbol('keyId');
type WithKey = FastifyRequest & { [KEY_ID]?: string | null };

/**
 * Checks the gateway key (`Authorization: Bearer <key>`, as the OpenAI SDK sends it) against the
 * configured keys' SHA-256 digests. The key itself is never stored or logged; requests carry a
 * short id derived from the digest.
 */
@Injectable()
export class GatewayKeyGuard implements CanActivate {
  private readonly accepted: Set<string>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.accepted = new Set(config.gatewayKeyHashes);
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<WithKey>();
    if (this.accepted.size === 0) {
      req[KEY_ID] = null;
      return true;
    }
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match) throw GatewayError.unauthorized('You didn\'t provide an API key. Send it as "Authorization: Bearer <key>".');
    const digest = createHash('sha256').update(match[1].trim()).digest('hex');
    if (!this.accepted.has(digest)) throw GatewayError.unauthorized('Incorrect API key provided.');
    req[KEY_ID] = `key_${digest.slice(0, 12)}`;
    return true;
  }
}

export function keyIdOf(req: FastifyRequest): string | null {
  return (req as WithKey)[KEY_ID] ?? null;
}
