import { MigrationInterface, QueryRunner } from 'typeorm';

/** Uploaded registry files too large to import within the request, processed by the worker. */
export class RegistryImport1763800100000 implements MigrationInterface {
  name = 'RegistryImport1763800100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE registry_import (
        id CHAR(36) NOT NULL,
        status VARCHAR(16) NOT NULL,
        on_error VARCHAR(8) NOT NULL,
        file_sha256 CHAR(64) NOT NULL,
        content LONGBLOB NOT NULL,
        row_count INT UNSIGNED NOT NULL,
        outcome LONGTEXT NULL,
        submitted_by VARCHAR(64) NOT NULL,
        request_id VARCHAR(64) NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        finished_at DATETIME(3) NULL,
        PRIMARY KEY (id),
        KEY ix_registry_import_status (status, created_at),
        CONSTRAINT ck_registry_import_status CHECK (status IN ('QUEUED','RUNNING','DONE','REJECTED')),
        CONSTRAINT ck_registry_import_outcome CHECK (outcome IS NULL OR JSON_VALID(outcome))
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE registry_import');
  }
}
