import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';
const MONEY = 'DECIMAL(18,2)';

/**
 * Surplus plans (结余资金分配方案, 基金管理办法 第二十三条): when a community's year ends in
 * surplus, the lead unit drafts the plan for the community council's decision, an amount per
 * member unit starting from the default proposal; it runs its approval chain (bureau and health
 * bureau side by side, then the county government) and, executed, the year end's statements
 * carry its amounts.
 */
export class SurplusPlans1763801200000 implements MigrationInterface {
  name = 'SurplusPlans1763801200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE surplus_plan (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        chain_id INT UNSIGNED NOT NULL,
        county_id INT UNSIGNED NOT NULL,
        community_id INT UNSIGNED NOT NULL,
        fund_year SMALLINT UNSIGNED NOT NULL,
        surplus ${MONEY} NOT NULL,
        council_decision VARCHAR(500) NOT NULL,
        created_by VARCHAR(64) NOT NULL,
        executed_on DATE NULL,
        executed_by VARCHAR(64) NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        UNIQUE KEY uq_surplus_plan_chain (chain_id),
        KEY ix_surplus_plan_community (community_id, fund_year),
        KEY ix_surplus_plan_county (county_id, fund_year),
        CONSTRAINT ck_surplus_plan_surplus CHECK (surplus > 0),
        CONSTRAINT fk_surplus_plan_chain FOREIGN KEY (chain_id) REFERENCES governance_chain (id),
        CONSTRAINT fk_surplus_plan_county FOREIGN KEY (county_id) REFERENCES county (id),
        CONSTRAINT fk_surplus_plan_community FOREIGN KEY (community_id) REFERENCES medical_community (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE surplus_plan_line (
        plan_id INT UNSIGNED NOT NULL,
        institution_id INT UNSIGNED NOT NULL,
        proposed ${MONEY} NOT NULL,
        amount ${MONEY} NOT NULL,
        PRIMARY KEY (plan_id, institution_id),
        CONSTRAINT ck_surplus_plan_line_amount CHECK (amount >= 0),
        CONSTRAINT fk_surplus_plan_line_plan FOREIGN KEY (plan_id) REFERENCES surplus_plan (id),
        CONSTRAINT fk_surplus_plan_line_institution FOREIGN KEY (institution_id) REFERENCES institution (id)
      ) ${TABLE_OPTIONS}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE surplus_plan_line');
    await q.query('DROP TABLE surplus_plan');
  }
}
