import { Module, type DynamicModule } from '@nestjs/common';
import { ProviderRegistry } from '../../../libs/providers/src';
import { ArmStatsRepository, ReportRepository, RequestRecordRepository } from '../../../libs/storage/src';
import { GatewayKeyGuard } from './auth/gateway-key.guard';
import { accessProviders, adminControllers } from './budget/access.providers';
import { AttemptRunner } from './chat/attempt-runner';
import { ChatService } from './chat/chat.service';
import { EmbeddingsService } from './embeddings/embeddings.service';
import { observabilityControllers, observabilityImports, observabilityProviders } from './dashboard/observability';
import { RequestEvents } from './events/request-events';
import { FeedbackController } from './feedback/feedback.controller';
import { HealthController } from './health/health.controller';
import { ModelsController } from './models/models.controller';
import { RecordWriter } from './records/record-writer';
import { ReportController } from './report/report.controller';
import { ReportService } from './report/report.service';
import { LearnedState } from './routing/learned-state';
import { ScoreDelayGates } from './routing/score-delay-gates';
import { RouteSignals } from './routing/route-signals';
import { SpendTracker } from './routing/spend-tracker';
import type { GatewayRuntime } from './runtime';
import { APP_CONFIG, CLOCK, DATABASE, JOB_QUEUE, LOG, RANDOM, RUNTIME_STATUS } from './tokens';

@Module({})
export class GatewayModule {
  static forRuntime(runtime: GatewayRuntime): DynamicModule {
    return {
      module: GatewayModule,
      imports: [...observabilityImports(runtime.config)],
      controllers: [ModelsController, FeedbackController, ReportController, HealthController, ...observabilityControllers, ...adminControllers],
      providers: [
        { provide: APP_CONFIG, useValue: runtime.config },
        { provide: CLOCK, useValue: runtime.clock },
        { provide: LOG, useValue: runtime.log },
        { provide: RUNTIME_STATUS, useValue: () => runtime.status() },
        { provide: RANDOM, useValue: runtime.random },
        { provide: DATABASE, useValue: runtime.database },
        { provide: JOB_QUEUE, useValue: runtime.queue },
        { provide: ProviderRegistry, useValue: runtime.providers },
        { provide: LearnedState, useValue: runtime.learned },
        { provide: ScoreDelayGates, useValue: runtime.scoreDelays },
        { provide: SpendTracker, useValue: runtime.spend },
        { provide: RecordWriter, useValue: runtime.records },
        { provide: RequestRecordRepository, useValue: runtime.requests },
        { provide: ArmStatsRepository, useValue: runtime.arms },
        { provide: ReportRepository, useValue: runtime.reports },
        GatewayKeyGuard,
        ChatService,
        EmbeddingsService,
        AttemptRunner,
        RequestEvents,
        RouteSignals,
        ReportService,
        ...observabilityProviders,
        ...accessProviders(runtime),
      ],
    };
  }
}
