import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Job } from 'bullmq';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { scopeOf } from '../../domain/access-policy';
import { DomainError } from '../../domain/domain-error';
import { InstitutionType } from '../../domain/institution-registry';
import { SETTLEMENT_RECORD_FIELDS, SettlementRecordInput } from '../../domain/settlement-record';
import { Caller } from '../../common/caller';
import { currentContext } from '../../common/request-context';
import { readTable, Table } from '../../common/tabular-file';
import { JobHandler } from '../../queue/job-handler.decorator';
import { JobProducer } from '../../queue/job-producer';
import { JobPayloads } from '../../queue/jobs';
import { IntakeOutcome, SettlementIntakeService } from './settlement-intake.service';

export type UploadStatus = 'QUEUED' | 'RUNNING' | 'DONE' | 'REJECTED';

export interface UploadView {
  id: string;
  status: UploadStatus;
  rowCount: number;
  processedRows: number;
  outcome: IntakeOutcome | null;
  createdAt: string;
  finishedAt: string | null;
}

type UploadRow = {
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

function recordsOf(table: Table): SettlementRecordInput[] {
  const unknown = table.headers.filter((h) => !(SETTLEMENT_RECORD_FIELDS as readonly string[]).includes(h));
  if (unknown.length) {
    throw new DomainError(
      'BATCH_REJECTED',
      'unprocessable',
      `unknown columns: ${unknown.join(', ')}`,
      unknown.map((h) => ({ row: 1, field: h, rule: 'unknownColumn', message: `expected ${SETTLEMENT_RECORD_FIELDS.join(', ')}` })),
    );
  }
  return table.rows.map((r) => Object.fromEntries(Object.entries(r.values).filter(([, v]) => v !== '')) as SettlementRecordInput);
}

const sourceOf = (content: Buffer): 'csv' | 'xlsx' => (content.subarray(0, 2).toString('latin1') === 'PK' ? 'xlsx' : 'csv');

/**
 * CSV/XLSX settlement files: small ones are taken within the request, larger ones are stored
 * and processed by the worker, with progress and a per-row error report to poll.
 */
@Injectable()
export class SettlementUploadService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly intake: SettlementIntakeService,
    private readonly jobs: JobProducer,
  ) {}

  /** `filename`: the name the file was sent under; it must agree with the content. */
  async submit(
    caller: Caller,
    content: Buffer,
    onError: 'reject' | 'skip',
    filename?: string,
  ): Promise<{ outcome: IntakeOutcome } | { queued: UploadView }> {
    const table = await readTable(content, filename);
    const records = recordsOf(table);
    if (records.length <= this.config.intake.syncMaxRows) {
      return { outcome: await this.intake.ingest(caller, records, sourceOf(content), onError, (i) => table.rows[i].row) };
    }
    const id = randomUUID();
    await this.dataSource.query(
      'INSERT INTO intake_upload (id, submitter_id, submitted_by, status, on_error, file_sha256, content, row_count, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [
        id,
        caller.institution.id,
        caller.name,
        'QUEUED',
        onError,
        createHash('sha256').update(content).digest('hex'),
        content,
        records.length,
        currentContext().requestId,
      ],
    );
    await this.jobs.enqueue('intake.process-upload', { uploadId: id });
    return { queued: await this.get(id) };
  }

  async get(id: string): Promise<UploadView> {
    const [row]: UploadRow[] = await this.dataSource.query(
      'SELECT id, submitter_id, submitted_by, status, on_error, row_count, processed_rows, outcome, created_at, finished_at FROM intake_upload WHERE id = ?',
      [id],
    );
    if (!row) throw new DomainError('UPLOAD_NOT_FOUND', 'not_found', `upload ${id} does not exist`);
    return {
      id: row.id,
      status: row.status,
      rowCount: row.row_count,
      processedRows: row.processed_rows,
      outcome: row.outcome ? (JSON.parse(row.outcome) as IntakeOutcome) : null,
      createdAt: row.created_at.toISOString(),
      finishedAt: row.finished_at?.toISOString() ?? null,
    };
  }

  /** Safe to run twice: a finished upload is left alone, and re-sent records are duplicates anyway. */
  @JobHandler('intake.process-upload')
  async process({ uploadId }: JobPayloads['intake.process-upload'], job?: Job): Promise<UploadStatus> {
    const [row]: (UploadRow & { content: Buffer })[] = await this.dataSource.query('SELECT * FROM intake_upload WHERE id = ?', [uploadId]);
    if (!row) throw new Error(`upload ${uploadId} not found`);
    if (row.status === 'DONE' || row.status === 'REJECTED') return row.status;
    await this.dataSource.query("UPDATE intake_upload SET status = 'RUNNING' WHERE id = ?", [uploadId]);
    const caller = await this.submitterAsCaller(row);
    let status: UploadStatus;
    let outcome: IntakeOutcome;
    try {
      const table = await readTable(row.content);
      await job?.updateProgress(10);
      outcome = await this.intake.ingest(caller, recordsOf(table), sourceOf(row.content), row.on_error, (i) => table.rows[i].row);
      status = 'DONE';
    } catch (err) {
      if (!(err instanceof DomainError)) throw err; // infrastructure trouble: BullMQ retries
      outcome = {
        batchId: null,
        received: row.row_count,
        stored: 0,
        duplicates: 0,
        rejected: new Set(err.details.map((d) => d.row)).size,
        errors: err.details,
      };
      status = 'REJECTED';
    }
    await this.dataSource.query(
      'UPDATE intake_upload SET status = ?, processed_rows = row_count, outcome = ?, finished_at = CURRENT_TIMESTAMP(3) WHERE id = ?',
      [status, JSON.stringify(outcome), uploadId],
    );
    await job?.updateProgress(100);
    return status;
  }

  /** The job acts for whoever uploaded the file, within that institution's scope. */
  private async submitterAsCaller(row: UploadRow): Promise<Caller> {
    const [inst]: { id: number; code: string; type: InstitutionType; county_id: number; community_id: number | null }[] =
      await this.dataSource.query('SELECT id, code, type, county_id, community_id FROM institution WHERE id = ?', [row.submitter_id]);
    const institution = { id: inst.id, code: inst.code, type: inst.type, countyId: inst.county_id, communityId: inst.community_id };
    return { kind: 'user', name: row.submitted_by, userId: null, sessionId: null, roles: [], institution, scope: scopeOf(institution, []) };
  }
}
