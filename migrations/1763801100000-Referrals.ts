import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';

/**
 * Out-of-county referrals (县外转诊, 打包付费办法 §五(四)): the lead unit records a referral of an
 * insured person (kept as the keyed hash and a mask, as intake keeps them) to a hospital outside
 * the county, valid for a window, and approves it on its approval chain. Out-of-county
 * settlements gain the stay's admission date, which a referral's window must hold.
 */
export class Referrals1763801100000 implements MigrationInterface {
  name = 'Referrals1763801100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE referral (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        chain_id INT UNSIGNED NOT NULL,
        county_id INT UNSIGNED NOT NULL,
        community_id INT UNSIGNED NOT NULL,
        from_unit_id INT UNSIGNED NOT NULL,
        insured_hash CHAR(64) NOT NULL,
        insured_masked VARCHAR(32) NOT NULL,
        receiving_hospital VARCHAR(200) NOT NULL,
        diagnosis_code VARCHAR(16) NULL,
        valid_from DATE NOT NULL,
        valid_to DATE NOT NULL,
        reason VARCHAR(2000) NOT NULL,
        recorded_by VARCHAR(64) NOT NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        UNIQUE KEY uq_referral_chain (chain_id),
        KEY ix_referral_insured (community_id, insured_hash, valid_from),
        CONSTRAINT ck_referral_window CHECK (valid_to >= valid_from),
        CONSTRAINT fk_referral_chain FOREIGN KEY (chain_id) REFERENCES governance_chain (id),
        CONSTRAINT fk_referral_county FOREIGN KEY (county_id) REFERENCES county (id),
        CONSTRAINT fk_referral_community FOREIGN KEY (community_id) REFERENCES medical_community (id),
        CONSTRAINT fk_referral_from_unit FOREIGN KEY (from_unit_id) REFERENCES institution (id)
      ) ${TABLE_OPTIONS}`);
    await q.query('ALTER TABLE out_of_county_settlement ADD COLUMN admission_date DATE NULL AFTER settlement_date');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE out_of_county_settlement DROP COLUMN admission_date');
    await q.query('DROP TABLE referral');
  }
}
