import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';
const MONEY = 'DECIMAL(18,2)';

/**
 * Governance chains (SPEC §9): one approval chain per document, its every step in a history
 * table; the adjustment reserve's uses (调剂金使用); and the increases of a community's package
 * M that an executed reserve use makes (with why).
 */
export class Governance1763801000000 implements MigrationInterface {
  name = 'Governance1763801000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE governance_chain (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        kind VARCHAR(32) NOT NULL,
        county_id INT UNSIGNED NOT NULL,
        status VARCHAR(16) NOT NULL,
        stage SMALLINT UNSIGNED NOT NULL DEFAULT 0,
        approved_steps VARCHAR(500) NOT NULL DEFAULT '',
        resume_stage SMALLINT UNSIGNED NOT NULL DEFAULT 0,
        applicant_id INT UNSIGNED NULL,
        assigned_unit_id INT UNSIGNED NULL,
        stage_opened_on DATE NULL,
        version INT UNSIGNED NOT NULL DEFAULT 1,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        KEY ix_governance_chain_county (county_id, kind, status),
        CONSTRAINT ck_governance_chain_status CHECK (status IN ('DRAFT','IN_REVIEW','RETURNED','APPROVED','REJECTED','EXECUTED','WITHDRAWN')),
        CONSTRAINT fk_governance_chain_county FOREIGN KEY (county_id) REFERENCES county (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE governance_chain_step (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        chain_id INT UNSIGNED NOT NULL,
        seq SMALLINT UNSIGNED NOT NULL,
        action VARCHAR(16) NOT NULL,
        step VARCHAR(64) NULL,
        user_id INT UNSIGNED NOT NULL,
        username VARCHAR(64) NOT NULL,
        institution_id INT UNSIGNED NOT NULL,
        acted_at DATETIME(3) NOT NULL,
        comment VARCHAR(2000) NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_governance_chain_step (chain_id, seq),
        CONSTRAINT fk_governance_chain_step_chain FOREIGN KEY (chain_id) REFERENCES governance_chain (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE reserve_use (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        chain_id INT UNSIGNED NOT NULL,
        county_id INT UNSIGNED NOT NULL,
        fund_year SMALLINT UNSIGNED NOT NULL,
        purpose VARCHAR(200) NOT NULL,
        amount ${MONEY} NOT NULL,
        target_kind VARCHAR(20) NOT NULL,
        community_id INT UNSIGNED NULL,
        risk VARCHAR(200) NULL,
        reason VARCHAR(2000) NOT NULL,
        attachments VARCHAR(4000) NOT NULL DEFAULT '[]',
        created_by VARCHAR(64) NOT NULL,
        executed_on DATE NULL,
        executed_by VARCHAR(64) NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        UNIQUE KEY uq_reserve_use_chain (chain_id),
        KEY ix_reserve_use_county (county_id, fund_year),
        CONSTRAINT ck_reserve_use_amount CHECK (amount > 0),
        CONSTRAINT ck_reserve_use_target CHECK (
          (target_kind = 'PACKAGE_INCREASE' AND community_id IS NOT NULL AND risk IS NULL)
          OR (target_kind = 'DIRECT_PAYMENT' AND community_id IS NULL AND risk IS NOT NULL)),
        CONSTRAINT fk_reserve_use_chain FOREIGN KEY (chain_id) REFERENCES governance_chain (id),
        CONSTRAINT fk_reserve_use_county FOREIGN KEY (county_id) REFERENCES county (id),
        CONSTRAINT fk_reserve_use_community FOREIGN KEY (community_id) REFERENCES medical_community (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE community_package_increase (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        community_id INT UNSIGNED NOT NULL,
        fund_year SMALLINT UNSIGNED NOT NULL,
        amount ${MONEY} NOT NULL,
        source_type VARCHAR(32) NOT NULL,
        source_id VARCHAR(64) NOT NULL,
        reason VARCHAR(2000) NOT NULL,
        effective_on DATE NOT NULL,
        created_by VARCHAR(64) NOT NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        UNIQUE KEY uq_community_package_increase_source (source_type, source_id),
        KEY ix_community_package_increase (community_id, fund_year),
        CONSTRAINT ck_community_package_increase_amount CHECK (amount > 0),
        CONSTRAINT fk_community_package_increase_community FOREIGN KEY (community_id) REFERENCES medical_community (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE dispute (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        chain_id INT UNSIGNED NOT NULL,
        kind VARCHAR(20) NOT NULL,
        county_id INT UNSIGNED NOT NULL,
        community_id INT UNSIGNED NOT NULL,
        filed_by_institution_id INT UNSIGNED NOT NULL,
        subject_type VARCHAR(32) NOT NULL,
        subject_ref VARCHAR(200) NOT NULL,
        description TEXT NOT NULL,
        attachments TEXT NOT NULL,
        created_by VARCHAR(64) NOT NULL,
        findings TEXT NULL,
        rectifying_unit_id INT UNSIGNED NULL,
        rectification_deadline DATE NULL,
        rectification_note TEXT NULL,
        rectification_evidence TEXT NULL,
        overdue_on DATE NULL,
        hold_id BIGINT UNSIGNED NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        UNIQUE KEY uq_dispute_chain (chain_id),
        KEY ix_dispute_community (community_id),
        KEY ix_dispute_overdue (county_id, rectification_deadline, overdue_on),
        CONSTRAINT ck_dispute_kind CHECK (kind IN ('DISPUTE','PERIODIC_REVIEW')),
        CONSTRAINT fk_dispute_chain FOREIGN KEY (chain_id) REFERENCES governance_chain (id),
        CONSTRAINT fk_dispute_county FOREIGN KEY (county_id) REFERENCES county (id),
        CONSTRAINT fk_dispute_community FOREIGN KEY (community_id) REFERENCES medical_community (id),
        CONSTRAINT fk_dispute_filed_by FOREIGN KEY (filed_by_institution_id) REFERENCES institution (id),
        CONSTRAINT fk_dispute_rectifying_unit FOREIGN KEY (rectifying_unit_id) REFERENCES institution (id),
        CONSTRAINT fk_dispute_hold FOREIGN KEY (hold_id) REFERENCES disbursement_hold (id)
      ) ${TABLE_OPTIONS}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE dispute');
    await q.query('DROP TABLE community_package_increase');
    await q.query('DROP TABLE reserve_use');
    await q.query('DROP TABLE governance_chain_step');
    await q.query('DROP TABLE governance_chain');
  }
}
