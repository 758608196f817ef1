import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Official holiday schedules loaded or corrected by the bureau (SPEC §5). Years not stored
 * here come from the calendar data shipped with the service.
 */
export class WorkingDayCalendar1763800400000 implements MigrationInterface {
  name = 'WorkingDayCalendar1763800400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE calendar_year_schedule (
        notice_year SMALLINT UNSIGNED NOT NULL,
        holidays LONGTEXT NOT NULL,
        make_up_working_days LONGTEXT NOT NULL,
        note VARCHAR(500) NOT NULL,
        version INT UNSIGNED NOT NULL DEFAULT 1,
        loaded_by VARCHAR(64) NOT NULL,
        updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
        PRIMARY KEY (notice_year),
        CONSTRAINT ck_calendar_holidays CHECK (JSON_VALID(holidays)),
        CONSTRAINT ck_calendar_make_up CHECK (JSON_VALID(make_up_working_days))
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE calendar_year_schedule');
  }
}
