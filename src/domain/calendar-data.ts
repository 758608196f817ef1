import officialDays from 'chinese-days/dist/chinese-days.json';
import chineseDaysPackage from 'chinese-days/package.json';
import { IsoDate, workingDayCalendar, YearSchedule } from './working-days';

/**
 * Default working-day data: the State Council holiday notices as compiled by the npm package
 * `chinese-days` (each year sourced from gov.cn in the package). Upgrading the package
 * brings in new years; the bureau can also load a year itself through the API.
 */
export const CALENDAR_DATA_SOURCE = `chinese-days ${chineseDaysPackage.version}`;

interface ChineseDaysData {
  holidays: Record<string, string>; // date → "New Year's Day,元旦,1"
  workdays: Record<string, string>; // make-up working days, same labels
}

/** The notice a day belongs to: a New Year arrangement can start in late December of the year before. */
function noticeYear(date: IsoDate, label: string): number {
  const year = Number(date.slice(0, 4));
  return date.slice(5, 7) === '12' && label.startsWith("New Year's Day") ? year + 1 : year;
}

/** Regroups the package's flat date maps into one schedule per notice year. */
export function schedulesFromChineseDays(data: ChineseDaysData): Record<string, YearSchedule> {
  const years = new Map<number, { holidays: IsoDate[]; makeUpWorkingDays: IsoDate[] }>();
  const entry = (year: number) => years.get(year) ?? years.set(year, { holidays: [], makeUpWorkingDays: [] }).get(year)!;
  for (const [date, label] of Object.entries(data.holidays)) entry(noticeYear(date, label)).holidays.push(date);
  for (const [date, label] of Object.entries(data.workdays)) entry(noticeYear(date, label)).makeUpWorkingDays.push(date);
  return Object.fromEntries([...years].sort(([a], [b]) => a - b).map(([y, s]) => [String(y), s]));
}

/** The calendar new counties start from. */
export const DEFAULT_WORKING_DAY_CALENDAR = workingDayCalendar(schedulesFromChineseDays(officialDays as ChineseDaysData));
