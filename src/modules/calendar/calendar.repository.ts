import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { YearSchedule } from '../../domain/working-days';

/** One year's official schedule as the bureau loaded it. */
export interface StoredYearSchedule {
  year: number;
  schedule: YearSchedule;
  note: string | null;
  version: number;
  loadedBy: string;
}

type Row = { notice_year: number; holidays: string; make_up_working_days: string; note: string | null; version: number; loaded_by: string };

const stored = (row: Row): StoredYearSchedule => ({
  year: row.notice_year,
  schedule: { holidays: JSON.parse(row.holidays), makeUpWorkingDays: JSON.parse(row.make_up_working_days) },
  note: row.note,
  version: row.version,
  loadedBy: row.loaded_by,
});

/** Every statement on calendar_year_schedule. */
@Injectable()
export class CalendarRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Changes whenever a stored year changes: the cache key of the calendar in force. */
  async stamp(): Promise<string> {
    const [stamp]: { n: number; v: string | null; t: Date | null }[] = await this.dataSource.query(
      'SELECT COUNT(*) AS n, SUM(version) AS v, MAX(updated_at) AS t FROM calendar_year_schedule',
    );
    return `${stamp.n}/${stamp.v}/${stamp.t?.toISOString() ?? ''}`;
  }

  async all(): Promise<StoredYearSchedule[]> {
    const rows: Row[] = await this.dataSource.query('SELECT * FROM calendar_year_schedule ORDER BY notice_year');
    return rows.map(stored);
  }

  async find(year: number, manager: EntityManager = this.dataSource.manager, lock = false): Promise<StoredYearSchedule | null> {
    const [row]: Row[] = await manager.query(`SELECT * FROM calendar_year_schedule WHERE notice_year = ?${lock ? ' FOR UPDATE' : ''}`, [
      year,
    ]);
    return row ? stored(row) : null;
  }

  async insert(manager: EntityManager, year: number, schedule: YearSchedule, note: string, loadedBy: string): Promise<void> {
    await manager.query(
      'INSERT INTO calendar_year_schedule (notice_year, holidays, make_up_working_days, note, loaded_by) VALUES (?, ?, ?, ?, ?)',
      [year, JSON.stringify(schedule.holidays), JSON.stringify(schedule.makeUpWorkingDays), note, loadedBy],
    );
  }

  async update(manager: EntityManager, year: number, schedule: YearSchedule, note: string, loadedBy: string): Promise<void> {
    await manager.query(
      'UPDATE calendar_year_schedule SET holidays = ?, make_up_working_days = ?, note = ?, version = version + 1, loaded_by = ? WHERE notice_year = ?',
      [JSON.stringify(schedule.holidays), JSON.stringify(schedule.makeUpWorkingDays), note, loadedBy, year],
    );
  }
}
