import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
import { INSTITUTION_CODE_PATTERN } from '../../../domain/institution-registry';
import { PLAN_CATEGORIES, PlanCategory } from '../../../domain/primary-floor';
import { DOCUMENT_STATES, DocumentState } from '../../../domain/document-lifecycle';
import { PageQuery } from '../../../common/pagination';
import { VersionedDto } from '../../registry';

/** Amounts travel as decimal strings in yuan ("830.00"), never as JSON numbers. */
export const AMOUNT = /^\d{1,16}(\.\d{1,2})?$/;
const AMOUNT_MESSAGE = '$property must be a non-negative amount in yuan as a string with at most two decimals, e.g. "830.00"';
const COUNT = /^[1-9]\d{0,11}$/;

export class CommunityEnrolmentDto {
  @ApiProperty({ example: 'WS-MC' })
  @Matches(INSTITUTION_CODE_PATTERN, { message: '$property must be a community code' })
  communityCode!: string;

  @ApiProperty({ example: '312457', description: 'enrolled population, as a string of digits' })
  @Matches(COUNT, { message: '$property must be a positive whole number as a string' })
  enrolledPopulation!: string;
}

export class AllocationInputsDto {
  @ApiProperty({ example: '312457', description: 'N 当年筹资人数' })
  @Matches(COUNT, { message: '$property must be a positive whole number as a string' })
  insuredCount!: string;

  @ApiProperty({ example: '830.00', description: 'S 筹资标准 (individual + subsidy) per person' })
  @Matches(AMOUNT, { message: AMOUNT_MESSAGE })
  perCapitaStandard!: string;

  @ApiProperty({ example: '1234567.89', description: 'I 利息' })
  @Matches(AMOUNT, { message: AMOUNT_MESSAGE })
  interest!: string;

  @ApiProperty({ example: '65.00', description: 'c 个人当年大病医疗保险费 per person' })
  @Matches(AMOUNT, { message: AMOUNT_MESSAGE })
  criticalIllnessPremiumPerPerson!: string;

  @ApiProperty({ example: '2849300.00', description: 'Dfd 家庭医生签约服务费' })
  @Matches(AMOUNT, { message: AMOUNT_MESSAGE })
  familyDoctorFee!: string;

  @ApiProperty({ example: '1500000.00', description: 'P 当年因政策调整所需支出的资金' })
  @Matches(AMOUNT, { message: AMOUNT_MESSAGE })
  policyAdjustmentExpenditure!: string;

  @ApiPropertyOptional({ type: [CommunityEnrolmentDto], description: 'required when the county has more than one medical community' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => CommunityEnrolmentDto)
  communities?: CommunityEnrolmentDto[];
}

export class CreateAllocationDto extends AllocationInputsDto {
  @ApiProperty({ example: 'WS' })
  @Matches(INSTITUTION_CODE_PATTERN, { message: '$property must be a county code' })
  countyCode!: string;

  @ApiProperty({ example: 2021 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  fundYear!: number;
}

export class UpdateAllocationDto extends AllocationInputsDto {
  @ApiProperty()
  @IsInt()
  @Min(1)
  version!: number;
}

export class TransitionDto extends VersionedDto {
  @ApiPropertyOptional({ description: 'a comment kept in the audit trail' })
  @IsOptional()
  @IsString()
  @Matches(/^[\s\S]{0,500}$/)
  comment?: string;
}

export class AllocationQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(INSTITUTION_CODE_PATTERN)
  countyCode?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  fundYear?: number;

  @ApiPropertyOptional({ enum: DOCUMENT_STATES })
  @IsOptional()
  @IsIn(DOCUMENT_STATES)
  state?: DocumentState;
}

export class PolicyParametersDto {
  @ApiProperty({ description: 'current version (0 before the first save of the year)' })
  @IsInt()
  @Min(0)
  version!: number;

  @ApiPropertyOptional({ example: '0.15' }) @IsOptional() @IsString() adjustmentReserveRate?: string;
  @ApiPropertyOptional({ example: '0.765' }) @IsOptional() @IsString() communityBaseShareRate?: string;
  @ApiPropertyOptional({ example: '0.085' }) @IsOptional() @IsString() increasePoolRate?: string;
  @ApiPropertyOptional({ example: '0.15' }) @IsOptional() @IsString() privatePoolRate?: string;
  @ApiPropertyOptional({ example: '0.25' }) @IsOptional() @IsString() primaryFloorRate?: string;
  @ApiPropertyOptional({ example: '3' }) @IsOptional() @IsString() memberCutoffDay?: string;
  @ApiPropertyOptional({ example: '5' }) @IsOptional() @IsString() declarationDay?: string;
  @ApiPropertyOptional({ example: '5' }) @IsOptional() @IsString() passDownWorkingDays?: string;
  @ApiPropertyOptional({ example: '20' }) @IsOptional() @IsString() bureauPaymentWorkingDays?: string;
  @ApiPropertyOptional({ example: '0' }) @IsOptional() @IsString() qualityDepositRate?: string;
  @ApiPropertyOptional({ example: '0.05' }) @IsOptional() @IsString() privateQualityDepositRate?: string;
  @ApiPropertyOptional({ example: '0', description: 'share of M/4 advanced at each quarter start; 0 = monthly mode' })
  @IsOptional()
  @IsString()
  quarterlyAdvanceRate?: string;
  @ApiPropertyOptional({ example: '1.05' }) @IsOptional() @IsString() burnWatch?: string;
  @ApiPropertyOptional({ example: '1.10' }) @IsOptional() @IsString() burnWarning?: string;
  @ApiPropertyOptional({ example: '1.20' }) @IsOptional() @IsString() burnAlarm?: string;
  @ApiPropertyOptional({ example: '3' }) @IsOptional() @IsString() paymentCapacityWarningMonths?: string;
  @ApiPropertyOptional({
    example: '0',
    description:
      '1: a sample’s rejection rate is applied to the unsampled records of its claim as a deduction (外推扣款); 0 (default): shown only',
  })
  @IsOptional()
  @IsString()
  applySampleExtrapolation?: string;
}

export class PlanLineDto {
  @ApiProperty({ enum: PLAN_CATEGORIES })
  @IsIn(PLAN_CATEGORIES as unknown as string[])
  category!: PlanCategory;

  @ApiPropertyOptional({ description: 'member unit; omitted for OUT_OF_COUNTY' })
  @IsOptional()
  @Matches(INSTITUTION_CODE_PATTERN)
  institutionCode?: string;

  @ApiProperty({ example: '1000000.00' })
  @Matches(AMOUNT, { message: AMOUNT_MESSAGE })
  amount!: string;
}

export class CreateBudgetPlanDto {
  @ApiProperty({ example: 'WS-MC' })
  @Matches(INSTITUTION_CODE_PATTERN)
  communityCode!: string;

  @ApiProperty({ example: 2021 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  fundYear!: number;

  @ApiProperty({ type: [PlanLineDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(2000)
  @ValidateNested({ each: true })
  @Type(() => PlanLineDto)
  lines!: PlanLineDto[];
}

export class UpdateBudgetPlanDto {
  @ApiProperty({ description: 'version the change is based on (optimistic locking)' })
  @IsInt()
  @Min(1)
  version!: number;

  @ApiProperty({ type: [PlanLineDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(2000)
  @ValidateNested({ each: true })
  @Type(() => PlanLineDto)
  lines!: PlanLineDto[];
}

export class BudgetPlanQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(INSTITUTION_CODE_PATTERN)
  communityCode?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  fundYear?: number;

  @ApiPropertyOptional({ enum: DOCUMENT_STATES })
  @IsOptional()
  @IsIn(DOCUMENT_STATES)
  state?: DocumentState;
}
