import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';
const MONEY = 'DECIMAL(18,2)';
const SUMS_TAIL =
  "deposit + advance_offset + cash = funded AND (funded + unfunded = approved OR (state IN ('DECLARED','REVIEWED') AND funded = 0 AND unfunded = 0))";

/**
 * Claim-level adjustments (核减/结转): amounts a unit's claim carries besides its records, keyed as
 * records are (submitter, claim period), so they move with the claim when it rolls over.
 * A month whose refunds exceed its settlements carries the negative net out of the approved
 * claim (CARRIED_OUT, positive) into the unit's next open claim (CARRIED_IN, negative); a
 * sample's rejection rate applied to the unsampled records is an EXTRAPOLATED_DEDUCTION
 * (negative), with its calculation. The declaration keeps the sum of its claims' adjustments.
 */
export class ClaimAdjustments1763801600000 implements MigrationInterface {
  name = 'ClaimAdjustments1763801600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE claim_adjustment (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        submitter_id INT UNSIGNED NOT NULL,
        claim_period CHAR(7) NOT NULL,
        kind VARCHAR(32) NOT NULL,
        amount ${MONEY} NOT NULL,
        source VARCHAR(64) NOT NULL,
        from_period CHAR(7) NULL,
        sample_id BIGINT UNSIGNED NULL,
        calculation VARCHAR(500) NULL,
        created_by VARCHAR(64) NOT NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        UNIQUE KEY uq_claim_adjustment_source (submitter_id, kind, source),
        KEY ix_claim_adjustment_claim (submitter_id, claim_period),
        CONSTRAINT ck_claim_adjustment_kind CHECK (kind IN ('CARRIED_IN','CARRIED_OUT','EXTRAPOLATED_DEDUCTION')),
        CONSTRAINT ck_claim_adjustment_sign CHECK ((kind = 'CARRIED_OUT' AND amount > 0) OR (kind <> 'CARRIED_OUT' AND amount < 0)),
        CONSTRAINT fk_claim_adjustment_submitter FOREIGN KEY (submitter_id) REFERENCES institution (id),
        CONSTRAINT fk_claim_adjustment_sample FOREIGN KEY (sample_id) REFERENCES record_sample (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`ALTER TABLE claim_declaration ADD COLUMN adjusted ${MONEY} NOT NULL DEFAULT 0 AFTER deducted`);
    await q.query('ALTER TABLE claim_declaration DROP CONSTRAINT ck_declaration_sums');
    await q.query(
      `ALTER TABLE claim_declaration ADD CONSTRAINT ck_declaration_sums CHECK (accepted = claimed - rejected AND approved = accepted - deducted + adjusted AND ${SUMS_TAIL})`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE claim_declaration DROP CONSTRAINT ck_declaration_sums');
    await q.query('ALTER TABLE claim_declaration DROP COLUMN adjusted');
    await q.query(
      `ALTER TABLE claim_declaration ADD CONSTRAINT ck_declaration_sums CHECK (accepted = claimed - rejected AND approved = accepted - deducted AND ${SUMS_TAIL})`,
    );
    await q.query('DROP TABLE claim_adjustment');
  }
}
