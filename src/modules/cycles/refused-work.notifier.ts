import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { JobPayloads, JobRefusals, JOBS, RefusedJob } from '../../queue';
import { NotificationService } from './notification.service';
import { NoticeRecipientsRepository } from './notice-recipients.repository';

/**
 * Work a rule refused stops (it is not retried) and is told, once, to those who can act on it:
 * the county's bureau for cycles and year-end postings, the sender for an upload or an import.
 */
@Injectable()
export class RefusedWorkNotifier implements OnModuleInit {
  private readonly logger = new Logger(RefusedWorkNotifier.name);

  constructor(
    private readonly refusals: JobRefusals,
    private readonly recipients: NoticeRecipientsRepository,
    private readonly notifications: NotificationService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.refusals.listen(async (job) => {
      await this.notify(job);
    });
  }

  async notify(job: RefusedJob): Promise<boolean> {
    const institutionId = await this.recipientOf(job);
    if (institutionId === null) {
      this.logger.warn(`job ${job.id} was refused (${job.code}) and concerns no institution to notify`);
      return false;
    }
    const { created } = await this.dataSource.transaction((manager) =>
      this.notifications.notify(manager, {
        institutionId,
        kind: 'WORK_REFUSED',
        severity: 'WARNING',
        // One notification per piece of work and reason, however often it is asked for and refused again.
        dedupKey: `work-refused:${JOBS[job.name].jobId(job.data as never)}:${job.code}`,
        subjectType: 'job',
        subjectId: job.id,
        message: `${job.name} stopped: ${job.code}: ${job.message}. It runs again when the work is asked for again.`,
        details: { job: job.name, code: job.code },
      }),
    );
    return created;
  }

  private recipientOf(job: RefusedJob): Promise<number | null> {
    switch (job.name) {
      case 'yearend.post':
        return this.recipients.bureauOfSettlement((job.data as JobPayloads['yearend.post']).settlementId);
      case 'cycle.run':
        return this.recipients.bureauOfScope((job.data as JobPayloads['cycle.run']).scope);
      case 'intake.process-upload':
        return this.recipients.submitterOfUpload((job.data as JobPayloads['intake.process-upload']).uploadId);
      case 'registry.import-institutions':
        return this.recipients.institutionOfImport((job.data as JobPayloads['registry.import-institutions']).importId);
      default:
        return Promise.resolve(null);
    }
  }
}
