import { InjectQueue } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { cycleSchedules } from '../../domain/cycle-schedule';
import { JOBS, QUEUES } from '../../queue/jobs';
import { OutboxService } from '../../queue/outbox.service';

export const SCHEDULE_TIMEZONE = 'Asia/Shanghai';

/**
 * Worker start-up: creates (or updates) one BullMQ job scheduler per cycle, idempotently, in
 * Asia/Shanghai time; a cycle configured "off" has its scheduler removed. Also runs the outbox
 * sweeper, which enqueues committed work that Redis does not hold.
 */
@Injectable()
export class CycleScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(CycleScheduler.name);
  private sweeper: NodeJS.Timeout | null = null;
  private sweeping = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectQueue(QUEUES.cycles) private readonly queue: Queue,
    private readonly outbox: OutboxService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.queue.schedulesEnabled) await this.schedule();
    void this.sweep();
    this.sweeper = setInterval(() => void this.sweep(), this.config.queue.outboxSweepMs);
  }

  beforeApplicationShutdown(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  private async schedule(): Promise<void> {
    const schedules = cycleSchedules(this.config.queue.scheduleOverrides);
    for (const { cycle, pattern } of schedules) {
      const id = `cycle.${cycle}`;
      if (pattern === null) {
        await this.queue.removeJobScheduler(id);
        continue;
      }
      await this.queue.upsertJobScheduler(
        id,
        { pattern, tz: SCHEDULE_TIMEZONE },
        { name: 'cycle.tick', data: { cycle }, opts: JOBS['cycle.tick'].options },
      );
    }
    this.logger.log(`cycle schedules (${SCHEDULE_TIMEZONE}): ${schedules.map((s) => `${s.cycle} ${s.pattern ?? 'off'}`).join('; ')}`);
  }

  private async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const enqueued = await this.outbox.sweep();
      if (enqueued) this.logger.log(`outbox: ${enqueued} job(s) enqueued that Redis did not hold`);
    } catch (err) {
      this.logger.warn(`outbox sweep failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.sweeping = false;
    }
  }
}
