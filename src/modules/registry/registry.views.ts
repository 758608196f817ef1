import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { INSTITUTION_TYPES, InstitutionType, isPrimaryInstitution } from '../../domain/institution-registry';
import { County } from './county.entity';
import type { InstitutionListing } from './institution.repository';
import { MedicalCommunity } from './medical-community.entity';

export class CountyView {
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ nullable: true }) regionCode!: string | null;
  @ApiProperty() active!: boolean;
  @ApiProperty() version!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class CommunityView {
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty() countyCode!: string;
  @ApiProperty() active!: boolean;
  @ApiProperty() version!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class InstitutionView {
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: INSTITUTION_TYPES }) type!: InstitutionType;
  @ApiProperty({ description: 'township or village clinic (基层医疗机构); derived from type' }) primary!: boolean;
  @ApiProperty({ type: 'string', nullable: true, description: 'null for an institution of a prefecture or the province' })
  countyCode!: string | null;
  @ApiPropertyOptional({ nullable: true }) communityCode!: string | null;
  @ApiPropertyOptional({ nullable: true }) parentCode!: string | null;
  @ApiPropertyOptional({ type: 'string', nullable: true, description: 'the national medical-insurance code (fixmedins_code)' })
  nationalCode!: string | null;
  @ApiProperty() active!: boolean;
  @ApiProperty() version!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export function countyView(c: County): CountyView {
  return {
    code: c.code,
    name: c.name,
    regionCode: c.regionCode,
    active: c.active,
    version: c.version,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

/** Needs `county` loaded. */
export function communityView(m: MedicalCommunity): CommunityView {
  return {
    code: m.code,
    name: m.name,
    countyCode: m.county.code,
    active: m.active,
    version: m.version,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}

/** Needs `county`, `community` and `parent` loaded. */
export function institutionView(i: InstitutionListing): InstitutionView {
  return {
    code: i.code,
    name: i.name,
    type: i.type,
    primary: isPrimaryInstitution(i.type),
    countyCode: i.county?.code ?? null,
    communityCode: i.community?.code ?? null,
    parentCode: i.parent?.code ?? null,
    nationalCode: i.nationalCode ?? null,
    active: i.active,
    version: i.version,
    createdAt: i.createdAt.toISOString(),
    updatedAt: i.updatedAt.toISOString(),
  };
}

/** The audited snapshot of an institution: its business fields, no timestamps. */
export function institutionSnapshot(v: InstitutionView): Record<string, unknown> {
  return {
    code: v.code,
    name: v.name,
    type: v.type,
    countyCode: v.countyCode,
    communityCode: v.communityCode,
    parentCode: v.parentCode,
    nationalCode: v.nationalCode,
    active: v.active,
    version: v.version,
  };
}
