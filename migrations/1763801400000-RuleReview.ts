import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';
const MONEY = 'DECIMAL(18,2)';

/**
 * Rule-based pre-review (智能审核): each county's rule set, versioned and effective-dated (the
 * rules as JSON data: id, name, severity, enabled, parameters); the hits the rules find in each
 * intake batch, with the member unit's answer (申诉) and the lead unit's decision; and one row
 * per reviewed batch, so a job run again finds its work done.
 */
export class RuleReview1763801400000 implements MigrationInterface {
  name = 'RuleReview1763801400000';

  async up(q: QueryRunner): Promise<void> {
    // The review job reads a batch's insured persons' other records of the county by their hash.
    await q.query('CREATE INDEX ix_settlement_insured ON settlement_record (insured_hash)');
    await q.query(`
      CREATE TABLE review_rule_set (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        county_id INT UNSIGNED NOT NULL,
        version INT UNSIGNED NOT NULL,
        effective_from DATE NOT NULL,
        rules JSON NOT NULL,
        saved_by VARCHAR(64) NOT NULL,
        saved_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        UNIQUE KEY uq_review_rule_set_version (county_id, version),
        KEY ix_review_rule_set_effective (county_id, effective_from),
        CONSTRAINT fk_review_rule_set_county FOREIGN KEY (county_id) REFERENCES county (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE review_hit (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        county_id INT UNSIGNED NOT NULL,
        submitter_id INT UNSIGNED NOT NULL,
        claim_period CHAR(7) NOT NULL,
        batch_id BIGINT UNSIGNED NOT NULL,
        rule_set_version INT UNSIGNED NOT NULL,
        rule_id VARCHAR(32) NOT NULL,
        rule_name VARCHAR(64) NOT NULL,
        severity VARCHAR(16) NOT NULL,
        hit_key VARCHAR(255) NOT NULL,
        record_ids JSON NOT NULL,
        record_id BIGINT UNSIGNED NOT NULL,
        evidence JSON NOT NULL,
        deduction ${MONEY} NOT NULL,
        status VARCHAR(16) NOT NULL DEFAULT 'OPEN',
        answer VARCHAR(2000) NULL,
        answered_by VARCHAR(64) NULL,
        answered_at DATETIME(3) NULL,
        decided_by VARCHAR(64) NULL,
        decided_at DATETIME(3) NULL,
        decision_note VARCHAR(500) NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        UNIQUE KEY uq_review_hit_key (county_id, hit_key),
        KEY ix_review_hit_claim (submitter_id, claim_period, status),
        KEY ix_review_hit_period (county_id, claim_period),
        CONSTRAINT ck_review_hit_status CHECK (status IN ('OPEN','ANSWERED','ACCEPTED','DISMISSED')),
        CONSTRAINT ck_review_hit_severity CHECK (severity IN ('VIOLATION','SUSPICIOUS')),
        CONSTRAINT ck_review_hit_deduction CHECK (deduction >= 0),
        CONSTRAINT fk_review_hit_county FOREIGN KEY (county_id) REFERENCES county (id),
        CONSTRAINT fk_review_hit_submitter FOREIGN KEY (submitter_id) REFERENCES institution (id),
        CONSTRAINT fk_review_hit_record FOREIGN KEY (record_id) REFERENCES settlement_record (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE review_run (
        batch_id BIGINT UNSIGNED NOT NULL,
        rule_set_version INT UNSIGNED NOT NULL,
        records INT UNSIGNED NOT NULL,
        hits INT UNSIGNED NOT NULL,
        ran_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (batch_id),
        CONSTRAINT fk_review_run_batch FOREIGN KEY (batch_id) REFERENCES intake_batch (id)
      ) ${TABLE_OPTIONS}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE review_run');
    await q.query('DROP TABLE review_hit');
    await q.query('DROP TABLE review_rule_set');
    await q.query('DROP INDEX ix_settlement_insured ON settlement_record');
  }
}
