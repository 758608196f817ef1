import { Inject, Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { createHash, randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { scopeOf } from '../../domain/access-policy';
import { DomainError } from '../../domain/domain-error';
import { SettlementRecordInput } from '../../domain/settlement-record';
import { recordFieldsOfColumns } from '../../domain/settlement-intake';
import { isNationalLayout, NationalField, nationalRowOf } from '../../domain/national-settlement';
import { Caller } from '../../common/caller';
import { notFound } from '../../common/record-errors';
import { currentContext } from '../../common/request-context';
import { readTable, Table } from '../../common/tabular-file';
import { JobHandler } from '../../queue/job-handler.decorator';
import { JobProducer } from '../../queue/job-producer';
import { JobPayloads } from '../../queue/jobs';
import { IntakeBatchRepository } from './intake-batch.repository';
import { IntakeUploadRepository, UploadRow, UploadStatus } from './intake-upload.repository';
import { IntakeOutcome, SettlementIntakeService } from './settlement-intake.service';

export type { UploadStatus } from './intake-upload.repository';

export interface UploadView {
  id: string;
  status: UploadStatus;
  rowCount: number;
  processedRows: number;
  outcome: IntakeOutcome | null;
  createdAt: string;
  finishedAt: string | null;
}

function recordsOf(table: Table): SettlementRecordInput[] {
  const fields = recordFieldsOfColumns(table.headers);
  const fieldOf = new Map(table.headers.map((h, i) => [h, fields[i]]));
  return table.rows.map(
    (r) =>
      Object.fromEntries(Object.entries(r.values).flatMap(([h, v]) => (v === '' ? [] : [[fieldOf.get(h), v]]))) as SettlementRecordInput,
  );
}

/** A table in the national extract's layout: its rows by national field (docs/national-format.md). */
function nationalRowsOf(table: Table): Partial<Record<NationalField, string>>[] | null {
  if (!isNationalLayout(table.headers)) return null;
  return table.rows.map((r) => nationalRowOf(r.values));
}

const sourceOf = (content: Buffer): 'csv' | 'xlsx' => (content.subarray(0, 2).toString('latin1') === 'PK' ? 'xlsx' : 'csv');

/**
 * CSV/XLSX settlement files: small ones are taken within the request, larger ones are stored
 * and processed by the worker, with progress and a per-row error report to poll.
 */
@Injectable()
export class SettlementUploadService {
  constructor(
    private readonly uploads: IntakeUploadRepository,
    private readonly batches: IntakeBatchRepository,
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
    const table = await readTable(content, filename, this.config.uploads);
    const national = nationalRowsOf(table);
    const records = national ?? recordsOf(table);
    if (records.length <= this.config.intake.syncMaxRows) {
      const rowOf = (i: number) => table.rows[i].row;
      if (national) return { outcome: await this.intake.ingestNational(caller, national, sourceOf(content), onError, rowOf) };
      return { outcome: await this.intake.ingest(caller, records as SettlementRecordInput[], sourceOf(content), onError, rowOf) };
    }
    const id = randomUUID();
    await this.uploads.insert({
      id,
      submitterId: caller.institution.id,
      submittedBy: caller.name,
      onError,
      sha256: createHash('sha256').update(content).digest('hex'),
      content,
      rowCount: records.length,
      requestId: currentContext().requestId,
    });
    await this.jobs.enqueue('intake.process-upload', { uploadId: id });
    return { queued: await this.get(id) };
  }

  async get(id: string): Promise<UploadView> {
    const row = await this.uploads.find(id);
    if (!row) throw notFound('upload', id);
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
    const row = await this.uploads.withContent(uploadId);
    if (!row) throw new Error(`upload ${uploadId} not found`);
    if (row.status === 'DONE' || row.status === 'REJECTED') return row.status;
    await this.uploads.markRunning(uploadId);
    const caller = await this.submitterAsCaller(row);
    let status: UploadStatus;
    let outcome: IntakeOutcome;
    try {
      const table = await readTable(row.content, undefined, this.config.uploads);
      await job?.updateProgress(10);
      const national = nationalRowsOf(table);
      const rowOf = (i: number) => table.rows[i].row;
      outcome = national
        ? await this.intake.ingestNational(caller, national, sourceOf(row.content), row.on_error, rowOf)
        : await this.intake.ingest(caller, recordsOf(table), sourceOf(row.content), row.on_error, rowOf);
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
        claims: [],
        reported: [],
        orphans: 0,
      };
      status = 'REJECTED';
    }
    await this.uploads.finish(uploadId, status, outcome);
    await job?.updateProgress(100);
    return status;
  }

  /** The job acts for whoever uploaded the file, within that institution's scope. */
  private async submitterAsCaller(row: UploadRow): Promise<Caller> {
    const unit = (await this.batches.submitter(row.submitter_id))!;
    const institution = { ...unit, level: 'COUNTY' as const, regionId: null };
    return { kind: 'user', name: row.submitted_by, userId: null, sessionId: null, roles: [], institution, scope: scopeOf(institution, []) };
  }
}
