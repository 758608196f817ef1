import { DomainError, ErrorDetail } from './domain-error';

/** Institution types of SPEC §1. */
export const INSTITUTION_TYPES = [
  'BUREAU', // 县医保局
  'LEAD_HOSPITAL', // 医共体牵头单位 (county people's hospital)
  'COUNTY_HOSPITAL', // 县级成员医院 (e.g. county TCM hospital), not primary
  'TOWNSHIP_CENTER', // 乡镇卫生院, primary
  'VILLAGE_CLINIC', // 村卫生室, primary, under one township
  'PRIVATE_DESIGNATED', // 民营定点医疗机构
  'FINANCE_BUREAU', // 财政局
  'PREFECTURE_BUREAU', // 州医保局 (市医保局): an approving body of a county's workflows, or the bureau of a prefecture
  'HEALTH_BUREAU', // 卫健局
  'COUNTY_GOVERNMENT', // 县政府
  'REVIEW_COMMITTEE', // 评审委员会
  'PROVINCE_BUREAU', // 省医保局: the bureau of the province
] as const;
export type InstitutionType = (typeof INSTITUTION_TYPES)[number];

/** Where an institution sits (SPEC §12): in a county, at a prefecture (市/州) or at the province. */
export const INSTITUTION_LEVELS = ['COUNTY', 'PREFECTURE', 'PROVINCE'] as const;
export type InstitutionLevel = (typeof INSTITUTION_LEVELS)[number];

/** The types that may sit at each level above the county; every type but PROVINCE_BUREAU sits in a county. */
export const LEVEL_TYPES: Record<InstitutionLevel, readonly InstitutionType[]> = {
  COUNTY: INSTITUTION_TYPES.filter((t) => t !== 'PROVINCE_BUREAU'),
  PREFECTURE: ['PREFECTURE_BUREAU', 'FINANCE_BUREAU'], // 市医保局, 市财政局
  PROVINCE: ['PROVINCE_BUREAU', 'FINANCE_BUREAU'], // 省医保局, 省财政局
};

/** A type placed at a level it cannot sit at (INSTITUTION_LEVEL_INVALID, 422 naming the field). */
export function assertTypeFitsLevel(type: InstitutionType, level: InstitutionLevel, field: string): void {
  if (!LEVEL_TYPES[level].includes(type)) {
    throw new DomainError('INSTITUTION_LEVEL_INVALID', 'unprocessable', `a ${type} cannot sit at the ${level.toLowerCase()} level`, [
      { field, rule: 'typeFitsLevel', message: `${level} takes ${LEVEL_TYPES[level].join(', ')}` },
    ]);
  }
}

/** Members of a medical community (成员单位): they claim through the lead unit. */
export const COMMUNITY_MEMBER_TYPES: readonly InstitutionType[] = ['LEAD_HOSPITAL', 'COUNTY_HOSPITAL', 'TOWNSHIP_CENTER', 'VILLAGE_CLINIC'];

/** Units that claim settlement records back (成员单位 claim through the lead; private hospitals directly). */
export const CLAIMING_TYPES: readonly InstitutionType[] = ['LEAD_HOSPITAL', 'COUNTY_HOSPITAL', 'TOWNSHIP_CENTER', 'PRIVATE_DESIGNATED'];

export function isInstitutionType(value: unknown): value is InstitutionType {
  return typeof value === 'string' && (INSTITUTION_TYPES as readonly string[]).includes(value);
}

/** Primary institutions (基层医疗机构): townships and villages; the primary-care floor counts their funds. */
export const PRIMARY_TYPES: readonly InstitutionType[] = ['TOWNSHIP_CENTER', 'VILLAGE_CLINIC'];

export function isPrimaryInstitution(type: InstitutionType): boolean {
  return PRIMARY_TYPES.includes(type);
}

export function isCommunityMember(type: InstitutionType): boolean {
  return COMMUNITY_MEMBER_TYPES.includes(type);
}

/** Business key: 2–32 upper-case letters, digits and hyphens, e.g. `WS-TC-01`. */
export const INSTITUTION_CODE_PATTERN = /^[A-Z0-9][A-Z0-9-]{1,31}$/;

/** What the placement rules need to know about a referenced record. */
export interface PlacementRef {
  code: string;
  countyCode: string;
  active: boolean;
}
export interface ParentRef extends PlacementRef {
  type: InstitutionType;
  communityCode: string | null;
}

export interface InstitutionPlacement {
  type: InstitutionType;
  countyCode: string;
  /** The community as given, resolved; `undefined` when a code was given but not found. */
  community: PlacementRef | null | undefined;
  communityCodeGiven: string | null;
  parent: ParentRef | null | undefined;
  parentCodeGiven: string | null;
  /** Active lead hospital of the community other than this institution, if any. */
  otherLeadOfCommunity: string | null;
}

/**
 * Where an institution may sit in the registry (SPEC §1): community members belong to one
 * community of their county; a village clinic hangs under exactly one township of the same
 * community; every other type stands alone. Returns every broken rule; empty means valid.
 */
export function checkInstitutionPlacement(p: InstitutionPlacement): ErrorDetail[] {
  const errors: ErrorDetail[] = [];
  const member = isCommunityMember(p.type);
  if (!LEVEL_TYPES.COUNTY.includes(p.type))
    errors.push({ field: 'type', rule: 'typeFitsLevel', message: `a ${p.type} sits at the province, not in a county` });

  if (member) {
    if (p.communityCodeGiven === null) {
      errors.push({ field: 'communityCode', rule: 'requiredForCommunityMember', message: `${p.type} must belong to a medical community` });
    } else if (!p.community) {
      errors.push({ field: 'communityCode', rule: 'exists', message: `medical community ${p.communityCodeGiven} does not exist` });
    } else if (!p.community.active) {
      errors.push({ field: 'communityCode', rule: 'active', message: `medical community ${p.community.code} is deactivated` });
    } else if (p.community.countyCode !== p.countyCode) {
      errors.push({
        field: 'communityCode',
        rule: 'sameCounty',
        message: `medical community ${p.community.code} belongs to county ${p.community.countyCode}, not ${p.countyCode}`,
      });
    }
  } else if (p.communityCodeGiven !== null) {
    errors.push({ field: 'communityCode', rule: 'notAllowedForType', message: `${p.type} is not a medical community member` });
  }

  if (p.type === 'LEAD_HOSPITAL' && p.otherLeadOfCommunity) {
    errors.push({
      field: 'type',
      rule: 'oneLeadPerCommunity',
      message: `community ${p.communityCodeGiven} already has lead hospital ${p.otherLeadOfCommunity}`,
    });
  }

  if (p.type === 'VILLAGE_CLINIC') {
    if (p.parentCodeGiven === null) {
      errors.push({
        field: 'parentCode',
        rule: 'requiredForVillageClinic',
        message: 'a village clinic must name its township health centre',
      });
    } else if (!p.parent) {
      errors.push({ field: 'parentCode', rule: 'exists', message: `institution ${p.parentCodeGiven} does not exist` });
    } else if (p.parent.type !== 'TOWNSHIP_CENTER') {
      errors.push({
        field: 'parentCode',
        rule: 'parentMustBeTownship',
        message: `parent ${p.parent.code} is a ${p.parent.type}, not a TOWNSHIP_CENTER`,
      });
    } else if (!p.parent.active) {
      errors.push({ field: 'parentCode', rule: 'active', message: `township ${p.parent.code} is deactivated` });
    } else if (p.parent.countyCode !== p.countyCode || (p.communityCodeGiven !== null && p.parent.communityCode !== p.communityCodeGiven)) {
      errors.push({
        field: 'parentCode',
        rule: 'sameCommunity',
        message: `township ${p.parent.code} is not in the same county and community`,
      });
    }
  } else if (p.parentCodeGiven !== null) {
    errors.push({
      field: 'parentCode',
      rule: 'onlyVillageClinicHasParent',
      message: `only a VILLAGE_CLINIC has a parent institution, not a ${p.type}`,
    });
  }
  return errors;
}

/** The registry records (county, medical community, institution) that carry a unique business code. */
export type RegistryRecordKind = 'county' | 'community' | 'institution' | 'province' | 'prefecture';

/**
 * Creating a record whose code exists already: an identical repeat (a retry) answers the
 * existing record; other details are `<KIND>_CODE_TAKEN` (409).
 */
export function assertIdenticalRepeat(kind: RegistryRecordKind, code: string, identical: boolean): void {
  if (!identical)
    throw new DomainError(`${kind.toUpperCase()}_CODE_TAKEN`, 'conflict', `${kind} ${code} already exists with other details`, [
      { field: 'code', rule: 'unique', message: `${kind} ${code} already exists` },
    ]);
}

export function sameCountyDetails(
  existing: { name: string; regionCode: string | null },
  given: { name: string; regionCode?: string | null },
): boolean {
  return existing.name === given.name && existing.regionCode === (given.regionCode ?? null);
}

export function sameCommunityDetails(existing: { name: string; countyCode: string }, given: { name: string; countyCode: string }): boolean {
  return existing.name === given.name && existing.countyCode === given.countyCode;
}

/** An institution as written to the registry (from the API or a row of an import file). */
export interface InstitutionContent {
  code: string;
  name: string;
  type: InstitutionType;
  countyCode: string;
  communityCode: string | null;
  parentCode: string | null;
  /** The national medical-insurance code (定点医药机构编号, fixmedins_code); undefined when not given (left as it is). */
  nationalCode?: string | null;
}

/**
 * A national code (定点医药机构编号) names one institution: it may not be another's, in the
 * registry (`holder`: who holds it now) or earlier in the same file (`firstInFile`).
 */
export function nationalCodeProblems(row: InstitutionContent, holder: string | undefined, firstInFile: string | undefined): ErrorDetail[] {
  const code = row.nationalCode;
  if (code === undefined || code === null) return [];
  const other =
    holder !== undefined && holder !== row.code ? holder : firstInFile !== undefined && firstInFile !== row.code ? firstInFile : null;
  return other === null
    ? []
    : [{ field: 'nationalCode', rule: 'unique', message: `national code ${code} is already institution ${other}'s` }];
}

/** Same content as stored (and still active): writing it again changes nothing. */
export function sameInstitutionContent(stored: InstitutionContent & { active: boolean }, given: InstitutionContent): boolean {
  return (
    stored.name === given.name &&
    stored.type === given.type &&
    stored.countyCode === given.countyCode &&
    stored.communityCode === given.communityCode &&
    stored.parentCode === given.parentCode &&
    (given.nationalCode === undefined || (stored.nationalCode ?? null) === given.nationalCode) &&
    stored.active
  );
}

/** A medical community is created in an existing, active county (COMMUNITY_INVALID otherwise). */
export function assertCountyTakesCommunities(countyCode: string, county: { active: boolean } | null): void {
  if (!county || !county.active) {
    throw new DomainError('COMMUNITY_INVALID', 'unprocessable', `county ${countyCode} does not exist or is deactivated`, [
      {
        field: 'countyCode',
        rule: county ? 'active' : 'exists',
        message: `county ${countyCode} ${county ? 'is deactivated' : 'does not exist'}`,
      },
    ]);
  }
}

function stillInUse(what: string, code: string, members: string): DomainError {
  return new DomainError('STILL_IN_USE', 'conflict', `cannot deactivate ${what} ${code}: ${members} still belong to it`, [
    { field: 'code', rule: 'noActiveMembers', message: `${members} still belong to ${code}` },
  ]);
}

/** A county is deactivated only once none of its medical communities is active. */
export function assertCountyDeactivatable(code: string, activeCommunities: number): void {
  if (activeCommunities > 0) throw stillInUse('county', code, `${activeCommunities} active medical community(ies)`);
}

/** A medical community is deactivated only once none of its member institutions is active. */
export function assertCommunityDeactivatable(code: string, activeMembers: number): void {
  if (activeMembers > 0) throw stillInUse('medical community', code, `${activeMembers} active member institution(s)`);
}

/** A township is deactivated or moved only once none of its village clinics is active. */
export function assertNoActiveVillageClinics(townshipCode: string, change: string, activeClinics: number): void {
  if (activeClinics > 0) {
    throw new DomainError(
      'INSTITUTION_HAS_ACTIVE_CHILDREN',
      'conflict',
      `cannot ${change} ${townshipCode}: ${activeClinics} active village clinic(s) still belong to it`,
      [{ field: 'code', rule: 'noActiveVillageClinics', message: `${activeClinics} active village clinic(s) under ${townshipCode}` }],
    );
  }
}

/** What the rules for one institution row need to know besides its placement. */
export interface InstitutionRowFacts {
  row: InstitutionContent;
  /** The county named by the row, undefined when it does not exist. */
  county: { id: number; active: boolean } | undefined;
  /** The only county the caller may register in; undefined for an operator. */
  callerCountyId?: number;
  /** The institution stored under the row's code, if any. */
  existing: { type: InstitutionType; countyCode: string } | undefined;
  placement: InstitutionPlacement;
}

/** Every rule one institution row breaks: its county, its immutable type and county, and its placement. */
export function checkInstitutionRow(f: InstitutionRowFacts): ErrorDetail[] {
  const { row, county, existing } = f;
  const errors: ErrorDetail[] = [];
  if (!county) errors.push({ field: 'countyCode', rule: 'exists', message: `county ${row.countyCode} does not exist` });
  else if (f.callerCountyId !== undefined && county.id !== f.callerCountyId)
    errors.push({ field: 'countyCode', rule: 'scope', message: `county ${row.countyCode} is outside what you may act on` });
  else if (!county.active) errors.push({ field: 'countyCode', rule: 'active', message: `county ${row.countyCode} is deactivated` });
  if (existing && existing.type !== row.type) {
    errors.push({ field: 'type', rule: 'immutable', message: `institution ${row.code} is a ${existing.type}; its type cannot change` });
  }
  if (existing && existing.countyCode !== row.countyCode) {
    errors.push({
      field: 'countyCode',
      rule: 'immutable',
      message: `institution ${row.code} belongs to county ${existing.countyCode}; its county cannot change`,
    });
  }
  return errors.concat(checkInstitutionPlacement(f.placement));
}

/** One institution written through the API must break no rule (INSTITUTION_INVALID, with every broken rule). */
export function assertInstitutionValid(errors: ErrorDetail[]): void {
  if (errors.length) throw new DomainError('INSTITUTION_INVALID', 'unprocessable', errors.map((e) => e.message).join('; '), errors);
}

/**
 * An import that rejects on error writes nothing when any row is bad (IMPORT_REJECTED with
 * every bad row); one that skips imports the good rows.
 */
export function assertImportAccepted(onError: 'reject' | 'skip', errors: ErrorDetail[], rejectedRows: number, totalRows: number): void {
  if (errors.length && onError === 'reject') {
    throw new DomainError(
      'IMPORT_REJECTED',
      'unprocessable',
      `${rejectedRows} of ${totalRows} row(s) are invalid; nothing was imported`,
      errors,
    );
  }
}

/** An institution table has the known columns, the required ones among them, and at least one data row. */
export function assertInstitutionTableShape(headerErrors: ErrorDetail[], dataRows: number): void {
  if (headerErrors.length)
    throw new DomainError(
      'IMPORT_REJECTED',
      'unprocessable',
      'the header row is not an institution table; nothing was imported',
      headerErrors,
    );
  if (dataRows === 0)
    throw new DomainError('IMPORT_REJECTED', 'unprocessable', 'the file has no data rows', [
      { row: 1, field: 'file', rule: 'notEmpty', message: 'no data rows' },
    ]);
}

/** A county belongs to one prefecture: placing it in another is refused (COUNTY_IN_OTHER_PREFECTURE, 409). */
export function assertCountyPlaceable(countyCode: string, currentPrefecture: string | null, prefectureCode: string): void {
  if (currentPrefecture !== null && currentPrefecture !== prefectureCode) {
    throw new DomainError('COUNTY_IN_OTHER_PREFECTURE', 'conflict', `county ${countyCode} belongs to prefecture ${currentPrefecture}`, [
      { field: 'countyCode', rule: 'onePrefecture', message: `already in ${currentPrefecture}` },
    ]);
  }
}

/** A prefecture or institution named in a request that is unknown or deactivated (422 naming the field). */
export function assertRegionExists(
  field: string,
  kind: 'province' | 'prefecture' | 'county',
  code: string,
  found: { active: boolean } | null,
): void {
  if (!found || !found.active) {
    throw new DomainError(`${kind.toUpperCase()}_INVALID`, 'unprocessable', `${kind} ${code} does not exist or is deactivated`, [
      { field, rule: 'exists', message: `no active ${kind} ${code}` },
    ]);
  }
}
