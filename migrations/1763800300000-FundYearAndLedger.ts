import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';
const MONEY = 'DECIMAL(18,2)';
const DOCUMENT_STATES = "'DRAFT','SUBMITTED','APPROVED','PUBLISHED','SUPERSEDED'";

/**
 * Policy parameters per county and fund year, the fund-year allocation document (SPEC §3),
 * the community budget plan (§3.1) and the double-entry ledger (§10 inv. 1–3).
 */
export class FundYearAndLedger1763800300000 implements MigrationInterface {
  name = 'FundYearAndLedger1763800300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE policy_parameter_set (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        county_id INT UNSIGNED NOT NULL,
        fund_year SMALLINT UNSIGNED NOT NULL,
        version INT UNSIGNED NOT NULL,
        \`values\` LONGTEXT NOT NULL,
        changed_by VARCHAR(64) NOT NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        UNIQUE KEY uq_policy_parameter_set (county_id, fund_year, version),
        CONSTRAINT ck_policy_parameter_values CHECK (JSON_VALID(\`values\`)),
        CONSTRAINT fk_policy_parameter_county FOREIGN KEY (county_id) REFERENCES county (id)
      ) ${TABLE_OPTIONS}`);

    await q.query(`
      CREATE TABLE fund_year_allocation (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        county_id INT UNSIGNED NOT NULL,
        fund_year SMALLINT UNSIGNED NOT NULL,
        document_version INT UNSIGNED NOT NULL,
        supersedes_id INT UNSIGNED NULL,
        state VARCHAR(16) NOT NULL,
        insured_count BIGINT UNSIGNED NOT NULL,
        per_capita_standard ${MONEY} NOT NULL,
        interest ${MONEY} NOT NULL,
        critical_illness_premium ${MONEY} NOT NULL,
        family_doctor_fee ${MONEY} NOT NULL,
        policy_adjustment ${MONEY} NOT NULL,
        raised_total ${MONEY} NOT NULL,
        adjustment_reserve ${MONEY} NOT NULL,
        critical_illness_fund ${MONEY} NOT NULL,
        net_base ${MONEY} NOT NULL,
        community_base_share ${MONEY} NOT NULL,
        increase_pool ${MONEY} NOT NULL,
        community_increase ${MONEY} NOT NULL,
        community_package ${MONEY} NOT NULL,
        private_pool ${MONEY} NOT NULL,
        parameters_version INT UNSIGNED NOT NULL,
        parameters LONGTEXT NOT NULL,
        created_by VARCHAR(64) NOT NULL,
        submitted_by VARCHAR(64) NULL,
        approved_by VARCHAR(64) NULL,
        approved_at DATETIME(3) NULL,
        published_at DATETIME(3) NULL,
        version INT UNSIGNED NOT NULL DEFAULT 1,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        UNIQUE KEY uq_allocation_document (county_id, fund_year, document_version),
        KEY ix_allocation_state (county_id, fund_year, state),
        CONSTRAINT ck_allocation_state CHECK (state IN (${DOCUMENT_STATES})),
        CONSTRAINT ck_allocation_parameters CHECK (JSON_VALID(parameters)),
        CONSTRAINT fk_allocation_county FOREIGN KEY (county_id) REFERENCES county (id),
        CONSTRAINT fk_allocation_supersedes FOREIGN KEY (supersedes_id) REFERENCES fund_year_allocation (id)
      ) ${TABLE_OPTIONS}`);

    await q.query(`
      CREATE TABLE allocation_community_share (
        allocation_id INT UNSIGNED NOT NULL,
        community_id INT UNSIGNED NOT NULL,
        enrolled_population BIGINT UNSIGNED NOT NULL,
        package ${MONEY} NOT NULL,
        PRIMARY KEY (allocation_id, community_id),
        CONSTRAINT fk_share_allocation FOREIGN KEY (allocation_id) REFERENCES fund_year_allocation (id),
        CONSTRAINT fk_share_community FOREIGN KEY (community_id) REFERENCES medical_community (id)
      ) ${TABLE_OPTIONS}`);

    await q.query(`
      CREATE TABLE ledger_account (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        county_id INT UNSIGNED NOT NULL,
        fund_year SMALLINT UNSIGNED NOT NULL,
        code VARCHAR(80) NOT NULL,
        may_go_negative TINYINT(1) NOT NULL,
        debits_total ${MONEY} NOT NULL DEFAULT 0,
        credits_total ${MONEY} NOT NULL DEFAULT 0,
        PRIMARY KEY (id),
        UNIQUE KEY uq_ledger_account (county_id, fund_year, code),
        CONSTRAINT ck_ledger_account_not_negative CHECK (may_go_negative = 1 OR credits_total >= debits_total),
        CONSTRAINT fk_ledger_account_county FOREIGN KEY (county_id) REFERENCES county (id)
      ) ${TABLE_OPTIONS}`);

    await q.query(`
      CREATE TABLE ledger_transfer (
        id VARCHAR(120) NOT NULL,
        county_id INT UNSIGNED NOT NULL,
        fund_year SMALLINT UNSIGNED NOT NULL,
        debit_account_id INT UNSIGNED NOT NULL,
        credit_account_id INT UNSIGNED NOT NULL,
        amount ${MONEY} NOT NULL,
        memo VARCHAR(200) NOT NULL,
        reference_type VARCHAR(40) NOT NULL,
        reference_id VARCHAR(64) NOT NULL,
        posted_by VARCHAR(64) NOT NULL,
        posted_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        KEY ix_ledger_transfer_reference (reference_type, reference_id),
        KEY ix_ledger_transfer_year (county_id, fund_year),
        CONSTRAINT ck_ledger_transfer_positive CHECK (amount > 0),
        CONSTRAINT ck_ledger_transfer_two_accounts CHECK (debit_account_id <> credit_account_id),
        CONSTRAINT fk_ledger_transfer_debit FOREIGN KEY (debit_account_id) REFERENCES ledger_account (id),
        CONSTRAINT fk_ledger_transfer_credit FOREIGN KEY (credit_account_id) REFERENCES ledger_account (id)
      ) ${TABLE_OPTIONS}`);
    // Transfers are immutable: corrections are reversing transfers. AUDIT_PROTECTION=app (databases
    // without triggers): the application's connections refuse the change instead.
    if ((q.connection.options as { appendOnlyProtection?: string }).appendOnlyProtection !== 'app') {
      await q.query(`CREATE TRIGGER ledger_transfer_no_update BEFORE UPDATE ON ledger_transfer FOR EACH ROW
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'ledger_transfer is immutable: post a reversing transfer'`);
      await q.query(`CREATE TRIGGER ledger_transfer_no_delete BEFORE DELETE ON ledger_transfer FOR EACH ROW
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'ledger_transfer is immutable: post a reversing transfer'`);
    }

    await q.query(`
      CREATE TABLE community_budget_plan (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        community_id INT UNSIGNED NOT NULL,
        fund_year SMALLINT UNSIGNED NOT NULL,
        document_version INT UNSIGNED NOT NULL,
        supersedes_id INT UNSIGNED NULL,
        allocation_id INT UNSIGNED NOT NULL,
        state VARCHAR(16) NOT NULL,
        community_package ${MONEY} NOT NULL,
        primary_total ${MONEY} NOT NULL,
        floor_rate DECIMAL(9,6) NOT NULL,
        floor_required ${MONEY} NOT NULL,
        warnings LONGTEXT NOT NULL,
        created_by VARCHAR(64) NOT NULL,
        submitted_by VARCHAR(64) NULL,
        approved_by VARCHAR(64) NULL,
        approved_at DATETIME(3) NULL,
        published_at DATETIME(3) NULL,
        version INT UNSIGNED NOT NULL DEFAULT 1,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        UNIQUE KEY uq_budget_plan_document (community_id, fund_year, document_version),
        CONSTRAINT ck_budget_plan_state CHECK (state IN (${DOCUMENT_STATES})),
        CONSTRAINT ck_budget_plan_warnings CHECK (JSON_VALID(warnings)),
        CONSTRAINT fk_budget_plan_community FOREIGN KEY (community_id) REFERENCES medical_community (id),
        CONSTRAINT fk_budget_plan_allocation FOREIGN KEY (allocation_id) REFERENCES fund_year_allocation (id),
        CONSTRAINT fk_budget_plan_supersedes FOREIGN KEY (supersedes_id) REFERENCES community_budget_plan (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE community_budget_plan_line (
        plan_id INT UNSIGNED NOT NULL,
        line_no SMALLINT UNSIGNED NOT NULL,
        category VARCHAR(20) NOT NULL,
        institution_id INT UNSIGNED NULL,
        amount ${MONEY} NOT NULL,
        PRIMARY KEY (plan_id, line_no),
        CONSTRAINT ck_plan_line_category CHECK (category IN ('OUT_OF_COUNTY','OUTPATIENT','INPATIENT','CHRONIC_SPECIAL')),
        CONSTRAINT ck_plan_line_amount CHECK (amount >= 0),
        CONSTRAINT fk_plan_line_plan FOREIGN KEY (plan_id) REFERENCES community_budget_plan (id),
        CONSTRAINT fk_plan_line_institution FOREIGN KEY (institution_id) REFERENCES institution (id)
      ) ${TABLE_OPTIONS}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE community_budget_plan_line');
    await q.query('DROP TABLE community_budget_plan');
    await q.query('DROP TRIGGER IF EXISTS ledger_transfer_no_delete');
    await q.query('DROP TRIGGER IF EXISTS ledger_transfer_no_update');
    await q.query('DROP TABLE ledger_transfer');
    await q.query('DROP TABLE ledger_account');
    await q.query('DROP TABLE allocation_community_share');
    await q.query('DROP TABLE fund_year_allocation');
    await q.query('DROP TABLE policy_parameter_set');
  }
}
