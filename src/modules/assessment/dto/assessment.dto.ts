import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { RATE_TEXT, WEIGHT_TEXT } from '../../../domain/performance-assessment';
import { VersionedDto } from '../../registry';
import { PageQuery } from '../../../common/pagination';
import { FUND_ANALYSIS_STATES, FundAnalysisState } from '../../../domain/fund-analysis';

const WEIGHT_MESSAGE = '$property must be points from 0 to 100 as text with at most two decimals, e.g. "20.00"';
const SHARE_MESSAGE = '$property must be a share from 0 to 1 as text with at most four decimals, e.g. "0.90"';
const MAX_COUNT = 999_999_999;
const NARRATIVE_LENGTH = 5000;

/** Points per indicator; the seven together must sum to exactly 100 (checked after merging with the saved ones). */
export class AssessmentWeightsDto {
  @ApiPropertyOptional({ example: '20.00', description: '县域内住院率' })
  @IsOptional()
  @IsString()
  @Matches(WEIGHT_TEXT, { message: WEIGHT_MESSAGE })
  inCountyInpatientRate?: string;
  @ApiPropertyOptional({ example: '15.00', description: '县外住院人次' })
  @IsOptional()
  @IsString()
  @Matches(WEIGHT_TEXT, { message: WEIGHT_MESSAGE })
  outOfCountyInpatientCount?: string;
  @ApiPropertyOptional({ example: '10.00', description: '乡镇外住院人次' })
  @IsOptional()
  @IsString()
  @Matches(WEIGHT_TEXT, { message: WEIGHT_MESSAGE })
  outsideTownshipInpatientCount?: string;
  @ApiPropertyOptional({ example: '15.00', description: '住院实际补偿比' })
  @IsOptional()
  @IsString()
  @Matches(WEIGHT_TEXT, { message: WEIGHT_MESSAGE })
  inpatientCompensationRatio?: string;
  @ApiPropertyOptional({ example: '10.00', description: '临床路径执行率' })
  @IsOptional()
  @IsString()
  @Matches(WEIGHT_TEXT, { message: WEIGHT_MESSAGE })
  clinicalPathwayRate?: string;
  @ApiPropertyOptional({ example: '10.00', description: '县外转诊率' })
  @IsOptional()
  @IsString()
  @Matches(WEIGHT_TEXT, { message: WEIGHT_MESSAGE })
  outOfCountyReferralRate?: string;
  @ApiPropertyOptional({ example: '20.00', description: '基层医疗机构基金占比' })
  @IsOptional()
  @IsString()
  @Matches(WEIGHT_TEXT, { message: WEIGHT_MESSAGE })
  primaryShare?: string;
}

export class AssessmentTargetsDto {
  @ApiPropertyOptional({ example: '0.90', description: 'SPEC §8: at least 90%' })
  @IsOptional()
  @IsString()
  @Matches(RATE_TEXT, { message: SHARE_MESSAGE })
  inCountyInpatientRate?: string;
  @ApiPropertyOptional({ example: '0.50' })
  @IsOptional()
  @IsString()
  @Matches(RATE_TEXT, { message: SHARE_MESSAGE })
  clinicalPathwayRate?: string;
  @ApiPropertyOptional({ example: '1.00' })
  @IsOptional()
  @IsString()
  @Matches(RATE_TEXT, { message: SHARE_MESSAGE })
  outOfCountyReferralRate?: string;
}

export class AssessmentSchemeDto {
  @ApiProperty({ description: 'current version (0 before the first save of the year)' })
  @IsInt()
  @Min(0)
  version!: number;

  @ApiPropertyOptional({ type: AssessmentWeightsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AssessmentWeightsDto)
  weights?: AssessmentWeightsDto;

  @ApiPropertyOptional({ type: AssessmentTargetsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AssessmentTargetsDto)
  targets?: AssessmentTargetsDto;
}

/** Values the bureau enters for a community and year; null clears an entry, a field left out is kept. */
export class EnteredValuesDto {
  @ApiProperty({ description: 'current version (0 before the first save)' })
  @IsInt()
  @Min(0)
  version!: number;

  @ApiPropertyOptional({ example: '0.6500', nullable: true, description: '州平均住院实际补偿比: the target of the compensation ratio' })
  @IsOptional()
  @IsString()
  @Matches(RATE_TEXT, { message: SHARE_MESSAGE })
  prefectureCompensationRatio?: string | null;

  @ApiPropertyOptional({ example: 1200, nullable: true, description: 'in-county admissions, replacing the count of inpatient records' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  inCountyInpatientCount?: number | null;

  @ApiPropertyOptional({
    example: 85,
    nullable: true,
    description: 'out-of-county admissions, replacing the count of out-of-county settlements',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  outOfCountyInpatientCount?: number | null;

  @ApiPropertyOptional({
    example: 140,
    nullable: true,
    description: 'admissions outside the insured township, replacing the count from records',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_COUNT)
  outsideTownshipInpatientCount?: number | null;
}

export class DraftFundAnalysisDto {
  @ApiProperty({ example: 2026 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  fundYear!: number;

  @ApiProperty({ example: 3, minimum: 1, maximum: 4 })
  @IsInt()
  @Min(1)
  @Max(4)
  quarter!: number;
}

export class FundAnalysisQuery extends PageQuery {
  @ApiPropertyOptional({ example: 2026 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  fundYear?: number;

  @ApiPropertyOptional({ enum: FUND_ANALYSIS_STATES })
  @IsOptional()
  @IsIn(FUND_ANALYSIS_STATES)
  state?: FundAnalysisState;
}

/** The lead unit's commentary; null or "" clears a field, a field left out is kept. */
export class FundAnalysisNarrativeDto extends VersionedDto {
  @ApiPropertyOptional({ maxLength: NARRATIVE_LENGTH, nullable: true, description: '总体情况 (required before submitting)' })
  @IsOptional()
  @IsString()
  @MaxLength(NARRATIVE_LENGTH)
  summary?: string | null;

  @ApiPropertyOptional({ maxLength: NARRATIVE_LENGTH, nullable: true, description: '存在的风险和问题' })
  @IsOptional()
  @IsString()
  @MaxLength(NARRATIVE_LENGTH)
  risks?: string | null;

  @ApiPropertyOptional({ maxLength: NARRATIVE_LENGTH, nullable: true, description: '下一步措施' })
  @IsOptional()
  @IsString()
  @MaxLength(NARRATIVE_LENGTH)
  measures?: string | null;
}
