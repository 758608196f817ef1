import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';
const TIMESTAMPS = `
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)`;

/** Counties, medical communities, institutions and the audit trail (SPEC §1). */
export class RegistryFoundation1763800000000 implements MigrationInterface {
  name = 'RegistryFoundation1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE county (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        code VARCHAR(32) NOT NULL,
        name VARCHAR(100) NOT NULL,
        region_code VARCHAR(12) NULL,
        active TINYINT(1) NOT NULL DEFAULT 1,
        version INT UNSIGNED NOT NULL DEFAULT 1,${TIMESTAMPS},
        PRIMARY KEY (id),
        UNIQUE KEY uq_county_code (code)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE medical_community (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        code VARCHAR(32) NOT NULL,
        name VARCHAR(100) NOT NULL,
        county_id INT UNSIGNED NOT NULL,
        active TINYINT(1) NOT NULL DEFAULT 1,
        version INT UNSIGNED NOT NULL DEFAULT 1,${TIMESTAMPS},
        PRIMARY KEY (id),
        UNIQUE KEY uq_medical_community_code (code),
        KEY ix_medical_community_county (county_id),
        CONSTRAINT fk_medical_community_county FOREIGN KEY (county_id) REFERENCES county (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE institution (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        code VARCHAR(32) NOT NULL,
        name VARCHAR(100) NOT NULL,
        type VARCHAR(24) NOT NULL,
        county_id INT UNSIGNED NOT NULL,
        community_id INT UNSIGNED NULL,
        parent_id INT UNSIGNED NULL,
        active TINYINT(1) NOT NULL DEFAULT 1,
        deactivated_at DATETIME(3) NULL,
        version INT UNSIGNED NOT NULL DEFAULT 1,${TIMESTAMPS},
        PRIMARY KEY (id),
        UNIQUE KEY uq_institution_code (code),
        KEY ix_institution_county_type (county_id, type),
        KEY ix_institution_community (community_id),
        KEY ix_institution_parent (parent_id),
        KEY ix_institution_name (name),
        CONSTRAINT ck_institution_type CHECK (type IN ('BUREAU','LEAD_HOSPITAL','COUNTY_HOSPITAL','TOWNSHIP_CENTER',
          'VILLAGE_CLINIC','PRIVATE_DESIGNATED','FINANCE_BUREAU','PREFECTURE_BUREAU','HEALTH_BUREAU','COUNTY_GOVERNMENT','REVIEW_COMMITTEE')),
        CONSTRAINT ck_institution_parent CHECK ((type = 'VILLAGE_CLINIC') = (parent_id IS NOT NULL)),
        CONSTRAINT fk_institution_county FOREIGN KEY (county_id) REFERENCES county (id),
        CONSTRAINT fk_institution_community FOREIGN KEY (community_id) REFERENCES medical_community (id),
        CONSTRAINT fk_institution_parent FOREIGN KEY (parent_id) REFERENCES institution (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE audit_log (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        occurred_at DATETIME(3) NOT NULL,
        actor VARCHAR(64) NOT NULL,
        actor_institution VARCHAR(32) NULL,
        action VARCHAR(64) NOT NULL,
        entity_type VARCHAR(64) NOT NULL,
        entity_id VARCHAR(64) NOT NULL,
        changes LONGTEXT NOT NULL,
        request_id VARCHAR(64) NULL,
        outcome VARCHAR(16) NOT NULL,
        PRIMARY KEY (id),
        KEY ix_audit_entity (entity_type, entity_id, id),
        KEY ix_audit_actor (actor, occurred_at),
        KEY ix_audit_time (occurred_at),
        CONSTRAINT ck_audit_changes_json CHECK (JSON_VALID(changes))
      ) ${TABLE_OPTIONS}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_log');
    await q.query('DROP TABLE institution');
    await q.query('DROP TABLE medical_community');
    await q.query('DROP TABLE county');
  }
}
