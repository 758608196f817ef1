import { ErrorDetail } from './domain-error';

/** Institution types of SPEC §1. */
export const INSTITUTION_TYPES = [
  'BUREAU', // 县医保局
  'LEAD_HOSPITAL', // 医共体牵头单位 (county people's hospital)
  'COUNTY_HOSPITAL', // 县级成员医院 (e.g. county TCM hospital), not primary
  'TOWNSHIP_CENTER', // 乡镇卫生院, primary
  'VILLAGE_CLINIC', // 村卫生室, primary, under one township
  'PRIVATE_DESIGNATED', // 民营定点医疗机构
  'FINANCE_BUREAU', // 财政局
  'PREFECTURE_BUREAU', // 州医保局
  'HEALTH_BUREAU', // 卫健局
  'COUNTY_GOVERNMENT', // 县政府
  'REVIEW_COMMITTEE', // 评审委员会
] as const;
export type InstitutionType = (typeof INSTITUTION_TYPES)[number];

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
