import { Inject, Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { createHash, randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { DomainError } from '../../domain/domain-error';
import { notFound } from '../../common/record-errors';
import { currentContext } from '../../common/request-context';
import { readTable } from '../../common/tabular-file';
import { JobHandler } from '../../queue/job-handler.decorator';
import { JobProducer } from '../../queue/job-producer';
import { JobPayloads } from '../../queue/jobs';
import { parseInstitutionTable } from './institution-import.parser';
import { ImportOutcome, InstitutionService } from './institution.service';
import { RegistryImport, RegistryImportStatus } from './registry-import.entity';
import { RegistryImportRepository } from './registry-import.repository';

export class RegistryImportView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['QUEUED', 'RUNNING', 'DONE', 'REJECTED'] }) status!: RegistryImportStatus;
  @ApiProperty() rowCount!: number;
  @ApiPropertyOptional({ nullable: true, description: 'counts and row errors once finished' }) outcome!: ImportOutcome | null;
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional({ nullable: true }) finishedAt!: string | null;
}

function view(r: RegistryImport): RegistryImportView {
  return {
    id: r.id,
    status: r.status,
    rowCount: r.rowCount,
    outcome: r.outcome ? (JSON.parse(r.outcome) as ImportOutcome) : null,
    createdAt: r.createdAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}

/**
 * Small files are imported within the request; larger ones are stored and imported by the
 * worker, so a 50 000-row upload neither times out nor holds a request open.
 */
@Injectable()
export class InstitutionImportService {
  constructor(
    private readonly imports: RegistryImportRepository,
    private readonly institutions: InstitutionService,
    private readonly jobs: JobProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `countyId`: the caller's county; every row must belong to it. */
  async submit(
    content: Buffer,
    onError: 'reject' | 'skip',
    countyId: number,
  ): Promise<{ outcome: ImportOutcome & { id: string } } | { queued: RegistryImportView }> {
    const table = await readTable(content, undefined, this.config.uploads);
    const record = (status: RegistryImportStatus) => ({
      id: randomUUID(),
      status,
      onError,
      fileSha256: createHash('sha256').update(content).digest('hex'),
      content,
      rowCount: table.rows.length,
      countyId,
      submittedBy: currentContext().actor,
      requestId: currentContext().requestId,
    });
    if (table.rows.length <= this.config.registry.importSyncMaxRows) {
      const { rows, errors } = parseInstitutionTable(table);
      const outcome = await this.institutions.import(rows, onError, errors, countyId);
      // Kept like a queued import, so GET /institutions/imports/{id} shows it; a refused file writes nothing.
      const done = record('DONE');
      await this.imports.insertFinished(done, JSON.stringify(outcome));
      return { outcome: { id: done.id, ...outcome } };
    }
    const queued = record('QUEUED');
    const id = queued.id;
    await this.imports.insert(queued);
    await this.jobs.enqueue('registry.import-institutions', { importId: id });
    return { queued: await this.get(id) };
  }

  async get(id: string): Promise<RegistryImportView> {
    const found = await this.imports.find(id);
    if (!found) throw notFound('import', id);
    return view(found);
  }

  /** Safe to run twice: a finished import is left alone, and re-importing the same rows changes nothing. */
  @JobHandler('registry.import-institutions')
  async run({ importId }: JobPayloads['registry.import-institutions']): Promise<RegistryImportStatus> {
    const record = await this.imports.findWithContent(importId);
    if (!record) throw new Error(`import ${importId} not found`);
    if (record.status === 'DONE' || record.status === 'REJECTED') return record.status;
    await this.imports.markRunning(importId);
    let status: RegistryImportStatus;
    let outcome: ImportOutcome;
    try {
      const { rows, errors } = parseInstitutionTable(await readTable(record.content, undefined, this.config.uploads));
      outcome = await this.institutions.import(rows, record.onError, errors, record.countyId ?? undefined);
      status = 'DONE';
    } catch (err) {
      if (!(err instanceof DomainError)) throw err; // infrastructure trouble: let BullMQ retry
      outcome = { created: 0, updated: 0, unchanged: 0, rejected: new Set(err.details.map((d) => d.row)).size, errors: err.details };
      status = 'REJECTED';
    }
    await this.imports.finish(importId, status, JSON.stringify(outcome));
    return status;
  }
}
