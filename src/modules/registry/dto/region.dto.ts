import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { INSTITUTION_CODE_PATTERN, INSTITUTION_TYPES, InstitutionType } from '../../../domain/institution-registry';

const CODE_MESSAGE = '$property must be 2-32 upper-case letters, digits or hyphens, starting with a letter or digit';
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** A province or a prefecture: code, name, 行政区划代码. */
export class CreateRegionDto {
  @ApiProperty({ example: 'YN-DL' })
  @IsString()
  @Matches(INSTITUTION_CODE_PATTERN, { message: CODE_MESSAGE })
  code!: string;

  @ApiProperty({ example: '大理白族自治州' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ example: '532900', description: '行政区划代码' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: '$property must be six digits' })
  regionCode?: string;
}

/** A prefecture of the province. */
export class CreatePrefectureDto extends CreateRegionDto {
  @ApiProperty({ example: 'YN', description: 'the province it belongs to' })
  @IsString()
  @Matches(INSTITUTION_CODE_PATTERN, { message: CODE_MESSAGE })
  provinceCode!: string;
}

/** Places an existing county in the prefecture. */
export class PlaceCountyDto {
  @ApiProperty({ example: 'WS' })
  @IsString()
  @Matches(INSTITUTION_CODE_PATTERN, { message: CODE_MESSAGE })
  countyCode!: string;
}

/** An institution of a prefecture or the province: its bureau (医保局) or its finance bureau (财政局). */
export class CreateRegionalInstitutionDto {
  @ApiProperty({ example: 'YN-DL-YBJ' })
  @IsString()
  @Matches(INSTITUTION_CODE_PATTERN, { message: CODE_MESSAGE })
  code!: string;

  @ApiProperty({ example: '州医疗保障局' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiProperty({
    enum: INSTITUTION_TYPES,
    description: 'PREFECTURE_BUREAU or FINANCE_BUREAU at a prefecture; PROVINCE_BUREAU or FINANCE_BUREAU at the province',
  })
  @IsIn(INSTITUTION_TYPES)
  type!: InstitutionType;
}
