import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';
const MONEY = 'DECIMAL(18,2) NOT NULL DEFAULT 0';

/**
 * The monthly claim cycle (SPEC §4): each record's claim period and review outcome, member
 * claims, the lead unit's declarations with the bureau's review and disbursement, pass-downs,
 * disbursement holds, quarterly advances and out-of-county settlements.
 */
export class ClaimCycle1763800700000 implements MigrationInterface {
  name = 'ClaimCycle1763800700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE settlement_record
        ADD COLUMN claim_period CHAR(7) NULL AFTER period,
        ADD COLUMN review_status VARCHAR(10) NOT NULL DEFAULT 'PENDING',
        ADD COLUMN review_reason VARCHAR(32) NULL,
        ADD COLUMN review_note VARCHAR(500) NULL,
        ADD COLUMN deduction_reason VARCHAR(32) NULL,
        ADD COLUMN deduction_note VARCHAR(500) NULL`);
    await q.query('UPDATE settlement_record SET claim_period = period');
    await q.query(`
      ALTER TABLE settlement_record
        MODIFY claim_period CHAR(7) NOT NULL,
        ADD KEY ix_settlement_claim (submitter_id, claim_period, review_status),
        ADD CONSTRAINT ck_settlement_review CHECK (review_status IN ('PENDING','ACCEPTED','REJECTED')),
        ADD CONSTRAINT ck_settlement_reject_reason CHECK (review_status <> 'REJECTED' OR review_reason IS NOT NULL)`);
    await q.query(`
      CREATE TABLE member_claim (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        institution_id INT UNSIGNED NOT NULL,
        community_id INT UNSIGNED NULL,
        county_id INT UNSIGNED NOT NULL,
        period CHAR(7) NOT NULL,
        state VARCHAR(12) NOT NULL,
        version INT UNSIGNED NOT NULL DEFAULT 1,
        cutoff DATE NOT NULL,
        submitted_on DATE NULL,
        submitted_by VARCHAR(64) NULL,
        late TINYINT(1) NOT NULL DEFAULT 0,
        reviewed_by VARCHAR(64) NULL,
        declaration_id BIGINT UNSIGNED NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        UNIQUE KEY uq_member_claim (institution_id, period),
        KEY ix_member_claim_community (community_id, period, state),
        CONSTRAINT ck_member_claim_state CHECK (state IN ('OPEN','SUBMITTED','REVIEWED','DECLARED','ROLLED_OVER')),
        CONSTRAINT fk_member_claim_institution FOREIGN KEY (institution_id) REFERENCES institution (id),
        CONSTRAINT fk_member_claim_community FOREIGN KEY (community_id) REFERENCES medical_community (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE claim_declaration (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        community_id INT UNSIGNED NOT NULL,
        county_id INT UNSIGNED NOT NULL,
        fund_year SMALLINT UNSIGNED NOT NULL,
        period CHAR(7) NOT NULL,
        state VARCHAR(12) NOT NULL,
        version INT UNSIGNED NOT NULL DEFAULT 1,
        deadline DATE NOT NULL,
        deadline_confirmed TINYINT(1) NOT NULL,
        declared_on DATE NOT NULL,
        declared_by VARCHAR(64) NOT NULL,
        late TINYINT(1) NOT NULL,
        record_count INT UNSIGNED NOT NULL,
        claimed ${MONEY},
        rejected ${MONEY},
        accepted ${MONEY},
        deducted ${MONEY},
        approved ${MONEY},
        funded ${MONEY},
        unfunded ${MONEY},
        deposit ${MONEY},
        advance_offset ${MONEY},
        cash ${MONEY},
        reviewed_by VARCHAR(64) NULL,
        return_note VARCHAR(500) NULL,
        approved_by VARCHAR(64) NULL,
        approved_at DATETIME(3) NULL,
        payment_due DATE NOT NULL,
        payment_due_confirmed TINYINT(1) NOT NULL,
        disbursed_on DATE NULL,
        disbursed_by VARCHAR(64) NULL,
        disbursement_ref VARCHAR(64) NULL,
        payment_late TINYINT(1) NOT NULL DEFAULT 0,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        UNIQUE KEY uq_declaration_period (community_id, period),
        KEY ix_declaration_county (county_id, fund_year, state),
        CONSTRAINT ck_declaration_state CHECK (state IN ('DECLARED','REVIEWED','APPROVED','DISBURSED')),
        CONSTRAINT ck_declaration_sums CHECK (accepted = claimed - rejected AND approved = accepted - deducted AND deposit + advance_offset + cash = funded AND (funded + unfunded = approved OR (state IN ('DECLARED','REVIEWED') AND funded = 0 AND unfunded = 0))),
        CONSTRAINT fk_declaration_community FOREIGN KEY (community_id) REFERENCES medical_community (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(
      'ALTER TABLE member_claim ADD CONSTRAINT fk_member_claim_declaration FOREIGN KEY (declaration_id) REFERENCES claim_declaration (id)',
    );
    await q.query(`
      CREATE TABLE pass_down (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        declaration_id BIGINT UNSIGNED NOT NULL,
        level VARCHAR(8) NOT NULL,
        upstream_id BIGINT UNSIGNED NULL,
        payer_id INT UNSIGNED NOT NULL,
        payee_id INT UNSIGNED NOT NULL,
        approved ${MONEY},
        amount ${MONEY},
        received_on DATE NOT NULL,
        deadline DATE NOT NULL,
        deadline_confirmed TINYINT(1) NOT NULL,
        state VARCHAR(8) NOT NULL,
        version INT UNSIGNED NOT NULL DEFAULT 1,
        paid_on DATE NULL,
        paid_by VARCHAR(64) NULL,
        late TINYINT(1) NOT NULL DEFAULT 0,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        UNIQUE KEY uq_pass_down (declaration_id, payee_id),
        KEY ix_pass_down_payer (payer_id, state, deadline),
        KEY ix_pass_down_payee (payee_id),
        CONSTRAINT ck_pass_down_level CHECK (level IN ('MEMBER','VILLAGE')),
        CONSTRAINT ck_pass_down_state CHECK (state IN ('DUE','PAID')),
        CONSTRAINT ck_pass_down_amount CHECK (amount >= 0),
        CONSTRAINT fk_pass_down_declaration FOREIGN KEY (declaration_id) REFERENCES claim_declaration (id),
        CONSTRAINT fk_pass_down_upstream FOREIGN KEY (upstream_id) REFERENCES pass_down (id),
        CONSTRAINT fk_pass_down_payer FOREIGN KEY (payer_id) REFERENCES institution (id),
        CONSTRAINT fk_pass_down_payee FOREIGN KEY (payee_id) REFERENCES institution (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE disbursement_hold (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        community_id INT UNSIGNED NOT NULL,
        state VARCHAR(8) NOT NULL,
        version INT UNSIGNED NOT NULL DEFAULT 1,
        reason VARCHAR(500) NOT NULL,
        placed_by VARCHAR(64) NOT NULL,
        placed_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        lifted_by VARCHAR(64) NULL,
        lifted_at DATETIME(3) NULL,
        lift_note VARCHAR(500) NULL,
        PRIMARY KEY (id),
        KEY ix_hold_community (community_id, state),
        CONSTRAINT ck_hold_state CHECK (state IN ('ACTIVE','LIFTED')),
        CONSTRAINT fk_hold_community FOREIGN KEY (community_id) REFERENCES medical_community (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE quarterly_advance (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        community_id INT UNSIGNED NOT NULL,
        county_id INT UNSIGNED NOT NULL,
        fund_year SMALLINT UNSIGNED NOT NULL,
        quarter TINYINT UNSIGNED NOT NULL,
        rate VARCHAR(16) NOT NULL,
        amount ${MONEY},
        paid_on DATE NOT NULL,
        recorded_by VARCHAR(64) NOT NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        UNIQUE KEY uq_quarterly_advance (community_id, fund_year, quarter),
        CONSTRAINT ck_quarterly_advance_quarter CHECK (quarter BETWEEN 1 AND 4),
        CONSTRAINT fk_quarterly_advance_community FOREIGN KEY (community_id) REFERENCES medical_community (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE out_of_county_import (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        community_id INT UNSIGNED NOT NULL,
        county_id INT UNSIGNED NOT NULL,
        period CHAR(7) NOT NULL,
        record_count INT UNSIGNED NOT NULL,
        total ${MONEY},
        funded ${MONEY},
        unfunded ${MONEY},
        imported_by VARCHAR(64) NOT NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        KEY ix_ooc_import_period (community_id, period),
        CONSTRAINT ck_ooc_import_sum CHECK (funded + unfunded = total),
        CONSTRAINT fk_ooc_import_community FOREIGN KEY (community_id) REFERENCES medical_community (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE out_of_county_settlement (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        community_id INT UNSIGNED NOT NULL,
        import_id BIGINT UNSIGNED NOT NULL,
        external_id VARCHAR(64) NOT NULL,
        period CHAR(7) NOT NULL,
        hospital_name VARCHAR(200) NOT NULL,
        insured_hash CHAR(64) NOT NULL,
        insured_masked VARCHAR(32) NOT NULL,
        settlement_date DATE NOT NULL,
        total_cost ${MONEY},
        fund_paid ${MONEY},
        referral_no VARCHAR(64) NULL,
        content_hash CHAR(64) NOT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_ooc_external (community_id, external_id),
        KEY ix_ooc_period (community_id, period),
        CONSTRAINT ck_ooc_amounts CHECK (fund_paid >= 0 AND fund_paid <= total_cost),
        CONSTRAINT fk_ooc_import FOREIGN KEY (import_id) REFERENCES out_of_county_import (id),
        CONSTRAINT fk_ooc_community FOREIGN KEY (community_id) REFERENCES medical_community (id)
      ) ${TABLE_OPTIONS}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE out_of_county_settlement');
    await q.query('DROP TABLE out_of_county_import');
    await q.query('DROP TABLE quarterly_advance');
    await q.query('DROP TABLE disbursement_hold');
    await q.query('DROP TABLE pass_down');
    await q.query('ALTER TABLE member_claim DROP FOREIGN KEY fk_member_claim_declaration');
    await q.query('DROP TABLE claim_declaration');
    await q.query('DROP TABLE member_claim');
    await q.query(`
      ALTER TABLE settlement_record
        DROP CONSTRAINT ck_settlement_reject_reason,
        DROP CONSTRAINT ck_settlement_review,
        DROP KEY ix_settlement_claim,
        DROP COLUMN deduction_note,
        DROP COLUMN deduction_reason,
        DROP COLUMN review_note,
        DROP COLUMN review_reason,
        DROP COLUMN review_status,
        DROP COLUMN claim_period`);
  }
}
