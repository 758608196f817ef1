import { MigrationInterface, QueryRunner } from 'typeorm';

/** Settlement-record files too large to take within the request, processed by the worker. */
export class IntakeUpload1763800600000 implements MigrationInterface {
  name = 'IntakeUpload1763800600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE intake_upload (
        id CHAR(36) NOT NULL,
        submitter_id INT UNSIGNED NOT NULL,
        submitted_by VARCHAR(64) NOT NULL,
        status VARCHAR(16) NOT NULL,
        on_error VARCHAR(8) NOT NULL,
        file_sha256 CHAR(64) NOT NULL,
        content LONGBLOB NOT NULL,
        row_count INT UNSIGNED NOT NULL,
        processed_rows INT UNSIGNED NOT NULL DEFAULT 0,
        outcome LONGTEXT NULL,
        request_id VARCHAR(64) NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        finished_at DATETIME(3) NULL,
        PRIMARY KEY (id),
        KEY ix_intake_upload_submitter (submitter_id, created_at),
        CONSTRAINT ck_intake_upload_status CHECK (status IN ('QUEUED','RUNNING','DONE','REJECTED')),
        CONSTRAINT ck_intake_upload_outcome CHECK (outcome IS NULL OR JSON_VALID(outcome)),
        CONSTRAINT fk_intake_upload_submitter FOREIGN KEY (submitter_id) REFERENCES institution (id)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE intake_upload');
  }
}
