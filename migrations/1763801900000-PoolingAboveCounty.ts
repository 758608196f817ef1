import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';
const MONEY = 'DECIMAL(18,2)';
const RATE = 'DECIMAL(9,6)';
const TIMESTAMPS = `
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)`;
const TYPES_BEFORE = `'BUREAU','LEAD_HOSPITAL','COUNTY_HOSPITAL','TOWNSHIP_CENTER','VILLAGE_CLINIC','PRIVATE_DESIGNATED','FINANCE_BUREAU','PREFECTURE_BUREAU','HEALTH_BUREAU','COUNTY_GOVERNMENT','REVIEW_COMMITTEE'`;
const TYPES_AFTER = `${TYPES_BEFORE},'PROVINCE_BUREAU'`;

/**
 * Pooling above the county (SPEC §12): the province and its prefectures in the registry, a county
 * placed in a prefecture, institutions that sit at a prefecture or the province instead of a
 * county (exactly one level per institution); the county fund's yearly results as its books hold
 * them; the city's pooling terms per prefecture and year; the city-level gap sharing of a county's
 * year; the provincial adjustment fund of a year.
 */
export class PoolingAboveCounty1763801900000 implements MigrationInterface {
  name = 'PoolingAboveCounty1763801900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE province (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        code VARCHAR(32) NOT NULL,
        name VARCHAR(100) NOT NULL,
        region_code VARCHAR(12) NULL,
        active TINYINT(1) NOT NULL DEFAULT 1,
        version INT UNSIGNED NOT NULL DEFAULT 1,${TIMESTAMPS},
        PRIMARY KEY (id),
        UNIQUE KEY uq_province_code (code)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE prefecture (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        code VARCHAR(32) NOT NULL,
        name VARCHAR(100) NOT NULL,
        region_code VARCHAR(12) NULL,
        province_id INT UNSIGNED NOT NULL,
        active TINYINT(1) NOT NULL DEFAULT 1,
        version INT UNSIGNED NOT NULL DEFAULT 1,${TIMESTAMPS},
        PRIMARY KEY (id),
        UNIQUE KEY uq_prefecture_code (code),
        KEY ix_prefecture_province (province_id),
        CONSTRAINT fk_prefecture_province FOREIGN KEY (province_id) REFERENCES province (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      ALTER TABLE county
        ADD COLUMN prefecture_id INT UNSIGNED NULL AFTER region_code,
        ADD KEY ix_county_prefecture (prefecture_id),
        ADD CONSTRAINT fk_county_prefecture FOREIGN KEY (prefecture_id) REFERENCES prefecture (id)`);
    await q.query('ALTER TABLE institution DROP CONSTRAINT ck_institution_type');
    await q.query('ALTER TABLE institution DROP FOREIGN KEY fk_institution_county');
    await q.query(`
      ALTER TABLE institution
        MODIFY COLUMN county_id INT UNSIGNED NULL,
        ADD COLUMN prefecture_id INT UNSIGNED NULL AFTER county_id,
        ADD COLUMN province_id INT UNSIGNED NULL AFTER prefecture_id,
        ADD KEY ix_institution_prefecture (prefecture_id),
        ADD KEY ix_institution_province (province_id),
        ADD CONSTRAINT fk_institution_county FOREIGN KEY (county_id) REFERENCES county (id),
        ADD CONSTRAINT fk_institution_prefecture FOREIGN KEY (prefecture_id) REFERENCES prefecture (id),
        ADD CONSTRAINT fk_institution_province FOREIGN KEY (province_id) REFERENCES province (id),
        ADD CONSTRAINT ck_institution_type CHECK (type IN (${TYPES_AFTER})),
        ADD CONSTRAINT ck_institution_one_level CHECK ((county_id IS NOT NULL) + (prefecture_id IS NOT NULL) + (province_id IS NOT NULL) = 1)`);

    await q.query(`
      CREATE TABLE county_fund_result (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        county_id INT UNSIGNED NOT NULL,
        fund_year SMALLINT UNSIGNED NOT NULL,
        raised_total ${MONEY} NOT NULL,
        income ${MONEY} NOT NULL,
        expenditure ${MONEY} NOT NULL,
        opening_balance ${MONEY} NOT NULL,
        transition_subsidy_difference ${MONEY} NOT NULL DEFAULT 0,
        entered_by VARCHAR(64) NOT NULL,
        version INT UNSIGNED NOT NULL DEFAULT 1,${TIMESTAMPS},
        PRIMARY KEY (id),
        UNIQUE KEY uq_county_fund_result (county_id, fund_year),
        CONSTRAINT ck_county_fund_result_amounts CHECK (raised_total >= 0 AND income >= 0 AND expenditure >= 0 AND opening_balance >= 0
          AND transition_subsidy_difference >= 0),
        CONSTRAINT fk_county_fund_result_county FOREIGN KEY (county_id) REFERENCES county (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE city_pooling_terms (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        prefecture_id INT UNSIGNED NOT NULL,
        fund_year SMALLINT UNSIGNED NOT NULL,
        city_share ${RATE} NOT NULL,
        city_finance_share ${RATE} NOT NULL,
        city_finance_cap_rate ${RATE} NOT NULL,
        prior_gap_city_share_cut ${RATE} NOT NULL,
        prior_gap_city_finance_factor ${RATE} NOT NULL,
        below_good_city_share_cut ${RATE} NOT NULL,
        transition_surplus_to_county ${RATE} NOT NULL,
        surplus_to_county ${RATE} NOT NULL,
        transition_year TINYINT(1) NOT NULL DEFAULT 0,
        pooled_fund_opening ${MONEY} NOT NULL DEFAULT 0,
        set_by VARCHAR(64) NOT NULL,
        version INT UNSIGNED NOT NULL DEFAULT 1,${TIMESTAMPS},
        PRIMARY KEY (id),
        UNIQUE KEY uq_city_pooling_terms (prefecture_id, fund_year),
        CONSTRAINT ck_city_pooling_terms_pool CHECK (pooled_fund_opening >= 0),
        CONSTRAINT fk_city_pooling_terms_prefecture FOREIGN KEY (prefecture_id) REFERENCES prefecture (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE city_gap_sharing (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        prefecture_id INT UNSIGNED NOT NULL,
        county_id INT UNSIGNED NOT NULL,
        fund_year SMALLINT UNSIGNED NOT NULL,
        state VARCHAR(12) NOT NULL,
        gap ${MONEY} NOT NULL,
        surplus ${MONEY} NOT NULL,
        pool_pays ${MONEY} NOT NULL,
        surplus_to_pool ${MONEY} NOT NULL,
        pooled_fund_balance ${MONEY} NOT NULL,
        inputs LONGTEXT NOT NULL,
        figures LONGTEXT NOT NULL,
        computed_by VARCHAR(64) NOT NULL,
        confirmed_by VARCHAR(64) NULL,
        confirmed_at DATETIME(3) NULL,
        executed_by VARCHAR(64) NULL,
        executed_at DATETIME(3) NULL,
        version INT UNSIGNED NOT NULL DEFAULT 1,${TIMESTAMPS},
        PRIMARY KEY (id),
        UNIQUE KEY uq_city_gap_sharing (county_id, fund_year),
        KEY ix_city_gap_sharing_prefecture (prefecture_id, fund_year, state),
        CONSTRAINT ck_city_gap_sharing_state CHECK (state IN ('COMPUTED','CONFIRMED','EXECUTED')),
        CONSTRAINT fk_city_gap_sharing_prefecture FOREIGN KEY (prefecture_id) REFERENCES prefecture (id),
        CONSTRAINT fk_city_gap_sharing_county FOREIGN KEY (county_id) REFERENCES county (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE provincial_fund (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        province_id INT UNSIGNED NOT NULL,
        fund_year SMALLINT UNSIGNED NOT NULL,
        state VARCHAR(12) NOT NULL,
        terms LONGTEXT NOT NULL,
        regions LONGTEXT NOT NULL,
        figures LONGTEXT NOT NULL,
        drafted_by VARCHAR(64) NOT NULL,
        approved_by VARCHAR(64) NULL,
        approved_at DATETIME(3) NULL,
        posted_by VARCHAR(64) NULL,
        posted_at DATETIME(3) NULL,
        version INT UNSIGNED NOT NULL DEFAULT 1,${TIMESTAMPS},
        PRIMARY KEY (id),
        UNIQUE KEY uq_provincial_fund (province_id, fund_year),
        CONSTRAINT ck_provincial_fund_state CHECK (state IN ('DRAFTED','APPROVED','POSTED')),
        CONSTRAINT fk_provincial_fund_province FOREIGN KEY (province_id) REFERENCES province (id)
      ) ${TABLE_OPTIONS}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE provincial_fund');
    await q.query('DROP TABLE city_gap_sharing');
    await q.query('DROP TABLE city_pooling_terms');
    await q.query('DROP TABLE county_fund_result');
    await q.query('ALTER TABLE institution DROP CONSTRAINT ck_institution_one_level');
    await q.query('ALTER TABLE institution DROP CONSTRAINT ck_institution_type');
    await q.query('ALTER TABLE institution DROP FOREIGN KEY fk_institution_prefecture, DROP FOREIGN KEY fk_institution_province');
    await q.query('ALTER TABLE institution DROP COLUMN prefecture_id, DROP COLUMN province_id');
    await q.query('ALTER TABLE institution DROP FOREIGN KEY fk_institution_county');
    await q.query('ALTER TABLE institution MODIFY COLUMN county_id INT UNSIGNED NOT NULL');
    await q.query('ALTER TABLE institution ADD CONSTRAINT fk_institution_county FOREIGN KEY (county_id) REFERENCES county (id)');
    await q.query(`ALTER TABLE institution ADD CONSTRAINT ck_institution_type CHECK (type IN (${TYPES_BEFORE}))`);
    await q.query('ALTER TABLE county DROP FOREIGN KEY fk_county_prefecture');
    await q.query('ALTER TABLE county DROP COLUMN prefecture_id');
    await q.query('DROP TABLE prefecture');
    await q.query('DROP TABLE province');
  }
}
