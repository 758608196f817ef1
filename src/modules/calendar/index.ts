/** The working-day calendar's public surface: deadlines under the official schedules. */
export { CalendarModule } from './calendar.module';
export { CalendarService, type YearScheduleView } from './calendar.service';
export * from './calendar.module';
export * from './calendar.service';
