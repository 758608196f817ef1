import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CALENDAR_DATA_SOURCE, DEFAULT_WORKING_DAY_CALENDAR } from '../../domain/calendar-data';
import {
  addWorkingDays,
  confirmedYears,
  Deadline,
  IsoDate,
  loadedYearSchedule,
  monthlyCycleDeadlines,
  passDownDeadline,
  WorkingDayCalendar,
  withYearSchedule,
  YearSchedule,
} from '../../domain/working-days';
import { PolicyParameters, PolicyTerms, policyTerms } from '../../domain/policy-parameters';
import { staleVersion } from '../../common/record-errors';
import { currentContext } from '../../common/request-context';
import { inTransaction } from '../../database/transaction';
import { AuditService } from '../audit';
import { CalendarRepository } from './calendar.repository';

export interface YearScheduleView extends YearSchedule {
  year: number;
  /** `bureau` when loaded or corrected through the API, else the shipped calendar data. */
  source: 'bureau' | string;
  version: number;
  note: string | null;
}

/**
 * The working-day calendar in force: the shipped official schedules, with the years the
 * bureau loaded or corrected laid over them. Rebuilt when a stored year changes.
 */
@Injectable()
export class CalendarService {
  private cached: { stamp: string; calendar: WorkingDayCalendar } | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: CalendarRepository,
    private readonly audit: AuditService,
  ) {}

  async calendar(): Promise<WorkingDayCalendar> {
    const key = await this.repository.stamp();
    if (this.cached?.stamp === key) return this.cached.calendar;
    let calendar = DEFAULT_WORKING_DAY_CALENDAR;
    for (const stored of await this.repository.all()) calendar = withYearSchedule(calendar, stored.year, stored.schedule);
    this.cached = { stamp: key, calendar };
    return calendar;
  }

  async deadline(from: IsoDate, workingDays: number): Promise<Deadline> {
    return addWorkingDays(from, workingDays, await this.calendar());
  }

  /** The dates of one monthly cycle (SPEC §4) under a county's parameters (stored, or already parsed) for that fund year. */
  async cycleDeadlines(
    period: string,
    params: PolicyParameters | PolicyTerms,
  ): Promise<ReturnType<typeof monthlyCycleDeadlines> & { passDownWorkingDays: number }> {
    const terms = typeof params.memberCutoffDay === 'number' ? (params as PolicyTerms) : policyTerms(params as PolicyParameters);
    const calendar = await this.calendar();
    const cycle = monthlyCycleDeadlines(period, calendar, {
      memberCutoffDay: terms.memberCutoffDay,
      declarationDay: terms.declarationDay,
      bureauPaymentWorkingDays: terms.bureauPaymentWorkingDays,
    });
    return { ...cycle, passDownWorkingDays: terms.passDownWorkingDays };
  }

  async passDownDeadline(receivedOn: IsoDate, workingDays: number): Promise<Deadline> {
    return passDownDeadline(receivedOn, await this.calendar(), workingDays);
  }

  async years(): Promise<{ year: number; source: string }[]> {
    const stored = new Set((await this.repository.all()).map((r) => r.year));
    return confirmedYears(await this.calendar()).map((year) => ({ year, source: stored.has(year) ? 'bureau' : CALENDAR_DATA_SOURCE }));
  }

  async year(year: number): Promise<YearScheduleView> {
    const schedule = loadedYearSchedule(await this.calendar(), year);
    const row = await this.repository.find(year);
    return { year, ...schedule, source: row ? 'bureau' : CALENDAR_DATA_SOURCE, version: row?.version ?? 0, note: row?.note ?? null };
  }

  /**
   * Loads or corrects one year's official schedule. `version` is the stored version the
   * change is based on (0 when the year has never been stored). Checked against the
   * neighbouring years before anything is written.
   */
  async load(year: number, version: number, schedule: YearSchedule, note: string): Promise<YearScheduleView> {
    await inTransaction(this.dataSource, async (manager) => {
      const row = await this.repository.find(year, manager, true);
      const current = row?.version ?? 0;
      if (current !== version) throw staleVersion(current);
      const inForce = await this.calendar();
      const checked = withYearSchedule(inForce, year, schedule).schedules[String(year)];
      const before = inForce.schedules[String(year)] ?? null;
      if (row) await this.repository.update(manager, year, checked, note, currentContext().actor);
      else await this.repository.insert(manager, year, checked, note, currentContext().actor);
      await this.audit.record(manager, {
        action: 'calendar.load',
        entityType: 'calendarYear',
        entityId: String(year),
        before: before && { holidays: before.holidays.join(','), makeUpWorkingDays: before.makeUpWorkingDays.join(',') },
        after: { holidays: checked.holidays.join(','), makeUpWorkingDays: checked.makeUpWorkingDays.join(','), note },
      });
    });
    this.cached = null;
    return this.year(year);
  }
}
