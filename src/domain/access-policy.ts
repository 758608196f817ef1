import { DomainError } from './domain-error';
import { InstitutionType } from './institution-registry';

/** Roles of SPEC §1 (issue: who may do what). */
export const ROLES = [
  'ADMIN', // registry and users only, never money decisions
  'BUREAU_CLERK', // 县医保局经办
  'BUREAU_APPROVER', // 县医保局审核 (the checker of maker-checker)
  'LEAD_FINANCE', // 牵头单位财务
  'MEMBER_CLERK', // 成员单位经办 (county hospital, township; a township also acts for its villages)
  'VILLAGE_CLERK', // 村卫生室 (reads its own)
  'PRIVATE_CLERK', // 民营定点医疗机构
  'APPROVER', // 财政局、州医保局、卫健局、县政府、评审委员会
  'AUDITOR', // 审计、纪委监委: reads everything, changes nothing
] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

const APPROVING_BODIES: InstitutionType[] = [
  'FINANCE_BUREAU',
  'PREFECTURE_BUREAU',
  'HEALTH_BUREAU',
  'COUNTY_GOVERNMENT',
  'REVIEW_COMMITTEE',
];

/** Which institution types may hold each role. */
export const ROLE_HOLDERS: Record<Role, readonly InstitutionType[]> = {
  ADMIN: ['BUREAU'],
  BUREAU_CLERK: ['BUREAU'],
  BUREAU_APPROVER: ['BUREAU'],
  LEAD_FINANCE: ['LEAD_HOSPITAL'],
  MEMBER_CLERK: ['LEAD_HOSPITAL', 'COUNTY_HOSPITAL', 'TOWNSHIP_CENTER'],
  VILLAGE_CLERK: ['VILLAGE_CLINIC'],
  PRIVATE_CLERK: ['PRIVATE_DESIGNATED'],
  APPROVER: APPROVING_BODIES,
  AUDITOR: ['BUREAU', ...APPROVING_BODIES],
};

/** Roles that never change anything. */
export const READ_ONLY_ROLES: readonly Role[] = ['AUDITOR', 'VILLAGE_CLERK'];

/** Returns the roles an institution type may not hold. */
export function rolesNotAllowedFor(type: InstitutionType, roles: readonly Role[]): Role[] {
  return roles.filter((r) => !ROLE_HOLDERS[r].includes(type));
}

/** The caller's institution as the scope rules see it. */
export interface ScopeInstitution {
  id: number;
  type: InstitutionType;
  countyId: number;
  communityId: number | null;
}

/** What a caller may see and act on (SPEC §1: "acts only within it"). */
export type Scope =
  | { kind: 'county'; countyId: number } // the bureau, approving bodies and auditors: their county
  | { kind: 'community'; countyId: number; communityId: number } // the lead unit: its community
  | { kind: 'township'; countyId: number; communityId: number | null; institutionId: number } // a township and its village clinics
  | { kind: 'self'; countyId: number; communityId: number | null; institutionId: number };

export function scopeOf(institution: ScopeInstitution, roles: readonly Role[]): Scope {
  if (institution.type === 'BUREAU' || APPROVING_BODIES.includes(institution.type) || roles.includes('AUDITOR')) {
    return { kind: 'county', countyId: institution.countyId };
  }
  if (institution.type === 'LEAD_HOSPITAL' && institution.communityId !== null) {
    return { kind: 'community', countyId: institution.countyId, communityId: institution.communityId };
  }
  if (institution.type === 'TOWNSHIP_CENTER') {
    return { kind: 'township', countyId: institution.countyId, communityId: institution.communityId, institutionId: institution.id };
  }
  return { kind: 'self', countyId: institution.countyId, communityId: institution.communityId, institutionId: institution.id };
}

/** An institution a request refers to. */
export interface ScopeTarget {
  id: number;
  countyId: number;
  communityId: number | null;
  parentId: number | null;
}

export function institutionInScope(scope: Scope, target: ScopeTarget): boolean {
  switch (scope.kind) {
    case 'county':
      return target.countyId === scope.countyId;
    case 'community':
      return target.communityId === scope.communityId;
    case 'township':
      return target.id === scope.institutionId || target.parentId === scope.institutionId;
    case 'self':
      return target.id === scope.institutionId;
  }
}

export function countyInScope(scope: Scope, countyId: number): boolean {
  return scope.countyId === countyId;
}

export function communityInScope(scope: Scope, community: { id: number; countyId: number }): boolean {
  return scope.kind === 'county' ? community.countyId === scope.countyId : scope.communityId === community.id;
}

/**
 * Maker-checker (四眼原则): a money decision recorded by one person must be approved by
 * another. The same person can never do both, whatever roles they hold.
 */
export function assertMakerChecker(recordedBy: string, approvingUser: string): void {
  if (recordedBy === approvingUser) {
    throw new DomainError(
      'MAKER_CHECKER_VIOLATION',
      'forbidden',
      `${approvingUser} recorded this decision and cannot also approve it; another approver must`,
      [{ field: '', rule: 'makerChecker', message: 'recorder and approver must be different people' }],
    );
  }
}
