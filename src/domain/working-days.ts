import { DomainError, ErrorDetail } from './domain-error';

/**
 * Working-day arithmetic of SPEC §4–§5. Dates are Asia/Shanghai business dates written
 * 'YYYY-MM-DD'; they are handled as plain calendar days (UTC date parts), so the host's
 * time zone never shifts a deadline.
 */
export type IsoDate = string;

/** One year's official schedule (国务院办公厅关于YYYY年部分节假日安排的通知). */
export interface YearSchedule {
  /** Days off (放假), weekend days inside a holiday span included. */
  readonly holidays: readonly IsoDate[];
  /** Weekend days worked instead (调休上班). */
  readonly makeUpWorkingDays: readonly IsoDate[];
}

/**
 * The official schedules known, keyed by the year of the notice. A plain value, so the
 * bureau can load or correct a year (see `withYearSchedule`) and it can be stored as JSON.
 */
export interface WorkingDayCalendar {
  readonly schedules: Readonly<Record<string, YearSchedule>>;
}

/** A deadline, and whether every day it depends on is covered by an official schedule. */
export interface Deadline {
  deadline: IsoDate;
  calendarConfirmed: boolean;
}

/**
 * A New Year arrangement can reach back into late December of the year before (the 2019
 * notice made Sat 29 Dec 2018 a working day), so from this day of December on a date also
 * needs the next year's notice to be certain.
 */
export const NEXT_NOTICE_REACHES_BACK_TO_DECEMBER = 25;

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;
const MAX_WORKING_DAYS = 366;

/** Whole days since 1970-01-01 of a valid 'YYYY-MM-DD'; a DomainError naming `field` otherwise. */
export function dayNumber(date: IsoDate, field = 'date'): number {
  const m = typeof date === 'string' ? ISO_DATE.exec(date) : null;
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number(m[1]) < 1900 || toIsoDate(ms / DAY_MS) !== date) {
    throw new DomainError('DATE_INVALID', 'unprocessable', `${field}: "${date}" is not a calendar date written YYYY-MM-DD`, [
      { field, rule: 'isoDate', message: String(date) },
    ]);
  }
  return ms / DAY_MS;
}

export function toIsoDate(day: number): IsoDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday; 1970-01-01 was a Thursday. */
function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

const yearOf = (date: IsoDate) => Number(date.slice(0, 4));

/** Builds a calendar from schedules keyed by notice year, checking each one. */
export function workingDayCalendar(schedules: Readonly<Record<string, YearSchedule>> = {}): WorkingDayCalendar {
  let calendar: WorkingDayCalendar = Object.freeze({ schedules: Object.freeze({}) });
  for (const [year, schedule] of Object.entries(schedules)) calendar = withYearSchedule(calendar, Number(year), schedule);
  return calendar;
}

/** A new calendar with `year`'s official schedule loaded or replaced; the old one is unchanged. */
export function withYearSchedule(calendar: WorkingDayCalendar, year: number, schedule: YearSchedule): WorkingDayCalendar {
  const checked = checkYearSchedule(year, schedule);
  const schedules = { ...calendar.schedules, [String(year)]: checked };
  const conflicts = conflictingDays(schedules);
  if (conflicts.length) {
    throw new DomainError(
      'CALENDAR_SCHEDULE_CONFLICT',
      'unprocessable',
      `the ${year} schedule contradicts a neighbouring year on ${conflicts.join(', ')}`,
      conflicts.map((d) => ({ field: 'schedule', rule: 'agreesWithNeighbours', message: d })),
    );
  }
  return Object.freeze({ schedules: Object.freeze(schedules) });
}

function checkYearSchedule(year: number, schedule: YearSchedule): YearSchedule {
  if (!Number.isInteger(year) || year < 1900 || year > 9998) {
    throw new DomainError('CALENDAR_SCHEDULE_INVALID', 'unprocessable', `${year} is not a year`, [
      { field: 'year', rule: 'year', message: String(year) },
    ]);
  }
  const errors: ErrorDetail[] = [];
  const first = dayNumber(`${year - 1}-12-${NEXT_NOTICE_REACHES_BACK_TO_DECEMBER}`);
  const last = dayNumber(`${year}-12-31`);
  const read = (list: readonly IsoDate[] | undefined, name: 'holidays' | 'makeUpWorkingDays'): IsoDate[] => {
    if (!Array.isArray(list)) {
      errors.push({ field: name, rule: 'list', message: `${name} must be a list of dates` });
      return [];
    }
    return list.filter((date, i) => {
      const field = `${name}.${i}`;
      let day: number;
      try {
        day = dayNumber(date, field);
      } catch (e) {
        if (e instanceof DomainError) errors.push(...e.details);
        return false;
      }
      if (day < first || day > last)
        errors.push({
          field,
          rule: 'inNoticeYear',
          message: `${date} is outside the ${year} notice (late December ${year - 1} to the end of ${year})`,
        });
      else if (name === 'makeUpWorkingDays' && weekday(day) !== 0 && weekday(day) !== 6)
        errors.push({ field, rule: 'weekend', message: `${date} is a weekday: only a Saturday or Sunday can be a make-up working day` });
      return true;
    });
  };
  const holidays = [...new Set(read(schedule.holidays, 'holidays'))].sort();
  const makeUpWorkingDays = [...new Set(read(schedule.makeUpWorkingDays, 'makeUpWorkingDays'))].sort();
  for (const d of makeUpWorkingDays)
    if (holidays.includes(d))
      errors.push({ field: 'makeUpWorkingDays', rule: 'notAlsoHoliday', message: `${d} is listed both as a holiday and as a working day` });
  if (errors.length)
    throw new DomainError(
      'CALENDAR_SCHEDULE_INVALID',
      'unprocessable',
      `the ${year} schedule is not valid: ${errors.map((e) => e.message).join('; ')}`,
      errors,
    );
  return Object.freeze({ holidays: Object.freeze(holidays), makeUpWorkingDays: Object.freeze(makeUpWorkingDays) });
}

function conflictingDays(schedules: Readonly<Record<string, YearSchedule>>): IsoDate[] {
  const off = new Set(Object.values(schedules).flatMap((s) => s.holidays));
  return [...new Set(Object.values(schedules).flatMap((s) => s.makeUpWorkingDays.filter((d) => off.has(d))))].sort();
}

/** Notice years loaded, ascending. */
export function confirmedYears(calendar: WorkingDayCalendar): number[] {
  return Object.keys(calendar.schedules)
    .map(Number)
    .sort((a, b) => a - b);
}

/** The official schedule of `year`, or CALENDAR_YEAR_NOT_LOADED (404) when none is loaded. */
export function loadedYearSchedule(calendar: WorkingDayCalendar, year: number): YearSchedule {
  const schedule = calendar.schedules[String(year)];
  if (!schedule)
    throw new DomainError(
      'CALENDAR_YEAR_NOT_LOADED',
      'not_found',
      `no official schedule for ${year} is loaded; deadlines in ${year} count weekends only and are marked unconfirmed`,
    );
  return schedule;
}

// Calendars are frozen values, so a lookup table per calendar can be kept beside it.
const overrides = new WeakMap<WorkingDayCalendar, Map<IsoDate, boolean>>();
function overridesOf(calendar: WorkingDayCalendar): Map<IsoDate, boolean> {
  let table = overrides.get(calendar);
  if (!table) {
    table = new Map();
    for (const s of Object.values(calendar.schedules)) {
      for (const d of s.holidays) table.set(d, false);
      for (const d of s.makeUpWorkingDays) table.set(d, true);
    }
    overrides.set(calendar, table);
  }
  return table;
}

function workingOn(day: number, calendar: WorkingDayCalendar): boolean {
  const official = overridesOf(calendar).get(toIsoDate(day));
  if (official !== undefined) return official;
  const wd = weekday(day);
  return wd !== 0 && wd !== 6;
}

function confirmedOn(day: number, calendar: WorkingDayCalendar): boolean {
  const date = toIsoDate(day);
  const year = yearOf(date);
  const lateDecember = date.slice(5, 7) === '12' && Number(date.slice(8)) >= NEXT_NOTICE_REACHES_BACK_TO_DECEMBER;
  return String(year) in calendar.schedules && (!lateDecember || String(year + 1) in calendar.schedules);
}

/** Statutory holidays are off, make-up days (调休) are on; otherwise Monday to Friday. */
export function isWorkingDay(date: IsoDate, calendar: WorkingDayCalendar): boolean {
  return workingOn(dayNumber(date), calendar);
}

/** Whether the official schedule that decides `date` is loaded (else weekends only are known). */
export function isCalendarConfirmed(date: IsoDate, calendar: WorkingDayCalendar): boolean {
  return confirmedOn(dayNumber(date), calendar);
}

/**
 * The `n`th working day after `from`. The start day itself does not count (民法典 art. 201:
 * 开始的当日不计入). Unconfirmed when any day counted over lacks an official schedule.
 */
export function addWorkingDays(from: IsoDate, n: number, calendar: WorkingDayCalendar, field = 'from'): Deadline {
  let day = dayNumber(from, field);
  if (!Number.isInteger(n) || n < 0 || n > MAX_WORKING_DAYS) {
    throw new DomainError('WORKING_DAYS_INVALID', 'unprocessable', `${n} is not a number of working days from 0 to ${MAX_WORKING_DAYS}`, [
      { field: 'workingDays', rule: 'workingDays', message: String(n) },
    ]);
  }
  let calendarConfirmed = true;
  for (let counted = 0; counted < n;) {
    day++;
    calendarConfirmed &&= confirmedOn(day, calendar);
    if (workingOn(day, calendar)) counted++;
  }
  return { deadline: toIsoDate(day), calendarConfirmed };
}

/** `date` if it is a working day, else the next one (民法典 art. 203: a last day that is a holiday moves to the day after). */
export function nextWorkingDay(date: IsoDate, calendar: WorkingDayCalendar, field = 'date'): Deadline {
  let day = dayNumber(date, field);
  let calendarConfirmed = confirmedOn(day, calendar);
  while (!workingOn(day, calendar)) {
    day++;
    calendarConfirmed &&= confirmedOn(day, calendar);
  }
  return { deadline: toIsoDate(day), calendarConfirmed };
}

/** First day of the month after a claim period 'YYYY-MM'. */
function nextMonthStart(period: string): number {
  const m = typeof period === 'string' ? PERIOD.exec(period) : null;
  if (!m || Number(m[1]) < 1900) {
    throw new DomainError('PERIOD_INVALID', 'unprocessable', `"${period}" is not a claim period written YYYY-MM`, [
      { field: 'period', rule: 'period', message: String(period) },
    ]);
  }
  return Date.UTC(Number(m[1]), Number(m[2]), 1) / DAY_MS; // month index m[2] is already the next month
}

function dayOfNextMonth(period: string, dayOfMonth: number, field: string): number {
  const start = nextMonthStart(period);
  // 1–28 exists in every month, as the parameter set also requires.
  if (!Number.isInteger(dayOfMonth) || dayOfMonth < 1 || dayOfMonth > 28) {
    throw new DomainError('DAY_OF_MONTH_INVALID', 'unprocessable', `${field} must be a day from 1 to 28, not ${dayOfMonth}`, [
      { field, rule: 'dayOfMonth', message: String(dayOfMonth) },
    ]);
  }
  return start + dayOfMonth - 1;
}

/** Member units submit a period's records by this day of the next month (default the 3rd). */
export function memberCutoffDate(period: string, day = 3): IsoDate {
  return toIsoDate(dayOfNextMonth(period, day, 'memberCutoffDay'));
}

/**
 * The lead unit declares a period by this day of the next month (每月5日前), moved to the next
 * working day when it is not one (民法典 art. 203) unless the county turned that off.
 */
export function declarationDeadline(
  period: string,
  calendar: WorkingDayCalendar,
  dayOfMonth = 5,
  roll: 'nextWorkingDay' | 'none' = 'nextWorkingDay',
): Deadline {
  const nominal = toIsoDate(dayOfNextMonth(period, dayOfMonth, 'declarationDay'));
  return roll === 'none' ? { deadline: nominal, calendarConfirmed: true } : nextWorkingDay(nominal, calendar);
}

/** Funds received are passed down by the 5th working day after the receipt date (SPEC §4 step 6). */
export function passDownDeadline(receivedOn: IsoDate, calendar: WorkingDayCalendar, workingDays = 5): Deadline {
  return addWorkingDays(receivedOn, workingDays, calendar, 'receivedOn');
}

/** The bureau pays within 20 working days after the declaration deadline (flagged when late, never blocking). */
export function bureauPaymentDeadline(declarationDeadline: IsoDate, calendar: WorkingDayCalendar, workingDays = 20): Deadline {
  return addWorkingDays(declarationDeadline, workingDays, calendar, 'declarationDeadline');
}

/** The dates of one monthly cycle (SPEC §4) from the county's parameters. */
export function monthlyCycleDeadlines(
  period: string,
  calendar: WorkingDayCalendar,
  params: { memberCutoffDay: number; declarationDay: number; bureauPaymentWorkingDays: number },
): { memberCutoff: IsoDate; declaration: Deadline; bureauPayment: Deadline } {
  const declaration = declarationDeadline(period, calendar, params.declarationDay);
  const payment = bureauPaymentDeadline(declaration.deadline, calendar, params.bureauPaymentWorkingDays);
  return {
    memberCutoff: memberCutoffDate(period, params.memberCutoffDay),
    declaration,
    bureauPayment: { deadline: payment.deadline, calendarConfirmed: payment.calendarConfirmed && declaration.calendarConfirmed },
  };
}

/** The Asia/Shanghai business date of an instant (UTC+8 all year, no daylight saving). */
export function shanghaiToday(now: Date = new Date()): IsoDate {
  return toIsoDate(Math.floor((now.getTime() + 8 * 3_600_000) / DAY_MS));
}
