import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  MEMBER_CLAIM_STATES,
  DECLARATION_STATES,
  HOLD_STATES,
  HoldState,
  PrivatePaymentState,
  PASS_DOWN_STATES,
  PRIVATE_PAYMENT_STATES,
  REVIEW_REASON_CODES,
  ReviewReasonCode,
} from '../../../domain/claim-cycle';
import { VersionedDto } from '../../registry';
import { PageQuery } from '../../../common/pagination';

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const RECORD_ID = /^[1-9]\d{0,19}$/;
const MAX_DECISIONS = 10_000;

export class PeriodDto {
  @ApiProperty({ example: '2026-10', description: 'claim period YYYY-MM' })
  @Matches(PERIOD, { message: 'period must be YYYY-MM' })
  period!: string;
}

/** Ends pre-review; records still PENDING are accepted only when the request says so. */
export class CompleteReviewDto extends VersionedDto {
  @ApiPropertyOptional({
    description: 'true: accept the records still PENDING; absent or false: pending records refuse the request (409 naming the count)',
  })
  @IsOptional()
  @IsBoolean()
  acceptPending?: boolean;
}

export class ClaimQuery extends PageQuery {
  @ApiPropertyOptional({ example: '2026-10' })
  @IsOptional()
  @Matches(PERIOD, { message: 'period must be YYYY-MM' })
  period?: string;

  @ApiPropertyOptional({ enum: MEMBER_CLAIM_STATES })
  @IsOptional()
  @IsIn(MEMBER_CLAIM_STATES)
  state?: string;
}

export class DeclarationQuery extends PageQuery {
  @ApiPropertyOptional({ example: '2026-10' })
  @IsOptional()
  @Matches(PERIOD, { message: 'period must be YYYY-MM' })
  period?: string;

  @ApiPropertyOptional({ enum: DECLARATION_STATES })
  @IsOptional()
  @IsIn(DECLARATION_STATES)
  state?: string;
}

export class PassDownQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  declarationId?: number;

  @ApiPropertyOptional({ enum: PASS_DOWN_STATES })
  @IsOptional()
  @IsIn(PASS_DOWN_STATES)
  state?: string;
}

export class RecordQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['PENDING', 'ACCEPTED', 'REJECTED'] })
  @IsOptional()
  @IsIn(['PENDING', 'ACCEPTED', 'REJECTED'])
  reviewStatus?: string;

  @ApiPropertyOptional({ example: 'MJ-202601-0007', description: 'the record the unit numbered so (its settlement number)' })
  @IsOptional()
  @Matches(/^[\x21-\x7E]{1,64}$/, { message: 'externalId must be 1-64 printable ASCII characters' })
  externalId?: string;
}

export class RecordDecisionDto {
  @ApiProperty({ example: '1042', description: 'settlement record id (as listed under the claim)' })
  @IsString()
  @Matches(RECORD_ID, { message: 'recordId must be a record id' })
  recordId!: string;

  @ApiProperty({ enum: ['ACCEPT', 'REJECT'] })
  @IsIn(['ACCEPT', 'REJECT'])
  decision!: 'ACCEPT' | 'REJECT';

  @ApiPropertyOptional({ enum: REVIEW_REASON_CODES, description: 'required to reject' })
  @ValidateIf((o: RecordDecisionDto) => o.decision === 'REJECT')
  @IsIn(REVIEW_REASON_CODES)
  reason?: ReviewReasonCode;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class ReviewRecordsDto {
  @ApiProperty({ type: [RecordDecisionDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_DECISIONS)
  @ValidateNested({ each: true })
  @Type(() => RecordDecisionDto)
  decisions!: RecordDecisionDto[];
}

export class DeductionDto {
  @ApiProperty({ example: '1042' })
  @IsString()
  @Matches(RECORD_ID, { message: 'recordId must be a record id' })
  recordId!: string;

  @ApiProperty({ enum: REVIEW_REASON_CODES, nullable: true, description: 'null withdraws an earlier deduction' })
  @ValidateIf((o: DeductionDto) => o.reason !== null)
  @IsIn(REVIEW_REASON_CODES)
  reason!: ReviewReasonCode | null;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class DeductionsDto {
  @ApiProperty({ type: [DeductionDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_DECISIONS)
  @ValidateNested({ each: true })
  @Type(() => DeductionDto)
  deductions!: DeductionDto[];
}

export class ReturnDto extends VersionedDto {
  @ApiProperty({ maxLength: 500, description: 'why the declaration goes back to the clerk' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  note!: string;
}

export class DisbursementDto extends VersionedDto {
  @ApiProperty({ example: '2026-11-20', description: 'date the money left the bureau (not in the future)' })
  @Matches(DATE, { message: 'disbursedOn must be YYYY-MM-DD' })
  disbursedOn!: string;

  @ApiProperty({ example: 'BK-2026-11-0042', description: 'payment reference (bank voucher)' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  reference!: string;
}

export class PaymentDto extends VersionedDto {
  @ApiProperty({ example: '2026-11-24', description: 'date the money was paid down (not in the future)' })
  @Matches(DATE, { message: 'paidOn must be YYYY-MM-DD' })
  paidOn!: string;
}

export class HoldDto {
  @ApiProperty({ maxLength: 500, description: 'why funding is suspended (e.g. the review committee’s rectification not done in time)' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason!: string;
}

export class LiftHoldDto extends VersionedDto {
  @ApiProperty({ maxLength: 500 })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  note!: string;
}

export class QuarterlyAdvanceDto {
  @ApiProperty({ example: 2026 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  fundYear!: number;

  @ApiProperty({ example: 4 })
  @IsInt()
  @Min(1)
  @Max(4)
  quarter!: number;

  @ApiProperty({ example: '2026-10-09' })
  @Matches(DATE, { message: 'paidOn must be YYYY-MM-DD' })
  paidOn!: string;
}

export class PrivateBudgetDto {
  @ApiProperty({ example: 'WS-PRV-01' })
  @IsString()
  @MinLength(1)
  @MaxLength(32)
  institutionCode!: string;

  @ApiProperty({ example: '1200000.00', description: 'annual budget in yuan, as text' })
  @IsString()
  @Matches(/^\d{1,16}(\.\d{1,2})?$/, { message: 'amount must be a non-negative amount in yuan with at most two decimals' })
  amount!: string;
}

export class PrivateBudgetsDto {
  @ApiProperty({ type: [PrivateBudgetDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => PrivateBudgetDto)
  budgets!: PrivateBudgetDto[];
}

export class PrivatePaymentQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  fundYear?: number;

  @ApiPropertyOptional({ enum: PRIVATE_PAYMENT_STATES })
  @IsOptional()
  @IsIn(PRIVATE_PAYMENT_STATES)
  state?: PrivatePaymentState;
}

export class HoldQuery extends PageQuery {
  @ApiPropertyOptional({ enum: HOLD_STATES })
  @IsOptional()
  @IsIn(HOLD_STATES)
  state?: HoldState;
}

export class ReturnReasonDto {
  @ApiProperty({ enum: REVIEW_REASON_CODES })
  @IsIn(REVIEW_REASON_CODES)
  reason!: ReviewReasonCode;

  @ApiPropertyOptional({ maxLength: 500, description: 'required for OTHER' })
  @ValidateIf((o: ReturnReasonDto) => o.reason === 'OTHER' || o.note !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  note?: string;

  @ApiPropertyOptional({ example: '1042', description: 'the record the reason concerns, if one' })
  @IsOptional()
  @IsString()
  @Matches(RECORD_ID, { message: 'recordId must be a record id' })
  recordId?: string;
}

/** 退回补正: the claim goes back to its unit with at least one reason. */
export class ReturnForCorrectionDto extends VersionedDto {
  @ApiProperty({ type: [ReturnReasonDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => ReturnReasonDto)
  reasons!: ReturnReasonDto[];
}

/** Records the unit withdraws from its returned claim (kept as they were, then removed). */
export class WithdrawRecordsDto {
  @ApiProperty({ type: [String], example: ['1042'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_DECISIONS)
  @Matches(RECORD_ID, { each: true, message: 'recordIds must be record ids' })
  recordIds!: string[];
}

/** A sample to draw (抽样): a seed (drawn at random when absent, and recorded), and a share or a count. */
export class DrawSampleDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 4294967295, description: 'the same seed over the same records draws the same sample' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(4294967295)
  seed?: number;

  @ApiPropertyOptional({ example: '0.10', description: 'share of the records, above 0 and at most 1 (or give count)' })
  @ValidateIf((o: DrawSampleDto) => o.count === undefined)
  @IsString()
  @Matches(/^(0(\.\d{1,4})?|1(\.0{1,4})?)$/, { message: 'share must be a decimal from 0 to 1 with at most 4 places' })
  share?: string;

  @ApiPropertyOptional({ example: 20, description: 'number of records (or give share)' })
  @ValidateIf((o: DrawSampleDto) => o.share === undefined)
  @IsInt()
  @Min(1)
  @Max(100000)
  count?: number;
}

/** The unit's answer to its statement: confirmed (对账确认) or disputed (with the dispute filed for it). */
export class StatementResponseDto {
  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;

  @ApiPropertyOptional({ description: 'the dispute (争议) filed about the statement, subject DEDUCTION; required to dispute' })
  @IsOptional()
  @IsInt()
  @Min(1)
  disputeId?: number;
}
