import { DomainError } from './domain-error';
import { fundYearOf, isPeriod, monthOf, periodOf, previousPeriod, quarterDates, quarterOf } from './claim-cycle';
import { IsoDate } from './working-days';

/**
 * The scheduled cycles (SPEC §4, §6, §7) and the period each one works on. A schedule fires on
 * a business date (Asia/Shanghai); the cycle's period follows from that date, so a manual
 * trigger for the same period does exactly what the scheduled run does.
 */
export const CYCLES = {
  /** 1st of the month: opens every claiming unit's claim for the month. */
  'period-open': { scope: 'county', period: 'month', schedule: '0 10 0 1 * *' },
  /** Daily: member cut-offs, declarations, the bureau's payment SLA and pass-downs past their deadline. */
  'deadline-watch': { scope: 'county', period: 'date', schedule: '0 30 1 * * *' },
  /** After each approval, and monthly for the month before: burn ratio, primary share, payment capacity. */
  monitoring: { scope: 'community', period: 'month', schedule: '0 0 3 25 * *' },
  /** After each quarter: the quarterly fund analysis draft (基金运行分析). */
  'fund-analysis': { scope: 'community', period: 'quarter', schedule: '0 0 4 10 1,4,7,10 *' },
  /** Quarter start, when the county advances quarterly (按季度预拨). */
  'quarterly-advance': { scope: 'community', period: 'quarter', schedule: '0 0 2 1 1,4,7,10 *' },
  /** 10 January: the year-end settlement draft for the fund year before (年终清算). */
  'year-end': { scope: 'county', period: 'year', schedule: '0 0 3 10 1 *' },
} as const satisfies Record<string, { scope: 'county' | 'community'; period: 'month' | 'date' | 'quarter' | 'year'; schedule: string }>;

export type CycleName = keyof typeof CYCLES;
export const CYCLE_NAMES = Object.keys(CYCLES) as CycleName[];

const quarterPeriod = (period: string) => `${fundYearOf(period)}-Q${quarterOf(period)}`;

/** The period a cycle's schedule works on when it fires on `today`. */
export function scheduledPeriod(cycle: CycleName, today: IsoDate): string {
  const month = periodOf(today);
  switch (cycle) {
    case 'period-open':
      return month;
    case 'deadline-watch':
      return today;
    case 'monitoring':
      return previousPeriod(month);
    case 'fund-analysis':
      return quarterPeriod(previousPeriod(quarterDates(fundYearOf(month), quarterOf(month)).first.slice(0, 7)));
    case 'quarterly-advance':
      return quarterPeriod(month);
    case 'year-end':
      return String(fundYearOf(month) - 1);
  }
}

const PATTERNS = {
  month: { re: /^\d{4}-(0[1-9]|1[0-2])$/, example: '2026-10' },
  date: { re: /^\d{4}-\d{2}-\d{2}$/, example: '2026-11-30' },
  quarter: { re: /^\d{4}-Q[1-4]$/, example: '2026-Q3' },
  year: { re: /^\d{4}$/, example: '2026' },
} as const;

/** Checks a period given for a cycle (month, date, quarter or year, as the cycle works on). */
export function checkCyclePeriod(cycle: CycleName, period: string): string {
  const kind = CYCLES[cycle].period;
  const ok =
    PATTERNS[kind].re.test(period) &&
    (kind !== 'month' || isPeriod(period)) &&
    (kind !== 'date' ||
      (!Number.isNaN(Date.parse(`${period}T00:00:00Z`)) && new Date(`${period}T00:00:00Z`).toISOString().startsWith(period)));
  if (!ok) {
    throw new DomainError(
      'VALIDATION_FAILED',
      'unprocessable',
      `the ${cycle} cycle works on a ${kind} such as ${PATTERNS[kind].example}, not "${period}"`,
      [{ field: 'period', rule: `${kind}Period`, message: period }],
    );
  }
  return period;
}

/** The fund year and (for quarterly cycles) quarter of a cycle period. */
export function cyclePeriodParts(period: string): { fundYear: number; quarter: number | null; month: number | null } {
  if (/^\d{4}$/.test(period)) return { fundYear: Number(period), quarter: null, month: null };
  const q = /^(\d{4})-Q([1-4])$/.exec(period);
  if (q) return { fundYear: Number(q[1]), quarter: Number(q[2]), month: null };
  const p = period.slice(0, 7);
  return { fundYear: fundYearOf(p), quarter: quarterOf(p), month: monthOf(p) };
}

/**
 * A cycle runs only for a period that has begun (by `today`); a fund analysis only for a
 * quarter that has ended. Throws 422 naming `period` otherwise.
 */
export function assertPeriodReached(cycle: CycleName, period: string, today: IsoDate): void {
  const { fundYear, quarter } = cyclePeriodParts(period);
  const kind = CYCLES[cycle].period;
  const start =
    kind === 'date'
      ? period
      : kind === 'month'
        ? `${period}-01`
        : kind === 'quarter'
          ? quarterDates(fundYear, quarter!).first
          : `${fundYear}-01-01`;
  const notYet = cycle === 'fund-analysis' ? today <= quarterDates(fundYear, quarter!).last : start > today;
  if (notYet) {
    throw new DomainError(
      'PERIOD_NOT_REACHED',
      'unprocessable',
      `${cycle} for ${period} cannot run before ${cycle === 'fund-analysis' ? 'the quarter has ended' : 'the period has begun'} (today is ${today})`,
      [{ field: 'period', rule: 'reached', message: period }],
    );
  }
}

/** The schedule of each cycle: its default pattern, or the configured override; null when off. */
export function cycleSchedules(
  overrides: Readonly<Record<string, string>>,
  enabled = true,
): { cycle: CycleName; pattern: string | null }[] {
  return CYCLE_NAMES.map((cycle) => {
    const pattern = overrides[cycle] ?? CYCLES[cycle].schedule;
    return { cycle, pattern: enabled && pattern !== 'off' ? pattern : null };
  });
}

/** A county-wide cycle runs for the whole county: a trigger naming a community is refused. */
export function assertCycleScopeNamed(cycle: CycleName, communityCode: string | undefined): void {
  if (communityCode !== undefined && CYCLES[cycle].scope === 'county') {
    throw new DomainError('VALIDATION_FAILED', 'unprocessable', `the ${cycle} cycle runs for a whole county`, [
      { field: 'communityCode', rule: 'countyCycle', message: communityCode },
    ]);
  }
}

/** A trigger must find at least one county or community to run the cycle for. */
export function assertScopesFound(cycle: CycleName, scopes: number, communityCode: string | undefined): void {
  if (scopes === 0)
    throw new DomainError(
      'NOT_FOUND',
      'not_found',
      `no ${CYCLES[cycle].scope} to run ${cycle} for${communityCode ? `: ${communityCode}` : ''}`,
    );
}
