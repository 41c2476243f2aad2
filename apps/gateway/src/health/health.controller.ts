import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Clock } from '../../../../libs/core/src';
import type { JobQueue } from '../../../../libs/queue/src';
import { DashboardRepository } from '../../../../libs/storage/src/repositories/dashboard.repository';
import { CLOCK, JOB_QUEUE } from '../tokens';

const CHECK_TIMEOUT_MS = 2000;

interface Check {
  ok: boolean;
  latency_ms: number;
  error?: string;
  depth?: number;
}

/**
 * Probes for orchestrators. `/health/live`: the process answers. `/health/ready`: it can serve, i.e.
 * Postgres answers and the scoring queue answers (Redis with BullMQ). `/health` stays as before.
 */
@Controller()
export class HealthController {
  constructor(
    private readonly database: DashboardRepository,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('health')
  health() {
    return { status: 'ok' };
  }

  @Get('health/live')
  live() {
    return { status: 'ok' };
  }

  @Get('health/ready')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const [database, queue] = await Promise.all([
      this.check(() => this.database.ping()),
      this.check(() => this.queue.depth()),
    ]);
    const ok = database.ok && queue.ok;
    void reply
      .code(ok ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ status: ok ? 'ok' : 'unavailable', checks: { database, queue } });
  }

  private async check(probe: () => Promise<unknown>): Promise<Check> {
    const started = this.clock.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        probe(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
        }),
      ]);
      const check: Check = { ok: true, latency_ms: this.clock.now() - started };
      if (typeof result === 'number') check.depth = result;
      return check;
    } catch (err) {
      // Only the kind of failure: connection errors can echo connection strings.
      return { ok: false, latency_ms: this.clock.now() - started, error: (err as Error).message.includes('no answer') ? (err as Error).message : 'unreachable' };
    } finally {
      clearTimeout(timer);
    }
  }
}
