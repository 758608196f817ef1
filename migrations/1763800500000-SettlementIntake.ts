import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';
const MONEY = 'DECIMAL(18,2) NOT NULL';

/**
 * Settlement records claimed by member units (SPEC §4), the batches they arrived in, and the
 * Idempotency-Key ledger that makes a retried POST answer what the first one answered.
 */
export class SettlementIntake1763800500000 implements MigrationInterface {
  name = 'SettlementIntake1763800500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE intake_batch (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        submitter_id INT UNSIGNED NOT NULL,
        source VARCHAR(8) NOT NULL,
        on_error VARCHAR(8) NOT NULL,
        received INT UNSIGNED NOT NULL,
        stored INT UNSIGNED NOT NULL,
        duplicates INT UNSIGNED NOT NULL,
        rejected INT UNSIGNED NOT NULL,
        submitted_by VARCHAR(64) NOT NULL,
        request_id VARCHAR(64) NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        KEY ix_intake_batch_submitter (submitter_id, created_at),
        CONSTRAINT ck_intake_batch_source CHECK (source IN ('json','csv','xlsx')),
        CONSTRAINT fk_intake_batch_submitter FOREIGN KEY (submitter_id) REFERENCES institution (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE settlement_record (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        submitter_id INT UNSIGNED NOT NULL,
        external_id VARCHAR(64) NOT NULL,
        unit_id INT UNSIGNED NOT NULL,
        insured_hash CHAR(64) NOT NULL,
        insured_masked VARCHAR(32) NOT NULL,
        insured_township_code VARCHAR(32) NULL,
        visit_type VARCHAR(16) NOT NULL,
        admission_date DATE NULL,
        discharge_date DATE NULL,
        visit_date DATE NULL,
        settlement_date DATE NOT NULL,
        period CHAR(7) NOT NULL,
        total_cost ${MONEY},
        covered_cost ${MONEY},
        fund_paid ${MONEY},
        critical_illness_paid ${MONEY},
        medical_aid_paid ${MONEY},
        self_paid ${MONEY},
        diagnosis_code VARCHAR(16) NULL,
        clinical_pathway TINYINT(1) NOT NULL,
        referral_no VARCHAR(64) NULL,
        content_hash CHAR(64) NOT NULL,
        batch_id BIGINT UNSIGNED NOT NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        UNIQUE KEY uq_settlement_external (submitter_id, external_id),
        KEY ix_settlement_period (submitter_id, period),
        KEY ix_settlement_unit_date (unit_id, settlement_date),
        CONSTRAINT ck_settlement_visit_type CHECK (visit_type IN ('OUTPATIENT','INPATIENT','CHRONIC_SPECIAL','MATERNITY')),
        CONSTRAINT ck_settlement_amounts CHECK (total_cost >= 0 AND covered_cost >= 0 AND fund_paid >= 0 AND critical_illness_paid >= 0 AND medical_aid_paid >= 0 AND self_paid >= 0),
        CONSTRAINT ck_settlement_sum CHECK (fund_paid + critical_illness_paid + medical_aid_paid + self_paid = total_cost),
        CONSTRAINT fk_settlement_submitter FOREIGN KEY (submitter_id) REFERENCES institution (id),
        CONSTRAINT fk_settlement_unit FOREIGN KEY (unit_id) REFERENCES institution (id),
        CONSTRAINT fk_settlement_batch FOREIGN KEY (batch_id) REFERENCES intake_batch (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE idempotency_key (
        actor VARCHAR(64) NOT NULL,
        idem_key VARCHAR(128) NOT NULL,
        route VARCHAR(200) NOT NULL,
        request_hash CHAR(64) NOT NULL,
        status_code SMALLINT UNSIGNED NULL,
        response LONGTEXT NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (actor, idem_key)
      ) ${TABLE_OPTIONS}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE idempotency_key');
    await q.query('DROP TABLE settlement_record');
    await q.query('DROP TABLE intake_batch');
  }
}
