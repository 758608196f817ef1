import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { INSTITUTION_CODE_PATTERN, INSTITUTION_TYPES, InstitutionType } from '../../../domain/institution-registry';
import { PageQuery } from '../../../common/pagination';

const CODE_MESSAGE = '$property must be 2-32 upper-case letters, digits or hyphens, starting with a letter or digit';
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** Query-string booleans: "true"/"false" to true/false; anything else is left for @IsBoolean to refuse. */
export const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class CreateCountyDto {
  @ApiProperty({ example: 'WS' })
  @IsString()
  @Matches(INSTITUTION_CODE_PATTERN, { message: CODE_MESSAGE })
  code!: string;

  @ApiProperty({ example: '巍山县' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ example: '532927', description: '行政区划代码' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: '$property must be six digits' })
  regionCode?: string;
}

/** Every update names the version it was based on; a stale version is refused with 409. */
export class VersionedDto {
  @ApiProperty({ description: 'version the change is based on (optimistic locking)' })
  @IsInt()
  @Min(1)
  version!: number;
}

export class UpdateCountyDto extends VersionedDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @Matches(/^\d{6}$/, { message: '$property must be six digits' })
  regionCode?: string | null;
}

export class CreateCommunityDto {
  @ApiProperty({ example: 'WS-MC' })
  @IsString()
  @Matches(INSTITUTION_CODE_PATTERN, { message: CODE_MESSAGE })
  code!: string;

  @ApiProperty({ example: '巍山县医共体' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiProperty({ example: 'WS' })
  @IsString()
  @Matches(INSTITUTION_CODE_PATTERN, { message: CODE_MESSAGE })
  countyCode!: string;
}

export class UpdateCommunityDto extends VersionedDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;
}

export class CreateInstitutionDto {
  @ApiProperty({ example: 'WS-TC-01', description: 'stable business key, e.g. the 医保定点机构编码' })
  @IsString()
  @Matches(INSTITUTION_CODE_PATTERN, { message: CODE_MESSAGE })
  code!: string;

  @ApiProperty({ example: '南诏镇中心卫生院' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiProperty({ enum: INSTITUTION_TYPES })
  @IsIn(INSTITUTION_TYPES as unknown as string[])
  type!: InstitutionType;

  @ApiProperty({ example: 'WS' })
  @IsString()
  @Matches(INSTITUTION_CODE_PATTERN, { message: CODE_MESSAGE })
  countyCode!: string;

  @ApiPropertyOptional({ example: 'WS-MC', description: 'required for LEAD_HOSPITAL, COUNTY_HOSPITAL, TOWNSHIP_CENTER, VILLAGE_CLINIC' })
  @IsOptional()
  @IsString()
  @Matches(INSTITUTION_CODE_PATTERN, { message: CODE_MESSAGE })
  communityCode?: string;

  @ApiPropertyOptional({ example: 'WS-TC-01', description: 'the township of a VILLAGE_CLINIC; no other type has a parent' })
  @IsOptional()
  @IsString()
  @Matches(INSTITUTION_CODE_PATTERN, { message: CODE_MESSAGE })
  parentCode?: string;
  @ApiPropertyOptional({ example: 'H53292300101', description: 'the national medical-insurance code (定点医药机构编号, fixmedins_code)' })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9A-Za-z]{1,32}$/, { message: 'nationalCode is 1-32 letters or digits' })
  nationalCode?: string;
}

/** Code, type and county are fixed for life; name, community and a village's township may change. */
export class UpdateInstitutionDto extends VersionedDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(INSTITUTION_CODE_PATTERN, { message: CODE_MESSAGE })
  communityCode?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(INSTITUTION_CODE_PATTERN, { message: CODE_MESSAGE })
  parentCode?: string;
  @ApiPropertyOptional({ example: 'H53292300101', description: 'the national medical-insurance code (定点医药机构编号, fixmedins_code)' })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9A-Za-z]{1,32}$/, { message: 'nationalCode is 1-32 letters or digits' })
  nationalCode?: string;
}

export class DeactivateDto extends VersionedDto {}

export class CountyQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  active?: boolean;
}

export class CommunityQuery extends CountyQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(32)
  countyCode?: string;
}

export class InstitutionQuery extends CommunityQuery {
  @ApiPropertyOptional({ enum: INSTITUTION_TYPES })
  @IsOptional()
  @IsIn(INSTITUTION_TYPES as unknown as string[])
  type?: InstitutionType;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(32)
  communityCode?: string;

  @ApiPropertyOptional({ description: 'village clinics of this township' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  parentCode?: string;

  @ApiPropertyOptional({ description: 'townships and village clinics only (true) or none of them (false)' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  primary?: boolean;

  @ApiPropertyOptional({ description: 'code or name contains' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}

export class ImportQuery {
  @ApiPropertyOptional({
    enum: ['reject', 'skip'],
    default: 'reject',
    description: 'reject: any bad row rejects the whole file; skip: store the good rows only',
  })
  @IsOptional()
  @IsIn(['reject', 'skip'])
  onError: 'reject' | 'skip' = 'reject';
}
