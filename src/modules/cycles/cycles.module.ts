import { Module } from '@nestjs/common';
import { AssessmentModule } from '../assessment';
import { CalendarModule } from '../calendar';
import { ClaimsModule } from '../claims';
import { FundYearModule } from '../fund-year';
import { RegistryModule } from '../registry';
import { CycleResultRepository } from './cycle-result.repository';
import { CycleRunnerService } from './cycle-runner.service';
import { CyclesController, JobRunsController, MonitoringController, NotificationsController, YearEndController } from './cycles.controller';
import { DeadlineWatchRepository } from './deadline-watch.repository';
import { DeadlineWatchService } from './deadline-watch.service';
import { MonitoringMetrics } from './monitoring.metrics';
import { MonitoringService } from './monitoring.service';
import { NotificationRepository } from './notification.repository';
import { NotificationService } from './notification.service';
import { RefusedWorkNotifier } from './refused-work.notifier';
import { RoleChangeNotifier } from './role-change.notifier';
import { NoticeRecipientsRepository } from './notice-recipients.repository';
import { YearEndRepository } from './year-end.repository';
import { YearEndService } from './year-end.service';

/**
 * The scheduled cycles (SPEC §6, §7): period opening, the deadline watch and its notifications,
 * monitoring, fund analyses, quarterly advances and the year-end settlement; their triggers,
 * results and job runs.
 */
@Module({
  imports: [ClaimsModule, FundYearModule, CalendarModule, RegistryModule, AssessmentModule],
  controllers: [CyclesController, JobRunsController, NotificationsController, YearEndController, MonitoringController],
  providers: [
    CycleResultRepository,
    DeadlineWatchRepository,
    NotificationRepository,
    NoticeRecipientsRepository,
    YearEndRepository,
    CycleRunnerService,
    DeadlineWatchService,
    MonitoringService,
    NotificationService,
    RefusedWorkNotifier,
    RoleChangeNotifier,
    YearEndService,
    MonitoringMetrics,
  ],
  exports: [CycleRunnerService, NotificationService, YearEndService],
})
export class CyclesModule {}
