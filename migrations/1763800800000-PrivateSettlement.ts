import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';
const MONEY = 'DECIMAL(18,2) NOT NULL';

/**
 * Private designated institutions' total-control settlement (SPEC §4): an annual budget each
 * from the private pool, and monthly payments of approved claims up to the cumulative cap,
 * less the quality deposit.
 */
export class PrivateSettlement1763800800000 implements MigrationInterface {
  name = 'PrivateSettlement1763800800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE member_claim DROP CONSTRAINT ck_member_claim_state');
    await q.query(
      "ALTER TABLE member_claim ADD CONSTRAINT ck_member_claim_state CHECK (state IN ('OPEN','SUBMITTED','REVIEWED','DECLARED','ROLLED_OVER','SETTLED'))",
    );
    await q.query(`
      CREATE TABLE private_budget (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        county_id INT UNSIGNED NOT NULL,
        fund_year SMALLINT UNSIGNED NOT NULL,
        institution_id INT UNSIGNED NOT NULL,
        amount ${MONEY},
        set_by VARCHAR(64) NOT NULL,
        updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        UNIQUE KEY uq_private_budget (institution_id, fund_year),
        KEY ix_private_budget_county (county_id, fund_year),
        CONSTRAINT ck_private_budget_amount CHECK (amount >= 0),
        CONSTRAINT fk_private_budget_institution FOREIGN KEY (institution_id) REFERENCES institution (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE private_payment (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        claim_id BIGINT UNSIGNED NOT NULL,
        institution_id INT UNSIGNED NOT NULL,
        county_id INT UNSIGNED NOT NULL,
        fund_year SMALLINT UNSIGNED NOT NULL,
        period CHAR(7) NOT NULL,
        state VARCHAR(8) NOT NULL,
        version INT UNSIGNED NOT NULL DEFAULT 1,
        annual_budget ${MONEY},
        approved ${MONEY},
        approved_to_date ${MONEY},
        cumulative_cap ${MONEY},
        funded ${MONEY},
        deposit ${MONEY},
        cash ${MONEY},
        unfunded_to_date ${MONEY},
        approved_by VARCHAR(64) NOT NULL,
        approved_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        paid_on DATE NULL,
        paid_by VARCHAR(64) NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_private_payment_claim (claim_id),
        KEY ix_private_payment_year (institution_id, fund_year, period),
        CONSTRAINT ck_private_payment_state CHECK (state IN ('APPROVED','PAID')),
        CONSTRAINT ck_private_payment_sums CHECK (deposit + cash = funded AND funded >= 0 AND deposit >= 0 AND cash >= 0),
        CONSTRAINT fk_private_payment_claim FOREIGN KEY (claim_id) REFERENCES member_claim (id),
        CONSTRAINT fk_private_payment_institution FOREIGN KEY (institution_id) REFERENCES institution (id)
      ) ${TABLE_OPTIONS}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE private_payment');
    await q.query('DROP TABLE private_budget');
    await q.query('ALTER TABLE member_claim DROP CONSTRAINT ck_member_claim_state');
    await q.query(
      "ALTER TABLE member_claim ADD CONSTRAINT ck_member_claim_state CHECK (state IN ('OPEN','SUBMITTED','REVIEWED','DECLARED','ROLLED_OVER'))",
    );
  }
}
