import {
  assertCycleScopeNamed,
  assertPeriodReached,
  assertScopesFound,
  checkCyclePeriod,
  cyclePeriodParts,
  cycleSchedules,
  scheduledPeriod,
} from './cycle-schedule';
import { refusal } from './refusal.spec-helper';

describe('scheduledPeriod', () => {
  it.each([
    ['period-open', '2026-11-01', '2026-11'],
    ['deadline-watch', '2026-11-30', '2026-11-30'],
    ['monitoring', '2026-01-25', '2025-12'],
    ['fund-analysis', '2026-01-10', '2025-Q4'],
    ['fund-analysis', '2026-07-10', '2026-Q2'],
    ['quarterly-advance', '2026-04-01', '2026-Q2'],
    ['year-end', '2027-01-10', '2026'],
  ] as const)('%s fired on %s works on %s', (cycle, today, period) => {
    expect(scheduledPeriod(cycle, today)).toBe(period);
  });
});

describe('checkCyclePeriod', () => {
  it('accepts the period kind of each cycle and names the rule otherwise', () => {
    expect(checkCyclePeriod('monitoring', '2026-10')).toBe('2026-10');
    expect(checkCyclePeriod('year-end', '2026')).toBe('2026');
    expect(refusal(() => checkCyclePeriod('monitoring', '2026-13')).details[0]).toMatchObject({ field: 'period', rule: 'monthPeriod' });
    expect(refusal(() => checkCyclePeriod('deadline-watch', '2026-02-30')).details[0].rule).toBe('datePeriod');
    expect(refusal(() => checkCyclePeriod('fund-analysis', '2026-Q5')).details[0].rule).toBe('quarterPeriod');
  });
  it('splits periods into fund year and quarter', () => {
    expect(cyclePeriodParts('2026-Q3')).toEqual({ fundYear: 2026, quarter: 3, month: null });
    expect(cyclePeriodParts('2026-11-30')).toEqual({ fundYear: 2026, quarter: 4, month: 11 });
  });
});

describe('assertPeriodReached and cycleSchedules', () => {
  it('refuses periods not yet begun, and analyses of quarters not yet ended', () => {
    expect(() => assertPeriodReached('period-open', '2026-12', '2026-12-01')).not.toThrow();
    expect(refusal(() => assertPeriodReached('period-open', '2026-12', '2026-11-30')).code).toBe('PERIOD_NOT_REACHED');
    expect(() => assertPeriodReached('quarterly-advance', '2026-Q4', '2026-10-01')).not.toThrow();
    expect(refusal(() => assertPeriodReached('fund-analysis', '2026-Q3', '2026-09-30')).details[0]).toMatchObject({
      field: 'period',
      rule: 'reached',
    });
    expect(() => assertPeriodReached('fund-analysis', '2026-Q3', '2026-10-01')).not.toThrow();
  });
  it('takes overrides and switches schedules off', () => {
    const s = cycleSchedules({ 'quarterly-advance': 'off', 'deadline-watch': '0 0 2 * * *' });
    expect(s.find((x) => x.cycle === 'quarterly-advance')!.pattern).toBeNull();
    expect(s.find((x) => x.cycle === 'deadline-watch')!.pattern).toBe('0 0 2 * * *');
    expect(s.find((x) => x.cycle === 'year-end')!.pattern).toBe('0 0 3 10 1 *');
    expect(cycleSchedules({}, false).every((x) => x.pattern === null)).toBe(true);
  });
});

describe('assertCycleScopeNamed', () => {
  it('lets a community cycle name a community and a county cycle name none', () => {
    expect(() => assertCycleScopeNamed('monitoring', 'WS-MC')).not.toThrow();
    expect(() => assertCycleScopeNamed('year-end', undefined)).not.toThrow();
  });

  it('refuses a community named for a county-wide cycle', () => {
    const e = refusal(() => assertCycleScopeNamed('year-end', 'WS-MC'));
    expect(e).toMatchObject({ code: 'VALIDATION_FAILED', kind: 'unprocessable', message: 'the year-end cycle runs for a whole county' });
    expect(e.details).toEqual([{ field: 'communityCode', rule: 'countyCycle', message: 'WS-MC' }]);
  });
});

describe('assertScopesFound', () => {
  it('passes when there is a scope to run for', () => {
    expect(() => assertScopesFound('monitoring', 1, undefined)).not.toThrow();
  });

  it('refuses with not found, naming the community asked for', () => {
    expect(refusal(() => assertScopesFound('monitoring', 0, 'XX-MC'))).toMatchObject({
      code: 'NOT_FOUND',
      kind: 'not_found',
      message: 'no community to run monitoring for: XX-MC',
    });
    expect(refusal(() => assertScopesFound('year-end', 0, undefined)).message).toBe('no county to run year-end for');
  });
});
