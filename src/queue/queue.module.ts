import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { JobProducer } from './job-producer';
import { JobRefusals } from './job-refusals';
import { JobRunRepository } from './job-run.repository';
import { JobRunsService } from './job-runs.service';
import { OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';
import { QUEUES } from './jobs';
import { JobMetrics, QueueMetrics } from './queue-metrics';

/** BullMQ connection and queues, shared by the API (producer) and the worker (consumer). */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (cfg: AppConfig) => ({
        connection: {
          host: cfg.redis.host,
          port: cfg.redis.port,
          password: cfg.redis.password,
          db: cfg.redis.db,
          maxRetriesPerRequest: null,
        },
        prefix: cfg.queue.prefix,
      }),
    }),
    BullModule.registerQueue(...Object.values(QUEUES).map((name) => ({ name }))),
  ],
  providers: [JobProducer, OutboxRepository, OutboxService, JobRunRepository, JobRunsService, JobRefusals, JobMetrics, QueueMetrics],
  exports: [BullModule, JobProducer, OutboxService, JobRunsService, JobRefusals, JobMetrics],
})
export class QueueModule {}
