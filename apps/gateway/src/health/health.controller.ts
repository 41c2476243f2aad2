import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Clock } from '../../../../libs/core/src';
import type { JobQueue } from '../../../../libs/queue/src';
import { DashboardRepository } from '../../../../libs/storage/src/repositories/dashboard.repository';
import type { RuntimeStatus } from '../runtime';
import { CLOCK, JOB_QUEUE, RUNTIME_STATUS } from '../tokens';

const CHECK_TIMEOUT_MS = 2000;

interface Check {
  ok: boolean;
  latency_ms: number;
  error?: string;
  depth?: number;
}

/**
 * Probes for orchestrators. `/health/live`: the process answers. `/health/ready`: it can serve.
 * Postgres or the queue being unreachable leaves the gateway serving (statistics and config are
 * cached; records and jobs are journaled locally and replayed), so readiness stays 200 and says
 * `degraded` with what is waiting; only a gateway that is shutting down answers 503.
 * `/health` stays as before.
 */
@Controller()
export class HealthController {
  constructor(
    private readonly database: DashboardRepository,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RUNTIME_STATUS) private readonly runtimeStatus: () => RuntimeStatus,
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
    const runtime = this.runtimeStatus();
    const status = runtime.status === 'stopping' ? 'stopping' : database.ok && queue.ok && runtime.status === 'ok' ? 'ok' : 'degraded';
    void reply
      .code(status === 'stopping' ? 503 : 200)
      .header('cache-control', 'no-store')
      .send({ status, checks: { database, queue }, spool: { pending_records: runtime.database.pendingRecords, dropped_records: runtime.database.droppedRecords, spooled_jobs: runtime.queue.spooledJobs, dropped_jobs: runtime.queue.droppedJobs } });
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
