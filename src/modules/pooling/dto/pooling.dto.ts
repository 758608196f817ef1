import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { INSTITUTION_CODE_PATTERN } from '../../../domain/institution-registry';
import { PageQuery } from '../../../common/pagination';

export const AMOUNT = /^\d{1,16}(\.\d{1,2})?$/;
const AMOUNT_MESSAGE = '$property must be a non-negative amount in yuan as a string with at most two decimals, e.g. "830.00"';
const RATE = /^(0(\.\d{1,6})?|1(\.0{1,6})?)$/;
const RATE_MESSAGE = '$property must be a decimal share from 0 to 1 with at most six decimals, e.g. "0.30"';
const CODE_MESSAGE = '$property must be a registry code';

/** The county fund's year as its books hold it (分县核算), entered by the county bureau. */
export class FundResultDto {
  @ApiPropertyOptional({
    example: '200000000.00',
    description: 'F 当年统筹基金筹资总额; default: F of the county’s approved allocation of the year',
  })
  @IsOptional()
  @Matches(AMOUNT, { message: AMOUNT_MESSAGE })
  raisedTotal?: string;

  @ApiProperty({ example: '190000000.00', description: '当期基金收入' })
  @Matches(AMOUNT, { message: AMOUNT_MESSAGE })
  income!: string;

  @ApiProperty({ example: '200000000.00', description: '当期基金支出' })
  @Matches(AMOUNT, { message: AMOUNT_MESSAGE })
  expenditure!: string;

  @ApiProperty({ example: '50000000.00', description: '年初累计结余 (分县核算)' })
  @Matches(AMOUNT, { message: AMOUNT_MESSAGE })
  openingBalance!: string;

  @ApiPropertyOptional({
    example: '0.00',
    description: '过渡期: the base-year fiscal subsidy standard above the city’s, which the county covers first',
  })
  @IsOptional()
  @Matches(AMOUNT, { message: AMOUNT_MESSAGE })
  transitionSubsidyDifference?: string;

  @ApiPropertyOptional({ description: 'the version replaced (required once the year has figures)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

/** The city's terms for a year (SPEC §12.1); every rate left out keeps its current (or default) value. */
export class PoolingTermsDto {
  @ApiPropertyOptional({ example: '0.30' }) @IsOptional() @Matches(RATE, { message: RATE_MESSAGE }) cityShare?: string;
  @ApiPropertyOptional({ example: '0.20' }) @IsOptional() @Matches(RATE, { message: RATE_MESSAGE }) cityFinanceShare?: string;
  @ApiPropertyOptional({ example: '0.01' }) @IsOptional() @Matches(RATE, { message: RATE_MESSAGE }) cityFinanceCapRate?: string;
  @ApiPropertyOptional({ example: '0.05' }) @IsOptional() @Matches(RATE, { message: RATE_MESSAGE }) priorGapCityShareCut?: string;
  @ApiPropertyOptional({ example: '0.5' }) @IsOptional() @Matches(RATE, { message: RATE_MESSAGE }) priorGapCityFinanceFactor?: string;
  @ApiPropertyOptional({ example: '0.05' }) @IsOptional() @Matches(RATE, { message: RATE_MESSAGE }) belowGoodCityShareCut?: string;
  @ApiPropertyOptional({ example: '0.30' }) @IsOptional() @Matches(RATE, { message: RATE_MESSAGE }) transitionSurplusToCounty?: string;
  @ApiPropertyOptional({ example: '1' }) @IsOptional() @Matches(RATE, { message: RATE_MESSAGE }) surplusToCounty?: string;

  @ApiPropertyOptional({ description: 'a year of the three-year transition (过渡期)' })
  @IsOptional()
  @IsBoolean()
  transitionYear?: boolean;

  @ApiPropertyOptional({ example: '2000000.00', description: '归集基金 balance at the start of the year' })
  @IsOptional()
  @Matches(AMOUNT, { message: AMOUNT_MESSAGE })
  pooledFundOpening?: string;

  @ApiPropertyOptional({ description: 'the version replaced (required once the year has terms)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

/** The prefecture bureau computes a county's sharing for a year. */
export class ComputeSharingDto {
  @ApiProperty({ example: 'WS' })
  @IsString()
  @Matches(INSTITUTION_CODE_PATTERN, { message: CODE_MESSAGE })
  countyCode!: string;

  @ApiProperty({ example: 2025 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  fundYear!: number;

  @ApiPropertyOptional({
    description: 'the county government’s assessment was below 优良 (a 5-point cut of the city share)',
    default: false,
  })
  @IsOptional()
  @IsBoolean()
  assessmentBelowGood?: boolean;
}

export class VersionOnlyDto {
  @ApiProperty({ description: 'version the action is based on (optimistic locking)' })
  @IsInt()
  @Min(1)
  version!: number;
}

export class FundYearQuery extends PageQuery {
  @ApiPropertyOptional({ example: 2025 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  fundYear?: number;
}

/** One region of the provincial adjustment fund (a prefecture of the province). */
export class FundRegionDto {
  @ApiProperty({ example: 'YN-DL' })
  @IsString()
  @Matches(INSTITUTION_CODE_PATTERN, { message: CODE_MESSAGE })
  regionCode!: string;

  @ApiProperty({ example: '1000000000.00', description: '当年基金收入' })
  @Matches(AMOUNT, { message: AMOUNT_MESSAGE })
  income!: string;

  @ApiProperty({ example: '500000', description: '参保人数' })
  @Matches(/^\d{1,12}$/, { message: '$property must be a whole number of people as a string' })
  insured!: string;

  @ApiProperty({ example: '0.95', description: '基金征收率' })
  @Matches(RATE, { message: RATE_MESSAGE })
  collectionRate!: string;

  @ApiProperty({ example: '90', description: '医改考核得分 (weighs the year-end second distribution)' })
  @Matches(/^\d{1,4}(\.\d{1,4})?$/, { message: '$property must be a score of zero or more as a string' })
  assessmentScore!: string;
}

/** The province bureau drafts the year's adjustment fund (SPEC §12.2). */
export class DraftProvincialFundDto {
  @ApiProperty({ example: 2025 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  fundYear!: number;

  @ApiPropertyOptional({ example: '0.20' }) @IsOptional() @Matches(RATE, { message: RATE_MESSAGE }) contributionRate?: string;
  @ApiPropertyOptional({ example: '0.09' }) @IsOptional() @Matches(RATE, { message: RATE_MESSAGE }) contributorCap?: string;
  @ApiPropertyOptional({ example: '0.20' }) @IsOptional() @Matches(RATE, { message: RATE_MESSAGE }) recipientCap?: string;
  @ApiPropertyOptional({ example: '0.05' }) @IsOptional() @Matches(RATE, { message: RATE_MESSAGE }) secondDistributionRate?: string;

  @ApiProperty({ type: [FundRegionDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => FundRegionDto)
  regions!: FundRegionDto[];

  @ApiPropertyOptional({ description: 'the version replaced (required to redraft)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}
