import { Injectable, Logger } from '@nestjs/common';
import type { JobName } from './jobs';

/** A job a rule refused (a `DomainError`): it will not run again until the work is asked for again. */
export interface RefusedJob {
  id: string;
  name: JobName;
  data: unknown;
  code: string;
  message: string;
}

export type RefusalListener = (job: RefusedJob) => Promise<void>;

/**
 * Where a refused job is announced, so that the people who can act on it hear of it. The queue
 * knows no institutions: a module that does (the cycles' notifications) listens here.
 */
@Injectable()
export class JobRefusals {
  private readonly logger = new Logger(JobRefusals.name);
  private readonly listeners: RefusalListener[] = [];

  listen(listener: RefusalListener): void {
    this.listeners.push(listener);
  }

  /** Tells every listener; a listener's failure is logged and never changes the job's outcome. */
  async announce(job: RefusedJob): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(job);
      } catch (err) {
        this.logger.error(`announcing the refusal of job ${job.id} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}
