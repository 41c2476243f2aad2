import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { tap, type Observable } from 'rxjs';
import { toGatewayError } from '../errors/openai-error.filter';
import type { GatewayRuntime } from '../runtime';
import { LOG } from '../tokens';
import { adminAuditEntry, resultIdOf } from './admin-audit';

/**
 * One `admin action` line (info) per change the admin API makes (any method but GET and HEAD), after
 * it is made, with the new or changed object's id; `admin action refused` (warn) when it fails, with
 * its status and error code. Requests the admin key guard turns away never reach here: the request
 * log has them (a 401 at warn).
 */
@Injectable()
export class AdminAuditInterceptor implements NestInterceptor {
  constructor(@Inject(LOG) private readonly log: GatewayRuntime['log']) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    if (req.method === 'GET' || req.method === 'HEAD') return next.handle();
    const entry = adminAuditEntry(context.getClass().name, context.getHandler().name, req.method, req.params, req.body);
    return next.handle().pipe(
      tap({
        next: (result) => this.log('info', 'admin action', { ...entry, request_id: req.id, id: resultIdOf(result) ?? null }),
        error: (err: unknown) => {
          // As the client is answered (the error filter's mapping), so a Nest HttpException reads its own status.
          const answered = toGatewayError(err);
          this.log('warn', 'admin action refused', { ...entry, request_id: req.id, status: answered.status, code: answered.code });
        },
      }),
    );
  }
}
