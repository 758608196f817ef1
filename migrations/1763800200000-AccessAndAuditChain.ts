import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';

/**
 * Users, sign-in sessions and API tokens (SPEC §1, §10 inv. 6), and the tamper-evident audit
 * chain (§10 inv. 5): every entry stores the previous entry's hash and its own, and triggers
 * refuse any UPDATE or DELETE of audit rows, for the application's database user and everyone else.
 */
export class AccessAndAuditChain1763800200000 implements MigrationInterface {
  name = 'AccessAndAuditChain1763800200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE app_user (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        username VARCHAR(64) NOT NULL,
        display_name VARCHAR(100) NOT NULL,
        institution_id INT UNSIGNED NOT NULL,
        roles VARCHAR(512) NOT NULL,
        password_hash VARCHAR(255) NOT NULL,
        active TINYINT(1) NOT NULL DEFAULT 1,
        version INT UNSIGNED NOT NULL DEFAULT 1,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        UNIQUE KEY uq_app_user_username (username),
        KEY ix_app_user_institution (institution_id),
        CONSTRAINT fk_app_user_institution FOREIGN KEY (institution_id) REFERENCES institution (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE auth_session (
        id CHAR(36) NOT NULL,
        user_id INT UNSIGNED NOT NULL,
        refresh_hash CHAR(64) NOT NULL,
        expires_at DATETIME(3) NOT NULL,
        revoked_at DATETIME(3) NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        PRIMARY KEY (id),
        UNIQUE KEY uq_auth_session_refresh (refresh_hash),
        KEY ix_auth_session_user (user_id),
        CONSTRAINT fk_auth_session_user FOREIGN KEY (user_id) REFERENCES app_user (id)
      ) ${TABLE_OPTIONS}`);
    await q.query(`
      CREATE TABLE api_token (
        id CHAR(12) NOT NULL,
        name VARCHAR(100) NOT NULL,
        institution_id INT UNSIGNED NOT NULL,
        roles VARCHAR(512) NOT NULL,
        secret_hash CHAR(64) NOT NULL,
        created_by VARCHAR(64) NOT NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        revoked_at DATETIME(3) NULL,
        PRIMARY KEY (id),
        KEY ix_api_token_institution (institution_id),
        CONSTRAINT fk_api_token_institution FOREIGN KEY (institution_id) REFERENCES institution (id)
      ) ${TABLE_OPTIONS}`);

    // Registry uploads belong to the county of whoever submitted them.
    await q.query(
      'ALTER TABLE registry_import ADD COLUMN county_id INT UNSIGNED NULL, ADD CONSTRAINT fk_registry_import_county FOREIGN KEY (county_id) REFERENCES county (id)',
    );

    await q.query('ALTER TABLE audit_log ADD COLUMN prev_hash CHAR(64) NULL, ADD COLUMN hash CHAR(64) NULL');
    await q.query(`
      CREATE TABLE audit_chain_head (
        id TINYINT UNSIGNED NOT NULL,
        last_id BIGINT UNSIGNED NOT NULL,
        last_hash CHAR(64) NOT NULL,
        PRIMARY KEY (id)
      ) ${TABLE_OPTIONS}`);
    // The chain starts from a fixed genesis hash. No release wrote audit entries without it.
    const GENESIS = '0'.repeat(64);
    await q.query('INSERT INTO audit_chain_head (id, last_id, last_hash) VALUES (1, 0, ?)', [GENESIS]);
    const existing: { id: string }[] = await q.query('SELECT id FROM audit_log ORDER BY id');
    if (existing.length) {
      throw new Error(
        'audit_log must be empty when the hash chain is introduced: it holds entries from a pre-release build; recreate that database',
      );
    }
    await q.query(
      'ALTER TABLE audit_log MODIFY prev_hash CHAR(64) NOT NULL, MODIFY hash CHAR(64) NOT NULL, ADD UNIQUE KEY uq_audit_hash (hash)',
    );
    // AUDIT_PROTECTION=app (databases without triggers): the application's connections refuse the change instead.
    if ((q.connection.options as { appendOnlyProtection?: string }).appendOnlyProtection === 'app') return;
    await q.query(`
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only: UPDATE refused'`);
    await q.query(`
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only: DELETE refused'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER IF EXISTS audit_log_no_delete');
    await q.query('DROP TRIGGER IF EXISTS audit_log_no_update');
    await q.query('DROP TABLE audit_chain_head');
    await q.query('ALTER TABLE audit_log DROP INDEX uq_audit_hash, DROP COLUMN hash, DROP COLUMN prev_hash');
    await q.query('ALTER TABLE registry_import DROP FOREIGN KEY fk_registry_import_county, DROP COLUMN county_id');
    await q.query('DROP TABLE api_token');
    await q.query('DROP TABLE auth_session');
    await q.query('DROP TABLE app_user');
  }
}
