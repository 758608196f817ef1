import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { INSTITUTION_LEVELS, INSTITUTION_TYPES, InstitutionLevel, InstitutionType } from '../../domain/institution-registry';
import { Institution } from './institution.entity';
import { Prefecture, Province } from './region.entity';

export class ProvinceView {
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ type: 'string', nullable: true }) regionCode!: string | null;
  @ApiProperty({ type: [String], description: 'codes of its prefectures' }) prefectureCodes!: string[];
  @ApiProperty() active!: boolean;
  @ApiProperty() version!: number;
}

export class PrefectureView {
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ type: 'string', nullable: true }) regionCode!: string | null;
  @ApiProperty() provinceCode!: string;
  @ApiProperty({ type: [String], description: 'codes of its counties' }) countyCodes!: string[];
  @ApiProperty() active!: boolean;
  @ApiProperty() version!: number;
}

export class RegionalInstitutionView {
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: INSTITUTION_TYPES }) type!: InstitutionType;
  @ApiProperty({ enum: INSTITUTION_LEVELS }) level!: InstitutionLevel;
  @ApiProperty({ description: 'the prefecture or province it sits at' }) regionCode!: string;
  @ApiProperty() active!: boolean;
  @ApiProperty() version!: number;
}

export function provinceView(p: Province, prefectureCodes: string[]): ProvinceView {
  return { code: p.code, name: p.name, regionCode: p.regionCode, prefectureCodes, active: p.active, version: p.version };
}

export function prefectureView(p: Prefecture, provinceCode: string, countyCodes: string[]): PrefectureView {
  return { code: p.code, name: p.name, regionCode: p.regionCode, provinceCode, countyCodes, active: p.active, version: p.version };
}

export function regionalInstitutionView(i: Institution, level: InstitutionLevel, regionCode: string): RegionalInstitutionView {
  return { code: i.code, name: i.name, type: i.type, level, regionCode, active: i.active, version: i.version };
}
