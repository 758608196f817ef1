import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';
const MONEY = 'DECIMAL(18,2) NOT NULL';

/**
 * The scheduled cycles (SPEC §6, §7): the outbox that turns committed work into jobs, job runs,
 * each cycle's result keyed by (cycle, period, scope), notifications with optional webhooks,
 * and the year-end settlement with its statement per unit.
 */
export class CyclesAndYearEnd1763800900000 implements MigrationInterface {
  name = 'CyclesAndYearEnd1763800900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        job_id VARCHAR(200) NOT NULL,
        job_name VARCHAR(64) NOT NULL,
        payload TEXT NOT NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        enqueued_at DATETIME(3) NULL,
        completed_at DATETIME(3) NULL,
        enqueue_attempts INT UNSIGNED NOT NULL DEFAULT 0,
        last_error VARCHAR(500) NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_outbox_job (job_id),
        KEY ix_outbox_pending (completed_at, enqueued_at)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE job_run (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        job_id VARCHAR(200) NOT NULL,
        job_name VARCHAR(64) NOT NULL,
        queue VARCHAR(32) NOT NULL,
        attempt INT UNSIGNED NOT NULL,
        worker VARCHAR(100) NOT NULL,
        started_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        finished_at DATETIME(3) NULL,
        outcome VARCHAR(8) NOT NULL,
        counts TEXT NULL,
        error VARCHAR(1000) NULL,
        PRIMARY KEY (id),
        KEY ix_job_run_job (job_id),
        KEY ix_job_run_name (job_name, started_at),
        CONSTRAINT ck_job_run_outcome CHECK (outcome IN ('RUNNING','DONE','FAILED'))
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE cycle_result (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        cycle VARCHAR(32) NOT NULL,
        period VARCHAR(10) NOT NULL,
        scope VARCHAR(64) NOT NULL,
        result MEDIUMTEXT NOT NULL,
        job_id VARCHAR(200) NOT NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        UNIQUE KEY uq_cycle_result (cycle, period, scope)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE notification (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        institution_id INT UNSIGNED NOT NULL,
        kind VARCHAR(40) NOT NULL,
        severity VARCHAR(8) NOT NULL,
        dedup_key VARCHAR(200) NOT NULL,
        subject_type VARCHAR(32) NOT NULL,
        subject_id VARCHAR(64) NOT NULL,
        message VARCHAR(1000) NOT NULL,
        details TEXT NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        read_at DATETIME(3) NULL,
        read_by VARCHAR(64) NULL,
        delivered_at DATETIME(3) NULL,
        delivery_attempts INT UNSIGNED NOT NULL DEFAULT 0,
        delivery_error VARCHAR(500) NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_notification_dedup (dedup_key),
        KEY ix_notification_inbox (institution_id, read_at, id),
        CONSTRAINT ck_notification_severity CHECK (severity IN ('INFO','WATCH','WARNING','ALARM')),
        CONSTRAINT fk_notification_institution FOREIGN KEY (institution_id) REFERENCES institution (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE notification_webhook (
        institution_id INT UNSIGNED NOT NULL,
        url VARCHAR(500) NOT NULL,
        secret VARCHAR(128) NOT NULL,
        enabled TINYINT(1) NOT NULL DEFAULT 1,
        version INT UNSIGNED NOT NULL DEFAULT 1,
        updated_by VARCHAR(64) NOT NULL,
        updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
        PRIMARY KEY (institution_id),
        CONSTRAINT fk_webhook_institution FOREIGN KEY (institution_id) REFERENCES institution (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE year_end_settlement (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        county_id INT UNSIGNED NOT NULL,
        fund_year SMALLINT UNSIGNED NOT NULL,
        state VARCHAR(8) NOT NULL,
        version INT UNSIGNED NOT NULL DEFAULT 1,
        revision INT UNSIGNED NOT NULL DEFAULT 1,
        options TEXT NOT NULL,
        summary MEDIUMTEXT NOT NULL,
        drafted_by VARCHAR(64) NOT NULL,
        drafted_at DATETIME(3) NOT NULL,
        approved_by VARCHAR(64) NULL,
        approved_at DATETIME(3) NULL,
        posting_requested_by VARCHAR(64) NULL,
        posted_transfers INT UNSIGNED NOT NULL DEFAULT 0,
        posted_at DATETIME(3) NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_year_end (county_id, fund_year),
        CONSTRAINT ck_year_end_state CHECK (state IN ('DRAFT','APPROVED','POSTED')),
        CONSTRAINT fk_year_end_county FOREIGN KEY (county_id) REFERENCES county (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE year_end_statement (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        settlement_id BIGINT UNSIGNED NOT NULL,
        institution_id INT UNSIGNED NOT NULL,
        community_id INT UNSIGNED NULL,
        kind VARCHAR(8) NOT NULL,
        approved_consumption ${MONEY},
        overspend_share ${MONEY},
        surplus_share ${MONEY},
        floor_top_up ${MONEY},
        deposit_withheld ${MONEY},
        deposit_release ${MONEY},
        paid_so_far ${MONEY},
        balance_due ${MONEY},
        details TEXT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_year_end_statement (settlement_id, institution_id),
        KEY ix_year_end_statement_institution (institution_id),
        CONSTRAINT ck_year_end_statement_kind CHECK (kind IN ('MEMBER','PRIVATE')),
        CONSTRAINT ck_year_end_statement_balance CHECK (balance_due = approved_consumption - overspend_share + surplus_share + floor_top_up - deposit_withheld + deposit_release - paid_so_far),
        CONSTRAINT fk_year_end_statement_settlement FOREIGN KEY (settlement_id) REFERENCES year_end_settlement (id),
        CONSTRAINT fk_year_end_statement_institution FOREIGN KEY (institution_id) REFERENCES institution (id)
      ) ${TABLE_OPTIONS}`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'year_end_statement',
      'year_end_settlement',
      'notification_webhook',
      'notification',
      'cycle_result',
      'job_run',
      'outbox',
    ])
      await q.query(`DROP TABLE ${table}`);
  }
}
