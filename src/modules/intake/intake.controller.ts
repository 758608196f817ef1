import { Controller, Get, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ApiErrorResponse } from '../../common/api-error.responses';
import { IntakeOutcomeResponse, UploadResponse } from './intake.responses';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SETTLEMENT_RECORD_FIELDS, SettlementRecordInput } from '../../domain/settlement-record';
import { requireFile } from '../../domain/settlement-intake';
import { isNationalLayout, nationalRowOf } from '../../domain/national-settlement';
import { InputValidationError } from '../../common/api-error';
import { Idempotent } from '../../common/idempotency.interceptor';
import { currentCaller } from '../../common/request-context';
import { singleUploadedFile } from '../../common/uploaded-file';
import { ImportQuery } from '../registry';
import { Access } from '../access';
import { IntakeOutcome, SettlementIntakeService } from './settlement-intake.service';
import { SettlementUploadService, UploadView } from './settlement-upload.service';

export const MAX_RECORDS_PER_REQUEST = 50_000;

/** The documented body of the bulk endpoint; `checkBatchEnvelope` enforces it (no deep copy of the records). */
export class SettlementBatchDto {
  @ApiProperty({
    description: `settlement records (fields: ${SETTLEMENT_RECORD_FIELDS.join(', ')}); amounts as strings in yuan`,
    type: 'array',
    items: { type: 'object' },
    minItems: 1,
    maxItems: MAX_RECORDS_PER_REQUEST,
  })
  records!: SettlementRecordInput[];

  @ApiPropertyOptional({
    enum: ['reject', 'skip'],
    default: 'reject',
    description: 'reject: one bad record rejects the batch; skip: store the good ones',
  })
  onError?: 'reject' | 'skip';
}

const CLAIMING_ROLES = ['MEMBER_CLERK', 'PRIVATE_CLERK'] as const;

function checkBatchEnvelope(body: unknown): SettlementBatchDto {
  const fail = (field: string, rule: string, message: string) => new InputValidationError([{ field, rule, message }]);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw fail('', 'object', 'the body must be {"records": [...]}');
  const { records, onError, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length)
    throw new InputValidationError(
      unknown.map((field) => ({ field, rule: 'unknownField', message: `property ${field} should not exist` })),
    );
  if (!Array.isArray(records) || records.length === 0) throw fail('records', 'isArray', 'records must be a non-empty array');
  if (records.length > MAX_RECORDS_PER_REQUEST)
    throw fail('records', 'arrayMaxSize', `at most ${MAX_RECORDS_PER_REQUEST} records per request`);
  if (onError !== undefined && onError !== 'reject' && onError !== 'skip') throw fail('onError', 'isIn', 'onError must be reject or skip');
  return { records: records as SettlementRecordInput[], onError };
}

@ApiTags('claims')
@ApiBearerAuth()
@Controller('settlement-records')
export class IntakeController {
  constructor(
    private readonly intake: SettlementIntakeService,
    private readonly uploads: SettlementUploadService,
  ) {}

  @Post()
  @Idempotent()
  @Access({ roles: CLAIMING_ROLES })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'same key and body → the first answer again; same key, other body → 409',
  })
  @ApiOperation({
    summary: 'Submit settlement records in bulk (tens of thousands per request); re-sent records are reported as duplicates',
  })
  @ApiBody({ type: SettlementBatchDto })
  async submit(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<IntakeOutcome> {
    // The envelope is checked here rather than by the global pipe, which would deep-copy tens
    // of thousands of records; each record is checked field by field by the policy code.
    const dto = checkBatchEnvelope(req.body);
    // Records in the national extract's layout are recognised by their field names (docs/national-format.md).
    const first = dto.records[0];
    const national = typeof first === 'object' && first !== null && !Array.isArray(first) && isNationalLayout(Object.keys(first));
    const outcome = national
      ? await this.intake.ingestNational(
          currentCaller(),
          dto.records.map((r) => nationalRowOf(typeof r === 'object' && r !== null ? (r as Record<string, unknown>) : {})),
          'json',
          dto.onError ?? 'reject',
        )
      : await this.intake.ingest(currentCaller(), dto.records, 'json', dto.onError ?? 'reject');
    void reply.status(outcome.stored > 0 ? 201 : 200);
    return outcome;
  }

  @Post('upload')
  @Access({ roles: CLAIMING_ROLES })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiOperation({
    summary:
      'Submit settlement records as CSV or XLSX (header row = field names); rows are reported by their line number; large files answer 202 and are processed by the worker',
  })
  @ApiOkResponse({ type: IntakeOutcomeResponse, description: 'nothing new stored (duplicates, or every row refused under onError=skip)' })
  @ApiCreatedResponse({ type: IntakeOutcomeResponse, description: 'records stored; under onError=skip `errors` names the refused rows' })
  @ApiAcceptedResponse({ type: UploadResponse, description: 'queued; poll the Location for progress and the per-row report' })
  @ApiUnprocessableEntityResponse({
    type: ApiErrorResponse,
    description: 'refused rows (onError=reject): `details` names row, field and rule',
  })
  async upload(
    @Req() req: FastifyRequest,
    @Query() q: ImportQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IntakeOutcome | UploadView> {
    const file = requireFile(await singleUploadedFile(req));
    const result = await this.uploads.submit(currentCaller(), file.content, q.onError, file.filename);
    if ('queued' in result) {
      void reply.status(202).header('location', `/api/v1/settlement-records/uploads/${result.queued.id}`);
      return result.queued;
    }
    void reply.status(result.outcome.stored > 0 ? 201 : 200);
    return result.outcome;
  }

  @Get('uploads/:id')
  @Access({ roles: [...CLAIMING_ROLES, 'LEAD_FINANCE', 'BUREAU_CLERK', 'AUDITOR'], target: { kind: 'intakeUpload', param: 'id' } })
  @ApiOperation({ summary: 'Progress and per-row report of a queued upload' })
  @ApiOkResponse({ type: UploadResponse })
  getUpload(@Param('id', new ParseUUIDPipe()) id: string): Promise<UploadView> {
    return this.uploads.get(id);
  }
}
