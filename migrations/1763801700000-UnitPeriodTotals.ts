import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';

/** The figures of one care unit's records in one claim, as one aggregate over alias `r`. */
const FIGURES = `COUNT(*), SUM(r.fund_paid),
  COALESCE(SUM(CASE WHEN r.review_status = 'PENDING' THEN r.fund_paid END), 0),
  COALESCE(SUM(CASE WHEN r.review_status = 'ACCEPTED' THEN r.fund_paid END), 0),
  COALESCE(SUM(CASE WHEN r.review_status = 'REJECTED' THEN r.fund_paid END), 0),
  COALESCE(SUM(CASE WHEN r.review_status = 'ACCEPTED' AND r.deduction_reason IS NOT NULL THEN r.fund_paid END), 0),
  COALESCE(SUM(CASE WHEN r.review_status = 'ACCEPTED' AND r.deduction_reason IS NULL THEN r.fund_paid END), 0)`;

/**
 * Per care unit and claim totals (unit_period_total): the records, amounts by review outcome and
 * the approved amount (accepted less deducted, net of refunds) of every unit in every declared or
 * settled claim. Written with the declaration, the bureau's deductions and the approval that
 * change them, so that the year end and the claim cycle read units × periods rows instead of the
 * records. Existing declared and settled claims are filled from their records.
 */
export class UnitPeriodTotals1763801700000 implements MigrationInterface {
  name = 'UnitPeriodTotals1763801700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE unit_period_total (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        claim_id BIGINT UNSIGNED NOT NULL,
        county_id INT UNSIGNED NOT NULL,
        community_id INT UNSIGNED NULL,
        unit_id INT UNSIGNED NOT NULL,
        submitter_id INT UNSIGNED NOT NULL,
        claim_period CHAR(7) NOT NULL,
        fund_year SMALLINT UNSIGNED NOT NULL,
        state VARCHAR(10) NOT NULL,
        records INT UNSIGNED NOT NULL,
        claimed DECIMAL(18,2) NOT NULL,
        pending DECIMAL(18,2) NOT NULL,
        accepted DECIMAL(18,2) NOT NULL,
        rejected DECIMAL(18,2) NOT NULL,
        deducted DECIMAL(18,2) NOT NULL,
        approved DECIMAL(18,2) NOT NULL,
        version INT UNSIGNED NOT NULL DEFAULT 1,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        UNIQUE KEY uq_unit_period_total (claim_id, unit_id),
        KEY ix_unit_period_total_claim (submitter_id, claim_period),
        KEY ix_unit_period_total_county (county_id, fund_year),
        CONSTRAINT ck_unit_period_total_state CHECK (state IN ('DECLARED','APPROVED')),
        CONSTRAINT ck_unit_period_total_approved CHECK (approved = accepted - deducted),
        CONSTRAINT ck_unit_period_total_claimed CHECK (claimed = pending + accepted + rejected),
        CONSTRAINT fk_unit_period_total_claim FOREIGN KEY (claim_id) REFERENCES member_claim (id),
        CONSTRAINT fk_unit_period_total_unit FOREIGN KEY (unit_id) REFERENCES institution (id),
        CONSTRAINT fk_unit_period_total_submitter FOREIGN KEY (submitter_id) REFERENCES institution (id)
      ) ${TABLE_OPTIONS}`);
    // Claims already declared (approved when their declaration was funded) and private claims already settled.
    await q.query(`
      INSERT INTO unit_period_total (claim_id, county_id, community_id, unit_id, submitter_id, claim_period, fund_year, state,
                                     records, claimed, pending, accepted, rejected, deducted, approved)
      SELECT c.id, c.county_id, c.community_id, r.unit_id, r.submitter_id, r.claim_period, CAST(LEFT(c.period, 4) AS UNSIGNED),
             CASE WHEN d.state IN ('APPROVED','DISBURSED') OR p.id IS NOT NULL THEN 'APPROVED' ELSE 'DECLARED' END, ${FIGURES}
        FROM member_claim c
        JOIN settlement_record r ON r.submitter_id = c.institution_id AND r.claim_period = c.period
        LEFT JOIN claim_declaration d ON d.id = c.declaration_id
        LEFT JOIN private_payment p ON p.claim_id = c.id
       WHERE c.declaration_id IS NOT NULL OR p.id IS NOT NULL
       GROUP BY c.id, c.county_id, c.community_id, r.unit_id, r.submitter_id, r.claim_period, d.state, p.id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE unit_period_total');
  }
}
