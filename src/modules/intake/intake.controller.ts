import { Controller, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/domain-error';
import { SETTLEMENT_RECORD_FIELDS, SettlementRecordInput } from '../../domain/settlement-record';
import { InputValidationError } from '../../common/api-error';
import { Idempotent } from '../../common/idempotency.interceptor';
import { currentCaller } from '../../common/request-context';
import { readTable } from '../../common/tabular-file';
import { ImportQuery } from '../registry/dto/registry.dto';
import { Access } from '../access/access.decorators';
import { IntakeOutcome, SettlementIntakeService } from './settlement-intake.service';

export const MAX_RECORDS_PER_REQUEST = 50_000;

export class SettlementBatchDto {
  @ApiProperty({ description: `settlement records (fields: ${SETTLEMENT_RECORD_FIELDS.join(', ')}); amounts as strings in yuan`, type: 'array', items: { type: 'object' } })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(MAX_RECORDS_PER_REQUEST)
  records!: SettlementRecordInput[];

  @ApiPropertyOptional({ enum: ['reject', 'skip'], default: 'reject', description: 'reject: one bad record rejects the batch; skip: store the good ones' })
  @IsOptional() @IsIn(['reject', 'skip'])
  onError?: 'reject' | 'skip';
}

const CLAIMING_ROLES = ['MEMBER_CLERK', 'PRIVATE_CLERK'] as const;

function checkBatchEnvelope(body: unknown): SettlementBatchDto {
  const fail = (field: string, rule: string, message: string) => new InputValidationError([{ field, rule, message }]);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw fail('', 'object', 'the body must be {"records": [...]}');
  const { records, onError, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length) throw new InputValidationError(unknown.map((field) => ({ field, rule: 'unknownField', message: `property ${field} should not exist` })));
  if (!Array.isArray(records) || records.length === 0) throw fail('records', 'isArray', 'records must be a non-empty array');
  if (records.length > MAX_RECORDS_PER_REQUEST) throw fail('records', 'arrayMaxSize', `at most ${MAX_RECORDS_PER_REQUEST} records per request`);
  if (onError !== undefined && onError !== 'reject' && onError !== 'skip') throw fail('onError', 'isIn', 'onError must be reject or skip');
  return { records: records as SettlementRecordInput[], onError };
}

@ApiTags('claims')
@ApiBearerAuth()
@Controller('settlement-records')
export class IntakeController {
  constructor(private readonly intake: SettlementIntakeService) {}

  @Post()
  @Idempotent()
  @Access({ roles: CLAIMING_ROLES })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'same key and body → the first answer again; same key, other body → 409' })
  @ApiOperation({ summary: 'Submit settlement records in bulk (tens of thousands per request); re-sent records are reported as duplicates' })
  @ApiBody({ type: SettlementBatchDto })
  async submit(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<IntakeOutcome> {
    // The envelope is checked here rather than by the global pipe, which would deep-copy tens
    // of thousands of records; each record is checked field by field by the policy code.
    const dto = checkBatchEnvelope(req.body);
    const outcome = await this.intake.ingest(currentCaller(), dto.records, 'json', dto.onError ?? 'reject');
    void reply.status(outcome.stored > 0 ? 201 : 200);
    return outcome;
  }

  @Post('upload')
  @Access({ roles: CLAIMING_ROLES })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiOperation({ summary: 'Submit settlement records as CSV or XLSX (header row = field names); rows are reported by their line number' })
  async upload(@Req() req: FastifyRequest, @Query() q: ImportQuery, @Res({ passthrough: true }) reply: FastifyReply): Promise<IntakeOutcome> {
    const file = req.isMultipart() ? await req.file() : undefined;
    if (!file) throw new DomainError('FILE_REQUIRED', 'unprocessable', 'send the file as multipart/form-data in a field named "file"', [{ field: 'file', rule: 'required', message: 'no file' }]);
    const content = await file.toBuffer();
    const table = await readTable(content);
    const unknown = table.headers.filter((h) => !(SETTLEMENT_RECORD_FIELDS as readonly string[]).includes(h));
    if (unknown.length) {
      throw new DomainError('BATCH_REJECTED', 'unprocessable', `unknown columns: ${unknown.join(', ')}`, unknown.map((h) => ({ row: 1, field: h, rule: 'unknownColumn', message: `expected ${SETTLEMENT_RECORD_FIELDS.join(', ')}` })));
    }
    const records = table.rows.map((r) => Object.fromEntries(Object.entries(r.values).filter(([, v]) => v !== '')) as SettlementRecordInput);
    const source = content.subarray(0, 2).toString('latin1') === 'PK' ? 'xlsx' : 'csv';
    const outcome = await this.intake.ingest(currentCaller(), records, source, q.onError, (i) => table.rows[i].row);
    void reply.status(outcome.stored > 0 ? 201 : 200);
    return outcome;
  }
}
