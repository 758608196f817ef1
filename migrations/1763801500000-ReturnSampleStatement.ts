import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';
const STATES_BEFORE = "'OPEN','SUBMITTED','REVIEWED','DECLARED','ROLLED_OVER','FUNDED','PASSED_DOWN','SETTLED','PAID'";
const STATES_AFTER = "'OPEN','SUBMITTED','RETURNED','REVIEWED','DECLARED','ROLLED_OVER','FUNDED','PASSED_DOWN','SETTLED','PAID'";

/**
 * Return for correction (退回补正), sample review (抽样审核) and the monthly statement per unit
 * (结算单): a claim may be RETURNED to its unit with reasons; every submitted version of a claim is
 * kept, with the records it carried, and a record the unit withdraws is kept as it was; a sample
 * keeps its seed, its size and the records it drew; a unit's confirmation (对账确认) or dispute of
 * its statement is kept with the figures it saw.
 */
export class ReturnSampleStatement1763801500000 implements MigrationInterface {
  name = 'ReturnSampleStatement1763801500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE member_claim DROP CONSTRAINT ck_member_claim_state');
    await q.query(`ALTER TABLE member_claim ADD CONSTRAINT ck_member_claim_state CHECK (state IN (${STATES_AFTER}))`);
    await q.query(`
      ALTER TABLE member_claim
        ADD COLUMN returned_on DATE NULL AFTER late,
        ADD COLUMN returned_by VARCHAR(64) NULL AFTER returned_on,
        ADD COLUMN return_reasons LONGTEXT NULL AFTER returned_by,
        ADD COLUMN returns INT UNSIGNED NOT NULL DEFAULT 0 AFTER return_reasons`);
    await q.query(`
      CREATE TABLE member_claim_version (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        claim_id BIGINT UNSIGNED NOT NULL,
        seq INT UNSIGNED NOT NULL,
        event VARCHAR(12) NOT NULL,
        acted_on DATE NOT NULL,
        acted_by VARCHAR(64) NOT NULL,
        reasons LONGTEXT NULL,
        totals LONGTEXT NOT NULL,
        records LONGTEXT NOT NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        UNIQUE KEY uq_claim_version (claim_id, seq),
        CONSTRAINT ck_claim_version_event CHECK (event IN ('SUBMITTED','RETURNED','RESUBMITTED')),
        CONSTRAINT fk_claim_version_claim FOREIGN KEY (claim_id) REFERENCES member_claim (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE withdrawn_settlement_record (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        claim_id BIGINT UNSIGNED NOT NULL,
        record_id BIGINT UNSIGNED NOT NULL,
        external_id VARCHAR(64) NOT NULL,
        fund_paid DECIMAL(18,2) NOT NULL,
        content LONGTEXT NOT NULL,
        withdrawn_on DATE NOT NULL,
        withdrawn_by VARCHAR(64) NOT NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        KEY ix_withdrawn_claim (claim_id),
        CONSTRAINT fk_withdrawn_claim FOREIGN KEY (claim_id) REFERENCES member_claim (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE record_sample (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        claim_id BIGINT UNSIGNED NULL,
        declaration_id BIGINT UNSIGNED NULL,
        seed INT UNSIGNED NOT NULL,
        size_share DECIMAL(5,4) NULL,
        size_count INT UNSIGNED NULL,
        population INT UNSIGNED NOT NULL,
        record_ids LONGTEXT NOT NULL,
        strata LONGTEXT NOT NULL,
        drawn_on DATE NOT NULL,
        drawn_by VARCHAR(64) NOT NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        KEY ix_sample_claim (claim_id),
        KEY ix_sample_declaration (declaration_id),
        CONSTRAINT ck_sample_subject CHECK ((claim_id IS NULL) <> (declaration_id IS NULL)),
        CONSTRAINT ck_sample_size CHECK ((size_share IS NULL) <> (size_count IS NULL)),
        CONSTRAINT fk_sample_claim FOREIGN KEY (claim_id) REFERENCES member_claim (id),
        CONSTRAINT fk_sample_declaration FOREIGN KEY (declaration_id) REFERENCES claim_declaration (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE unit_statement_response (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        declaration_id BIGINT UNSIGNED NOT NULL,
        institution_id INT UNSIGNED NOT NULL,
        response VARCHAR(10) NOT NULL,
        figures LONGTEXT NOT NULL,
        note VARCHAR(500) NULL,
        dispute_id INT UNSIGNED NULL,
        responded_on DATE NOT NULL,
        responded_by VARCHAR(64) NOT NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        KEY ix_statement_response (declaration_id, institution_id),
        CONSTRAINT ck_statement_response CHECK (response IN ('CONFIRMED','DISPUTED')),
        CONSTRAINT fk_statement_declaration FOREIGN KEY (declaration_id) REFERENCES claim_declaration (id),
        CONSTRAINT fk_statement_institution FOREIGN KEY (institution_id) REFERENCES institution (id)
      ) ${TABLE_OPTIONS}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE unit_statement_response');
    await q.query('DROP TABLE record_sample');
    await q.query('DROP TABLE withdrawn_settlement_record');
    await q.query('DROP TABLE member_claim_version');
    await q.query("UPDATE member_claim SET state = 'SUBMITTED' WHERE state = 'RETURNED'");
    await q.query('ALTER TABLE member_claim DROP CONSTRAINT ck_member_claim_state');
    await q.query(`ALTER TABLE member_claim ADD CONSTRAINT ck_member_claim_state CHECK (state IN (${STATES_BEFORE}))`);
    await q.query(
      'ALTER TABLE member_claim DROP COLUMN returned_on, DROP COLUMN returned_by, DROP COLUMN return_reasons, DROP COLUMN returns',
    );
  }
}
