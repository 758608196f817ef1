/** The cycles module's public surface: scheduled cycles, notifications, the year-end settlement. */
export { CyclesModule } from './cycles.module';
export { CycleScheduler, SCHEDULE_TIMEZONE } from './cycle-scheduler';
export { CycleRunnerService } from './cycle-runner.service';
export type { CycleRunRef } from './cycle-runner.service';
export { NotificationService, isHostLocal, localAddressOf } from './notification.service';
export type { AddressLookup, NewNotification, NotificationView, Severity, WebhookView } from './notification.service';
export { YearEndService } from './year-end.service';
export type { CommunitySummary, StatementView, YearEndSummary, YearEndView } from './year-end.service';
export * from './cycle-scheduler';
export * from './cycles.module';
