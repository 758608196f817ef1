import fc from 'fast-check';
import { CALENDAR_DATA_SOURCE, DEFAULT_WORKING_DAY_CALENDAR, schedulesFromChineseDays } from './calendar-data';
import {
  addWorkingDays,
  bureauPaymentDeadline,
  confirmedYears,
  dayNumber,
  declarationDeadline,
  isCalendarConfirmed,
  isWorkingDay,
  memberCutoffDate,
  monthlyCycleDeadlines,
  nextWorkingDay,
  passDownDeadline,
  shanghaiToday,
  toIsoDate,
  withYearSchedule,
  workingDayCalendar,
  YearSchedule,
} from './working-days';
import { refusal } from './refusal.spec-helper';

const cal = DEFAULT_WORKING_DAY_CALENDAR;
const empty = workingDayCalendar();

describe('default calendar data', () => {
  it('comes from chinese-days and confirms 2004 to 2026 at least', () => {
    expect(CALENDAR_DATA_SOURCE).toMatch(/^chinese-days \d+\.\d+\.\d+$/);
    const years = confirmedYears(cal);
    expect(years[0]).toBe(2004);
    expect(years).toEqual(expect.arrayContaining([2020, 2021, 2022, 2023, 2024, 2025, 2026]));
    expect(years).toEqual([...Array(years.length).keys()].map((i) => 2004 + i));
  });

  // The State Council notice for 2026 (国办发明电〔2025〕7号).
  it('holds the official 2026 schedule', () => {
    expect(cal.schedules['2026'].makeUpWorkingDays).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
    const off = cal.schedules['2026'].holidays;
    for (const d of [
      '2026-01-01',
      '2026-02-15',
      '2026-02-23',
      '2026-04-06',
      '2026-05-05',
      '2026-06-19',
      '2026-09-25',
      '2026-10-01',
      '2026-10-07',
    ])
      expect(off).toContain(d);
    expect(off).toHaveLength(33);
  });

  it('holds the official 2024 and 2025 make-up days', () => {
    expect(cal.schedules['2024'].makeUpWorkingDays).toEqual([
      '2024-02-04',
      '2024-02-18',
      '2024-04-07',
      '2024-04-28',
      '2024-05-11',
      '2024-09-14',
      '2024-09-29',
      '2024-10-12',
    ]);
    expect(cal.schedules['2025'].makeUpWorkingDays).toEqual(['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11']);
  });

  it('files late-December New Year days under the next year’s notice', () => {
    expect(cal.schedules['2019'].makeUpWorkingDays).toContain('2018-12-29');
    expect(cal.schedules['2019'].holidays).toEqual(expect.arrayContaining(['2018-12-30', '2018-12-31', '2019-01-01']));
    expect(cal.schedules['2018'].makeUpWorkingDays).not.toContain('2018-12-29');
    expect(isWorkingDay('2018-12-29', cal)).toBe(true);
    expect(isWorkingDay('2018-12-31', cal)).toBe(false);
    const s = schedulesFromChineseDays({
      holidays: { '2030-12-31': "New Year's Day,元旦,1", '2031-01-01': "New Year's Day,元旦,1", '2030-12-30': 'Other,其他,1' },
      workdays: {},
    });
    expect(s).toEqual({
      '2030': { holidays: ['2030-12-30'], makeUpWorkingDays: [] },
      '2031': { holidays: ['2030-12-31', '2031-01-01'], makeUpWorkingDays: [] },
    });
  });
});

describe('isWorkingDay', () => {
  it('takes holidays off and make-up weekend days on', () => {
    expect(isWorkingDay('2026-10-01', cal)).toBe(false); // Thu, National Day
    expect(isWorkingDay('2026-10-10', cal)).toBe(true); // Sat, 调休
    expect(isWorkingDay('2026-10-11', cal)).toBe(false); // Sun
    expect(isWorkingDay('2026-10-09', cal)).toBe(true); // Fri
    expect(isWorkingDay('2020-01-31', cal)).toBe(false); // the 2020 Spring Festival extension
  });

  it('uses weekends only where no schedule is loaded', () => {
    expect(isWorkingDay('2026-10-01', empty)).toBe(true);
    expect(isWorkingDay('2026-10-10', empty)).toBe(false);
    expect(isCalendarConfirmed('2026-10-01', empty)).toBe(false);
  });

  it('finds the next working day on or after a date', () => {
    expect(nextWorkingDay('2026-10-05', cal)).toEqual({ deadline: '2026-10-08', calendarConfirmed: true });
    expect(nextWorkingDay('2026-10-09', cal)).toEqual({ deadline: '2026-10-09', calendarConfirmed: true });
    expect(nextWorkingDay('2027-10-02', withYearSchedule(empty, 2026, cal.schedules['2026']))).toEqual({
      deadline: '2027-10-04',
      calendarConfirmed: false,
    });
  });

  it('refuses impossible dates, naming the field', () => {
    for (const bad of ['2026-02-29', '2026-13-01', '2026-1-05', '20261005', '', '1899-12-31'])
      expect(refusal(() => isWorkingDay(bad, cal))).toMatchObject({ code: 'DATE_INVALID', details: [{ field: 'date' }] });
    expect(isWorkingDay('2024-02-29', cal)).toBe(true);
  });

  it('knows which dates its schedules settle, late December needing the next notice too', () => {
    expect(isCalendarConfirmed('2026-12-24', cal)).toBe(true);
    expect(isCalendarConfirmed('2026-12-25', cal)).toBe(confirmedYears(cal).includes(2027));
    expect(isCalendarConfirmed('2025-12-31', cal)).toBe(true);
    expect(isCalendarConfirmed('2027-01-04', cal)).toBe(confirmedYears(cal).includes(2027));
  });
});

describe('addWorkingDays and passDownDeadline (SPEC §4 step 6)', () => {
  it('reproduces the SPEC example: received Wed 2026-09-30, deadline Tue 2026-10-13', () => {
    expect(passDownDeadline('2026-09-30', cal)).toEqual({ deadline: '2026-10-13', calendarConfirmed: true });
    // 1–7 Oct off; then Thu 8, Fri 9, Sat 10 (调休), Mon 12, Tue 13.
    expect(addWorkingDays('2026-09-30', 1, cal).deadline).toBe('2026-10-08');
    expect(addWorkingDays('2026-09-30', 3, cal).deadline).toBe('2026-10-10');
  });

  it('does not count the start day, even when it is a working day', () => {
    expect(addWorkingDays('2026-11-02', 1, cal).deadline).toBe('2026-11-03');
    expect(addWorkingDays('2026-11-07', 1, cal).deadline).toBe('2026-11-09'); // from a Saturday
    expect(addWorkingDays('2026-11-02', 0, cal)).toEqual({ deadline: '2026-11-02', calendarConfirmed: true });
  });

  it('marks a deadline reaching into a year without a schedule as unconfirmed, counting weekends only', () => {
    const r = passDownDeadline('2027-02-10', withoutYear(cal, 2027));
    expect(r).toEqual({ deadline: '2027-02-17', calendarConfirmed: false });
    const late = passDownDeadline('2025-12-29', withoutYear(cal, 2026));
    expect(late.calendarConfirmed).toBe(false);
    expect(passDownDeadline('2025-12-29', cal)).toEqual({ deadline: '2026-01-06', calendarConfirmed: true }); // 30, 31 Dec; 1–3 Jan off; Sun 4 (调休), Mon 5, Tue 6
  });

  it('is the same on any host time zone', () => {
    const tz = process.env.TZ;
    try {
      for (const zone of ['Asia/Shanghai', 'America/Los_Angeles', 'Pacific/Kiritimati', 'UTC']) {
        process.env.TZ = zone;
        expect(passDownDeadline('2026-09-30', cal).deadline).toBe('2026-10-13');
        expect(declarationDeadline('2026-09', cal).deadline).toBe('2026-10-08');
      }
    } finally {
      process.env.TZ = tz;
    }
  });

  it('refuses a negative or fractional number of working days', () => {
    expect(refusal(() => addWorkingDays('2026-01-05', -1, cal)).code).toBe('WORKING_DAYS_INVALID');
    expect(refusal(() => passDownDeadline('2026-01-05', cal, 2.5)).code).toBe('WORKING_DAYS_INVALID');
    expect(refusal(() => passDownDeadline('2026-02-30', cal)).details[0].field).toBe('receivedOn');
  });

  const dateArb = fc.integer({ min: dayNumber('2004-01-01'), max: dayNumber('2030-12-31') }).map(toIsoDate);

  it('lands on a working day after exactly n working days, passing only non-working days beyond them', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 1, max: 40 }), (from, n) => {
        const { deadline } = addWorkingDays(from, n, cal);
        let counted = 0;
        for (let d = dayNumber(from) + 1; d <= dayNumber(deadline); d++) if (isWorkingDay(toIsoDate(d), cal)) counted++;
        return isWorkingDay(deadline, cal) && counted === n;
      }),
      { numRuns: 2000 },
    );
  });

  it('adds up: n + m working days is m working days after n working days', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 25 }), (from, n, m) => {
        const whole = addWorkingDays(from, n + m, cal);
        const first = addWorkingDays(from, n, cal);
        const second = addWorkingDays(first.deadline, m, cal);
        return second.deadline === whole.deadline && whole.calendarConfirmed === (first.calendarConfirmed && second.calendarConfirmed);
      }),
      { numRuns: 2000 },
    );
  });

  it('is confirmed exactly when every day counted over is covered by a schedule', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: dayNumber('2026-10-01'), max: dayNumber('2027-02-28') }).map(toIsoDate),
        fc.integer({ min: 1, max: 25 }),
        (from, n) => {
          const r = addWorkingDays(from, n, cal);
          let all = true;
          for (let d = dayNumber(from) + 1; d <= dayNumber(r.deadline); d++) all &&= isCalendarConfirmed(toIsoDate(d), cal);
          return r.calendarConfirmed === all;
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('monthly deadlines (SPEC §4)', () => {
  it('puts the member cut-off on the 3rd of the next month, without moving it', () => {
    expect(memberCutoffDate('2026-09')).toBe('2026-10-03');
    expect(memberCutoffDate('2026-12')).toBe('2027-01-03');
    expect(memberCutoffDate('2026-01', 1)).toBe('2026-02-01');
  });

  it('puts the declaration on the 5th of the next month, moved to the next working day', () => {
    expect(declarationDeadline('2026-08', cal)).toEqual({ deadline: '2026-09-07', calendarConfirmed: true }); // Sat 5 Sep → Mon 7
    expect(declarationDeadline('2026-09', cal)).toEqual({ deadline: '2026-10-08', calendarConfirmed: true }); // National Day → Thu 8 Oct
    expect(declarationDeadline('2026-10', cal)).toEqual({ deadline: '2026-11-05', calendarConfirmed: true }); // Thu
    expect(declarationDeadline('2026-01', cal)).toEqual({ deadline: '2026-02-05', calendarConfirmed: true });
    expect(declarationDeadline('2026-09', cal, 5, 'none')).toEqual({ deadline: '2026-10-05', calendarConfirmed: true });
    expect(declarationDeadline('2026-12', cal).calendarConfirmed).toBe(confirmedYears(cal).includes(2027));
  });

  it('lands on a make-up working day when that is the next working day', () => {
    // 2026: Sat 9 May is worked (调休); with the day set to 9 the deadline stays there.
    expect(declarationDeadline('2026-04', cal, 9)).toEqual({ deadline: '2026-05-09', calendarConfirmed: true });
    // 2024: Sun 7 Apr is worked; declaring by the 4th of April moves past the Qingming break (4–6 Apr) to Sun 7.
    expect(declarationDeadline('2024-03', cal, 4).deadline).toBe('2024-04-07');
  });

  it('gives the bureau 20 working days after the declaration deadline', () => {
    // Fri 9 Oct, Sat 10 (调休), then 18 weekdays to Wed 4 Nov.
    expect(bureauPaymentDeadline('2026-10-08', cal)).toEqual({ deadline: '2026-11-04', calendarConfirmed: true });
    expect(monthlyCycleDeadlines('2026-09', cal, { memberCutoffDay: 3, declarationDay: 5, bureauPaymentWorkingDays: 20 })).toEqual({
      memberCutoff: '2026-10-03',
      declaration: { deadline: '2026-10-08', calendarConfirmed: true },
      bureauPayment: { deadline: '2026-11-04', calendarConfirmed: true },
    });
    expect(
      monthlyCycleDeadlines('2026-11', cal, { memberCutoffDay: 3, declarationDay: 5, bureauPaymentWorkingDays: 20 }).bureauPayment
        .calendarConfirmed,
    ).toBe(confirmedYears(cal).includes(2027));
  });

  it('refuses bad periods and days', () => {
    for (const p of ['2026-13', '2026-9', '2026/09', '2026-00'])
      expect(refusal(() => memberCutoffDate(p))).toMatchObject({ code: 'PERIOD_INVALID', details: [{ field: 'period' }] });
    expect(refusal(() => declarationDeadline('2026-09', cal, 31))).toMatchObject({
      code: 'DAY_OF_MONTH_INVALID',
      details: [{ field: 'declarationDay' }],
    });
    expect(refusal(() => memberCutoffDate('2026-09', 0)).details[0].field).toBe('memberCutoffDay');
  });

  it('always declares on a working day no earlier than the nominal day, at most the longest break later (every period and day, 2004–2026)', () => {
    let longest = 0;
    for (let y = 2004; y <= 2026; y++) {
      for (let m = 1; m <= 12; m++) {
        for (let day = 1; day <= 28; day++) {
          const period = `${y}-${String(m).padStart(2, '0')}`;
          const nominal = dayNumber(memberCutoffDate(period, day));
          const { deadline } = declarationDeadline(period, cal, day);
          let skippedOnlyDaysOff = true;
          for (let d = nominal; d < dayNumber(deadline); d++) skippedOnlyDaysOff &&= !isWorkingDay(toIsoDate(d), cal);
          if (!isWorkingDay(deadline, cal) || dayNumber(deadline) < nominal || !skippedOnlyDaysOff)
            throw new Error(`${period} day ${day}: ${deadline}`);
          longest = Math.max(longest, dayNumber(deadline) - nominal);
        }
      }
    }
    // The longest run of days off: the 2020 Spring Festival, extended to 2 February (24 Jan → Mon 3 Feb).
    expect(longest).toBe(10);
    expect(declarationDeadline('2019-12', cal, 24).deadline).toBe('2020-02-03');
  });
});

describe('loading a year (withYearSchedule)', () => {
  const schedule2027: YearSchedule = { holidays: ['2027-01-01', '2027-10-01'], makeUpWorkingDays: ['2027-09-26'] };

  it('returns a new calendar and leaves the old one as it was', () => {
    const before = withoutYear(cal, 2027);
    const after = withYearSchedule(before, 2027, schedule2027);
    expect(confirmedYears(after)).toContain(2027);
    expect(confirmedYears(before)).not.toContain(2027);
    expect(isWorkingDay('2027-10-01', after)).toBe(false);
    expect(isWorkingDay('2027-10-01', before)).toBe(true);
    expect(isWorkingDay('2027-09-26', after)).toBe(true);
    expect(passDownDeadline('2027-02-10', after).calendarConfirmed).toBe(true);
    expect(Object.isFrozen(after.schedules)).toBe(true);
  });

  it('corrects a loaded year by replacing it', () => {
    const corrected = withYearSchedule(cal, 2026, {
      ...cal.schedules['2026'],
      makeUpWorkingDays: cal.schedules['2026'].makeUpWorkingDays.filter((d) => d !== '2026-10-10'),
    });
    expect(passDownDeadline('2026-09-30', corrected).deadline).toBe('2026-10-14');
    expect(passDownDeadline('2026-09-30', cal).deadline).toBe('2026-10-13');
  });

  it('survives a JSON round trip', () => {
    const copy = workingDayCalendar(JSON.parse(JSON.stringify(cal)).schedules);
    expect(passDownDeadline('2026-09-30', copy)).toEqual(passDownDeadline('2026-09-30', cal));
    expect(confirmedYears(copy)).toEqual(confirmedYears(cal));
  });

  it('refuses a schedule with bad dates, dates outside its notice, weekday make-up days or contradictions', () => {
    const e = refusal(() =>
      withYearSchedule(empty, 2027, {
        holidays: ['2027-02-30', '2028-01-01', '2026-12-24', '2026-12-31'],
        makeUpWorkingDays: ['2027-09-27', '2027-10-02'],
      }),
    );
    expect(e.code).toBe('CALENDAR_SCHEDULE_INVALID');
    expect(e.details.map((d) => `${d.field}:${d.rule}`)).toEqual([
      'holidays.0:isoDate',
      'holidays.1:inNoticeYear',
      'holidays.2:inNoticeYear',
      'makeUpWorkingDays.0:weekend',
    ]);
    expect(
      refusal(() => withYearSchedule(empty, 2027, { holidays: ['2027-10-02'], makeUpWorkingDays: ['2027-10-02'] })).details[0].rule,
    ).toBe('notAlsoHoliday');
    expect(refusal(() => withYearSchedule(empty, 2027.5, schedule2027)).details[0].field).toBe('year');
    const withDecember = withYearSchedule(empty, 2026, { holidays: ['2026-12-26'], makeUpWorkingDays: [] });
    expect(refusal(() => withYearSchedule(withDecember, 2027, { holidays: [], makeUpWorkingDays: ['2026-12-26'] })).code).toBe(
      'CALENDAR_SCHEDULE_CONFLICT',
    );
  });
});

function withoutYear(calendar: typeof cal, year: number) {
  const rest = Object.fromEntries(Object.entries(calendar.schedules).filter(([y]) => y !== String(year)));
  return workingDayCalendar(rest);
}

describe('shanghaiToday', () => {
  it('turns over at midnight in Shanghai, not in UTC', () => {
    expect(shanghaiToday(new Date('2026-11-22T15:59:59Z'))).toBe('2026-11-22');
    expect(shanghaiToday(new Date('2026-11-22T16:00:00Z'))).toBe('2026-11-23');
  });
});
