import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../../../../libs/core/src';
import { AccessService } from './access.service';
import { openAccess, type KeyAccess } from './key-access';

const ACCESS = Symbol('access');
/** What the key check reads of a request: its headers (a Fastify request, or the raw chat route's). */
export type KeyedRequest = { headers: { authorization?: string; [name: string]: string | string[] | undefined } };
type WithAccess = KeyedRequest & { [ACCESS]?: KeyAccess };

/** `Authorization: Bearer <key>`, as the OpenAI SDK sends it; the key itself is never kept or logged. */
export function bearerToken(req: KeyedRequest): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return match ? match[1].trim() : undefined;
}

/**
 * Checks the gateway key: static keys from GATEWAY_API_KEYS and keys made through the admin API.
 * No key, a wrong, revoked or expired key: 401 in OpenAI's format. Route and model permissions are
 * checked once the request's route is known (BudgetService.reserve): 403.
 */
@Injectable()
export class GatewayKeyGuard implements CanActivate {
  constructor(private readonly access: AccessService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    await this.authenticate(context.switchToHttp().getRequest<FastifyRequest>());
    return true;
  }

  /** The access the request's key grants (kept on the request for keyIdOf / accessOf), or a 401. */
  async authenticate(request: KeyedRequest): Promise<KeyAccess> {
    const req = request as WithAccess;
    const presented = bearerToken(req);
    if (!this.access.keysRequired) {
      req[ACCESS] = presented ? await this.access.resolve(presented).catch(() => openAccess(null)) : openAccess(null);
      return req[ACCESS];
    }
    if (!presented) throw GatewayError.missingKey('You didn\'t provide an API key. Send it as "Authorization: Bearer <key>".');
    req[ACCESS] = await this.access.resolve(presented);
    return req[ACCESS];
  }
}

export function keyIdOf(req: FastifyRequest): string | null {
  return (req as WithAccess)[ACCESS]?.keyId ?? null;
}

export function accessOf(req: FastifyRequest): KeyAccess | undefined {
  return (req as WithAccess)[ACCESS];
}
