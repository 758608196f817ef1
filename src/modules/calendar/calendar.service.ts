import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CALENDAR_DATA_SOURCE, DEFAULT_WORKING_DAY_CALENDAR } from '../../domain/calendar-data';
import { DomainError } from '../../domain/domain-error';
import {
  addWorkingDays,
  confirmedYears,
  Deadline,
  IsoDate,
  monthlyCycleDeadlines,
  passDownDeadline,
  WorkingDayCalendar,
  withYearSchedule,
  YearSchedule,
} from '../../domain/working-days';
import { PolicyParameters } from '../../domain/policy-parameters';
import { staleVersion } from '../../common/record-errors';
import { currentContext } from '../../common/request-context';
import { inTransaction } from '../../database/transaction';
import { AuditService } from '../audit/audit.service';

export interface YearScheduleView extends YearSchedule {
  year: number;
  /** `bureau` when loaded or corrected through the API, else the shipped calendar data. */
  source: 'bureau' | string;
  version: number;
  note: string | null;
}

type Row = { notice_year: number; holidays: string; make_up_working_days: string; note: string; version: number; loaded_by: string };

/**
 * The working-day calendar in force: the shipped official schedules, with the years the
 * bureau loaded or corrected laid over them. Rebuilt when a stored year changes.
 */
@Injectable()
export class CalendarService {
  private cached: { stamp: string; calendar: WorkingDayCalendar } | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async calendar(): Promise<WorkingDayCalendar> {
    const [stamp]: { n: number; v: string | null; t: Date | null }[] = await this.dataSource.query(
      'SELECT COUNT(*) AS n, SUM(version) AS v, MAX(updated_at) AS t FROM calendar_year_schedule',
    );
    const key = `${stamp.n}/${stamp.v}/${stamp.t?.toISOString() ?? ''}`;
    if (this.cached?.stamp === key) return this.cached.calendar;
    let calendar = DEFAULT_WORKING_DAY_CALENDAR;
    for (const row of await this.rows()) calendar = withYearSchedule(calendar, row.notice_year, parse(row));
    this.cached = { stamp: key, calendar };
    return calendar;
  }

  async deadline(from: IsoDate, workingDays: number): Promise<Deadline> {
    return addWorkingDays(from, workingDays, await this.calendar());
  }

  /** The dates of one monthly cycle (SPEC §4) under a county's parameters for that fund year. */
  async cycleDeadlines(
    period: string,
    params: PolicyParameters,
  ): Promise<ReturnType<typeof monthlyCycleDeadlines> & { passDownWorkingDays: number }> {
    const calendar = await this.calendar();
    const cycle = monthlyCycleDeadlines(period, calendar, {
      memberCutoffDay: Number(params.memberCutoffDay),
      declarationDay: Number(params.declarationDay),
      bureauPaymentWorkingDays: Number(params.bureauPaymentWorkingDays),
    });
    return { ...cycle, passDownWorkingDays: Number(params.passDownWorkingDays) };
  }

  async passDownDeadline(receivedOn: IsoDate, workingDays: number): Promise<Deadline> {
    return passDownDeadline(receivedOn, await this.calendar(), workingDays);
  }

  async years(): Promise<{ year: number; source: string }[]> {
    const stored = new Map((await this.rows()).map((r) => [r.notice_year, r]));
    return confirmedYears(await this.calendar()).map((year) => ({ year, source: stored.has(year) ? 'bureau' : CALENDAR_DATA_SOURCE }));
  }

  async year(year: number): Promise<YearScheduleView> {
    const calendar = await this.calendar();
    const schedule = calendar.schedules[String(year)];
    if (!schedule)
      throw new DomainError(
        'CALENDAR_YEAR_NOT_LOADED',
        'not_found',
        `no official schedule for ${year} is loaded; deadlines in ${year} count weekends only and are marked unconfirmed`,
      );
    const [row]: Row[] = await this.dataSource.query('SELECT * FROM calendar_year_schedule WHERE notice_year = ?', [year]);
    return { year, ...schedule, source: row ? 'bureau' : CALENDAR_DATA_SOURCE, version: row?.version ?? 0, note: row?.note ?? null };
  }

  /**
   * Loads or corrects one year's official schedule. `version` is the stored version the
   * change is based on (0 when the year has never been stored). Checked against the
   * neighbouring years before anything is written.
   */
  async load(year: number, version: number, schedule: YearSchedule, note: string): Promise<YearScheduleView> {
    await inTransaction(this.dataSource, async (manager) => {
      const [row]: Row[] = await manager.query('SELECT * FROM calendar_year_schedule WHERE notice_year = ? FOR UPDATE', [year]);
      const current = row?.version ?? 0;
      if (current !== version) throw staleVersion(current);
      const inForce = await this.calendar();
      const checked = withYearSchedule(inForce, year, schedule).schedules[String(year)];
      const before = inForce.schedules[String(year)] ?? null;
      if (row) {
        await manager.query(
          'UPDATE calendar_year_schedule SET holidays = ?, make_up_working_days = ?, note = ?, version = version + 1, loaded_by = ? WHERE notice_year = ?',
          [JSON.stringify(checked.holidays), JSON.stringify(checked.makeUpWorkingDays), note, currentContext().actor, year],
        );
      } else {
        await manager.query(
          'INSERT INTO calendar_year_schedule (notice_year, holidays, make_up_working_days, note, loaded_by) VALUES (?, ?, ?, ?, ?)',
          [year, JSON.stringify(checked.holidays), JSON.stringify(checked.makeUpWorkingDays), note, currentContext().actor],
        );
      }
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

  private rows(): Promise<Row[]> {
    return this.dataSource.query('SELECT * FROM calendar_year_schedule ORDER BY notice_year');
  }
}

function parse(row: Row): YearSchedule {
  return { holidays: JSON.parse(row.holidays), makeUpWorkingDays: JSON.parse(row.make_up_working_days) };
}
