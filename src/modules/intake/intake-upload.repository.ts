import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export type UploadStatus = 'QUEUED' | 'RUNNING' | 'DONE' | 'REJECTED';

export type UploadRow = {
  id: string;
  submitter_id: number;
  submitted_by: string;
  status: UploadStatus;
  on_error: 'reject' | 'skip';
  row_count: number;
  processed_rows: number;
  outcome: string | null;
  created_at: Date;
  finished_at: Date | null;
};

export interface NewUpload {
  id: string;
  submitterId: number;
  submittedBy: string;
  onError: 'reject' | 'skip';
  sha256: string;
  content: Buffer;
  rowCount: number;
  requestId: string | null;
}

/** Uploaded settlement files waiting for, or processed by, the worker. */
@Injectable()
export class IntakeUploadRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(u: NewUpload): Promise<void> {
    await this.dataSource.query(
      'INSERT INTO intake_upload (id, submitter_id, submitted_by, status, on_error, file_sha256, content, row_count, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [u.id, u.submitterId, u.submittedBy, 'QUEUED', u.onError, u.sha256, u.content, u.rowCount, u.requestId],
    );
  }

  async find(id: string): Promise<UploadRow | undefined> {
    const [row]: UploadRow[] = await this.dataSource.query(
      'SELECT id, submitter_id, submitted_by, status, on_error, row_count, processed_rows, outcome, created_at, finished_at FROM intake_upload WHERE id = ?',
      [id],
    );
    return row;
  }

  /** The upload with its file content. */
  async withContent(id: string): Promise<(UploadRow & { content: Buffer }) | undefined> {
    const [row]: (UploadRow & { content: Buffer })[] = await this.dataSource.query('SELECT * FROM intake_upload WHERE id = ?', [id]);
    return row;
  }

  async markRunning(id: string): Promise<void> {
    await this.dataSource.query("UPDATE intake_upload SET status = 'RUNNING' WHERE id = ?", [id]);
  }

  async finish(id: string, status: UploadStatus, outcome: unknown): Promise<void> {
    await this.dataSource.query(
      'UPDATE intake_upload SET status = ?, processed_rows = row_count, outcome = ?, finished_at = CURRENT_TIMESTAMP(3) WHERE id = ?',
      [status, JSON.stringify(outcome), id],
    );
  }
}
