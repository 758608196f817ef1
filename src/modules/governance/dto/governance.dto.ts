import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
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
import { CHAIN_STATUSES, ChainStatus } from '../../../domain/approval-chain';
import { DISPUTE_SUBJECTS, DisputeSubject } from '../../../domain/governance';
import { PageQuery } from '../../../common/pagination';
import { VersionedDto } from '../../registry';

const AMOUNT = /^\d{1,16}(\.\d{1,2})?$/;
const CODE = /^[A-Z0-9][A-Z0-9-]{1,31}$/;

export class AttachmentDto {
  @ApiProperty({ example: '疫情防控专项说明.pdf' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: 'WS-YBJ-2026-017', description: 'where the document is kept (a file number or document-system reference)' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  reference!: string;
}

/** Documents named by an application, an opinion or a rectification: at most 20, each checked. */
function Attachments(options: { optional?: boolean } = {}): PropertyDecorator {
  return applyDecorators(
    options.optional ? ApiPropertyOptional({ type: [AttachmentDto] }) : ApiProperty({ type: [AttachmentDto] }),
    ...(options.optional ? [IsOptional()] : []),
    IsArray(),
    ArrayMaxSize(20),
    ValidateNested({ each: true }),
    Type(() => AttachmentDto),
  );
}

export class ReserveUseTargetDto {
  @ApiProperty({ enum: ['PACKAGE_INCREASE', 'DIRECT_PAYMENT'] })
  @IsIn(['PACKAGE_INCREASE', 'DIRECT_PAYMENT'])
  kind!: 'PACKAGE_INCREASE' | 'DIRECT_PAYMENT';

  @ApiPropertyOptional({ example: 'WS-MC', description: 'the community whose package M rises (PACKAGE_INCREASE)' })
  @ValidateIf((t: ReserveUseTargetDto) => t.kind === 'PACKAGE_INCREASE')
  @Matches(CODE, { message: 'communityCode must be a community code' })
  communityCode?: string;

  @ApiPropertyOptional({ example: '重大疫情救治费用', description: 'the named risk paid directly (DIRECT_PAYMENT)' })
  @ValidateIf((t: ReserveUseTargetDto) => t.kind === 'DIRECT_PAYMENT')
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  risk?: string;
}

export class ReserveUseApplicationDto {
  @ApiProperty({ example: 2026 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  fundYear!: number;

  @ApiProperty({ example: '医共体打包资金不足，申请调剂金补充' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  purpose!: string;

  @ApiProperty({ example: '3000000.00', description: 'yuan, as text' })
  @Matches(AMOUNT, { message: 'amount must be a positive amount in yuan with at most two decimals' })
  amount!: string;

  @ApiProperty({ type: ReserveUseTargetDto })
  @ValidateNested()
  @Type(() => ReserveUseTargetDto)
  target!: ReserveUseTargetDto;

  @ApiProperty({ example: '第三季度住院人次较上年同期增长 18%，基金支出进度超过 110%' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason!: string;

  @Attachments({ optional: true })
  attachments?: AttachmentDto[];
}

/** An approving body's act on its step: approve, or return/reject with a comment saying why. */
export class StepActionDto extends VersionedDto {
  @ApiProperty({ example: 'financeAgrees', description: 'the open step acted on (the view lists them)' })
  @Matches(/^[a-zA-Z]{1,64}$/, { message: 'step must be a step key' })
  step!: string;

  @ApiPropertyOptional({ description: 'required for a return or a rejection' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;
}

export class ReserveUseQuery extends PageQuery {
  @ApiPropertyOptional({ example: 2026 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  fundYear?: number;

  @ApiPropertyOptional({ enum: CHAIN_STATUSES })
  @IsOptional()
  @IsIn(CHAIN_STATUSES as unknown as string[])
  status?: ChainStatus;
}

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export class DisputeFilingDto {
  @ApiProperty({ enum: DISPUTE_SUBJECTS, description: 'what the dispute is about' })
  @IsIn(DISPUTE_SUBJECTS as unknown as string[])
  subjectType!: DisputeSubject;

  @ApiProperty({ example: 'declaration 12, record MJ-202601-0008', description: 'which document or line' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  subjectRef!: string;

  @ApiProperty({ example: '该笔门诊费用符合诊疗规范，不应拒付' })
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  description!: string;

  @Attachments({ optional: true })
  attachments?: AttachmentDto[];
}

export class CommentDto extends VersionedDto {
  @ApiPropertyOptional({ description: 'required to ask for documents, dismiss or reopen' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;
}

export class OpinionDto extends VersionedDto {
  @ApiProperty({ example: '经评审，该院存在分解住院问题，应予整改' })
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  findings!: string;

  @ApiProperty({ example: 'WS-TC-02', description: 'the member unit that must rectify' })
  @Matches(CODE, { message: 'rectifyingUnitCode must be an institution code' })
  rectifyingUnitCode!: string;

  @ApiProperty({ example: '2026-03-31', description: 'the rectification deadline (after today)' })
  @Matches(DATE, { message: 'rectificationDeadline must be a date YYYY-MM-DD' })
  rectificationDeadline!: string;
}

export class RectificationDto extends VersionedDto {
  @ApiProperty({ example: '已完成自查，退回违规费用并修订入院标准' })
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  note!: string;

  @Attachments()
  evidence!: AttachmentDto[];
}

export class ReopenDto extends VersionedDto {
  @ApiProperty({ example: '整改不到位，请补充退款凭证' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  comment!: string;

  @ApiPropertyOptional({ example: '2026-04-30', description: 'a new rectification deadline (after today)' })
  @IsOptional()
  @Matches(DATE, { message: 'rectificationDeadline must be a date YYYY-MM-DD' })
  rectificationDeadline?: string;
}

export class DisputeQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CHAIN_STATUSES })
  @IsOptional()
  @IsIn(CHAIN_STATUSES as unknown as string[])
  status?: ChainStatus;
}

export class ReferralDto {
  @ApiProperty({ example: '532927195512300059', description: 'the insured person (kept only as a keyed hash and a mask)' })
  @Matches(/^[0-9A-Za-z]{6,32}$/, { message: 'insuredId must be 6-32 letters or digits' })
  insuredId!: string;

  @ApiProperty({ example: 'WS-RMYY', description: 'the member unit that refers the patient' })
  @Matches(CODE, { message: 'fromUnitCode must be an institution code' })
  fromUnitCode!: string;

  @ApiProperty({ example: '昆明医科大学第一附属医院' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  receivingHospital!: string;

  @ApiPropertyOptional({ example: 'C34.9', description: 'ICD-10' })
  @IsOptional()
  @Matches(/^[A-Z]\d{2}(\.[0-9A-Z]{1,4})?$/, { message: 'diagnosisCode must be an ICD-10 code such as C34.9' })
  diagnosisCode?: string;

  @ApiProperty({ example: '2026-10-01' })
  @Matches(DATE, { message: 'validFrom must be a date YYYY-MM-DD' })
  validFrom!: string;

  @ApiProperty({ example: '2026-12-31' })
  @Matches(DATE, { message: 'validTo must be a date YYYY-MM-DD' })
  validTo!: string;

  @ApiProperty({ example: '县内无法开展的介入治疗' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason!: string;
}

export class ReferralQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CHAIN_STATUSES })
  @IsOptional()
  @IsIn(CHAIN_STATUSES as unknown as string[])
  status?: ChainStatus;
}

export class ReferralReportQuery {
  @ApiProperty({ example: 2026 })
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  fundYear!: number;

  @ApiPropertyOptional({ example: '2026-10', description: 'one month of the year only' })
  @IsOptional()
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'period must be YYYY-MM' })
  period?: string;
}

export class SurplusPlanUnitDto {
  @ApiProperty({ example: 'WS-TC-01' })
  @Matches(CODE, { message: 'institutionCode must be an institution code' })
  institutionCode!: string;

  @ApiProperty({ example: '120000.00', description: 'yuan, at most two decimals, not negative' })
  @Matches(AMOUNT, { message: 'amount must be a non-negative amount in yuan with at most two decimals' })
  amount!: string;
}

export class SurplusPlanDto {
  @ApiProperty({ example: 2025 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  fundYear!: number;

  @ApiProperty({ example: '医共体理事会 2026 年第 1 次会议决议', description: 'the community council’s decision the plan records' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  councilDecision!: string;

  @ApiPropertyOptional({
    type: [SurplusPlanUnitDto],
    description: 'amount per member unit (units left out get nothing); omitted: the default proposal',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(2000)
  @ValidateNested({ each: true })
  @Type(() => SurplusPlanUnitDto)
  units?: SurplusPlanUnitDto[];
}

export class SurplusPlanEditDto extends VersionedDto {
  @ApiPropertyOptional({ example: '医共体理事会 2026 年第 2 次会议决议' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  councilDecision?: string;

  @ApiProperty({ type: [SurplusPlanUnitDto], description: 'amount per member unit (units left out get nothing)' })
  @IsArray()
  @ArrayMaxSize(2000)
  @ValidateNested({ each: true })
  @Type(() => SurplusPlanUnitDto)
  units!: SurplusPlanUnitDto[];
}

export class SurplusPlanQuery extends PageQuery {
  @ApiPropertyOptional({ example: 2025 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  fundYear?: number;

  @ApiPropertyOptional({ enum: CHAIN_STATUSES })
  @IsOptional()
  @IsIn(CHAIN_STATUSES as unknown as string[])
  status?: ChainStatus;
}
