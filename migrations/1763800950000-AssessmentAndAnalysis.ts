import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';
const WEIGHT = 'DECIMAL(5,2) NOT NULL';
const SHARE = 'DECIMAL(5,4)';

/**
 * Performance assessment (SPEC §8): the bureau's weights and targets per county and year, and
 * the values it enters per community and year, each save a new version. Quarterly fund analysis
 * (SPEC §6): one document per community and quarter with its figures and the lead unit's commentary.
 */
export class AssessmentAndAnalysis1763800950000 implements MigrationInterface {
  name = 'AssessmentAndAnalysis1763800950000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE assessment_scheme (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        county_id INT UNSIGNED NOT NULL,
        fund_year SMALLINT UNSIGNED NOT NULL,
        version INT UNSIGNED NOT NULL,
        w_in_county_inpatient_rate ${WEIGHT},
        w_out_of_county_inpatient_count ${WEIGHT},
        w_outside_township_inpatient_count ${WEIGHT},
        w_inpatient_compensation_ratio ${WEIGHT},
        w_clinical_pathway_rate ${WEIGHT},
        w_out_of_county_referral_rate ${WEIGHT},
        w_primary_share ${WEIGHT},
        t_in_county_inpatient_rate ${SHARE} NOT NULL,
        t_clinical_pathway_rate ${SHARE} NOT NULL,
        t_out_of_county_referral_rate ${SHARE} NOT NULL,
        changed_by VARCHAR(64) NOT NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        UNIQUE KEY uq_assessment_scheme (county_id, fund_year, version),
        CONSTRAINT ck_assessment_scheme_weights CHECK (
          w_in_county_inpatient_rate >= 0 AND w_out_of_county_inpatient_count >= 0 AND w_outside_township_inpatient_count >= 0
          AND w_inpatient_compensation_ratio >= 0 AND w_clinical_pathway_rate >= 0 AND w_out_of_county_referral_rate >= 0 AND w_primary_share >= 0
          AND w_in_county_inpatient_rate + w_out_of_county_inpatient_count + w_outside_township_inpatient_count + w_inpatient_compensation_ratio
            + w_clinical_pathway_rate + w_out_of_county_referral_rate + w_primary_share = 100),
        CONSTRAINT ck_assessment_scheme_targets CHECK (
          t_in_county_inpatient_rate BETWEEN 0 AND 1 AND t_clinical_pathway_rate BETWEEN 0 AND 1 AND t_out_of_county_referral_rate BETWEEN 0 AND 1),
        CONSTRAINT fk_assessment_scheme_county FOREIGN KEY (county_id) REFERENCES county (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE assessment_entered_values (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        community_id INT UNSIGNED NOT NULL,
        fund_year SMALLINT UNSIGNED NOT NULL,
        version INT UNSIGNED NOT NULL,
        prefecture_compensation_ratio ${SHARE} NULL,
        in_county_inpatient_count INT UNSIGNED NULL,
        out_of_county_inpatient_count INT UNSIGNED NULL,
        outside_township_inpatient_count INT UNSIGNED NULL,
        entered_by VARCHAR(64) NOT NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        UNIQUE KEY uq_assessment_entered_values (community_id, fund_year, version),
        CONSTRAINT ck_assessment_entered_ratio CHECK (prefecture_compensation_ratio IS NULL OR prefecture_compensation_ratio BETWEEN 0 AND 1),
        CONSTRAINT fk_assessment_entered_community FOREIGN KEY (community_id) REFERENCES medical_community (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE fund_analysis (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        community_id INT UNSIGNED NOT NULL,
        county_id INT UNSIGNED NOT NULL,
        fund_year SMALLINT UNSIGNED NOT NULL,
        quarter TINYINT UNSIGNED NOT NULL,
        state VARCHAR(10) NOT NULL,
        version INT UNSIGNED NOT NULL DEFAULT 1,
        content LONGTEXT NOT NULL,
        summary TEXT NULL,
        risks TEXT NULL,
        measures TEXT NULL,
        drafted_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        refreshed_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        submitted_by VARCHAR(64) NULL,
        submitted_at DATETIME(3) NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_fund_analysis (community_id, fund_year, quarter),
        KEY ix_fund_analysis_county (county_id, fund_year),
        CONSTRAINT ck_fund_analysis_quarter CHECK (quarter BETWEEN 1 AND 4),
        CONSTRAINT ck_fund_analysis_state CHECK (state IN ('DRAFT','SUBMITTED')),
        CONSTRAINT ck_fund_analysis_submitted CHECK ((state = 'SUBMITTED') = (submitted_at IS NOT NULL)),
        CONSTRAINT ck_fund_analysis_content CHECK (JSON_VALID(content)),
        CONSTRAINT fk_fund_analysis_community FOREIGN KEY (community_id) REFERENCES medical_community (id)
      ) ${TABLE_OPTIONS}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE fund_analysis');
    await q.query('DROP TABLE assessment_entered_values');
    await q.query('DROP TABLE assessment_scheme');
  }
}
