import { DomainError } from './domain-error';
import { InstitutionLevel, InstitutionType } from './institution-registry';

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

/** Which institution types may hold each role (in a county; above it, REGIONAL_ROLE_HOLDERS). */
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

/**
 * Which institution types may hold each role at a prefecture or the province (SPEC §12): the
 * bureau administers its level, computes or drafts (BUREAU_CLERK) and approves (BUREAU_APPROVER)
 * its level's steps; the level's finance bureau confirms (APPROVER); either may audit.
 */
export const REGIONAL_ROLE_HOLDERS: Record<Role, readonly InstitutionType[]> = {
  ADMIN: ['PREFECTURE_BUREAU', 'PROVINCE_BUREAU'],
  BUREAU_CLERK: ['PREFECTURE_BUREAU', 'PROVINCE_BUREAU'],
  BUREAU_APPROVER: ['PREFECTURE_BUREAU', 'PROVINCE_BUREAU'],
  LEAD_FINANCE: [],
  MEMBER_CLERK: [],
  VILLAGE_CLERK: [],
  PRIVATE_CLERK: [],
  APPROVER: ['FINANCE_BUREAU'],
  AUDITOR: ['PREFECTURE_BUREAU', 'PROVINCE_BUREAU', 'FINANCE_BUREAU'],
};

/** Roles that never change anything. */
export const READ_ONLY_ROLES: readonly Role[] = ['AUDITOR', 'VILLAGE_CLERK'];

/**
 * Roles refused every route that changes state (SPEC §1: the auditor reads everything and
 * changes nothing), unless the route is declared open to them (signing out). VILLAGE_CLERK is
 * read-only by what its routes offer, but it still marks its own institution's notifications
 * read, so it is not refused here.
 */
export const CHANGES_NOTHING_ROLES: readonly Role[] = ['AUDITOR'];

/** True when every role of the caller changes nothing (a caller with no roles at all is not one). */
export function changesNothing(callerRoles: readonly Role[]): boolean {
  return callerRoles.length > 0 && callerRoles.every((r) => CHANGES_NOTHING_ROLES.includes(r));
}

/**
 * Roles that record, move or approve money: the bureau's clerk and approver, the lead unit's
 * finance office, the member and private clerks who claim and pass funds down, and the
 * approving bodies. ADMIN (who decides who holds which role) never holds any of them.
 */
export const MONEY_ROLES: readonly Role[] = [
  'BUREAU_CLERK',
  'BUREAU_APPROVER',
  'LEAD_FINANCE',
  'MEMBER_CLERK',
  'PRIVATE_CLERK',
  'APPROVER',
];

/** Separation of duties: one user (or API token) never holds ADMIN together with a role that moves or approves money. */
export function assertSeparationOfDuties(roles: readonly Role[]): void {
  if (!roles.includes('ADMIN')) return;
  const money = MONEY_ROLES.filter((r) => roles.includes(r));
  if (money.length) {
    throw new DomainError(
      'SEPARATION_OF_DUTIES',
      'unprocessable',
      `ADMIN cannot be held together with ${money.join(', ')}: whoever administers users never records or approves money`,
      money.map((r) => ({ field: 'roles', rule: 'separationOfDuties', message: `ADMIN and ${r} cannot be held by one user` })),
    );
  }
}

/** True when two role lists hold different roles (order and repetition aside). */
export function rolesDiffer(before: readonly Role[], after: readonly Role[]): boolean {
  const a = new Set(before);
  const b = new Set(after);
  return a.size !== b.size || [...a].some((r) => !b.has(r));
}

/** An API token asked to change a password: tokens have none. */
export function passwordOfTokenRefused(): DomainError {
  return new DomainError('NOT_A_USER', 'forbidden', 'an API token has no password; sign in as a user');
}

/** The current password typed to change one's own was wrong: 422, not 401, as the session itself is fine. */
export function wrongCurrentPassword(): DomainError {
  return new DomainError('WRONG_CURRENT_PASSWORD', 'unprocessable', 'the current password is wrong', [
    { field: 'currentPassword', rule: 'currentPasswordMatches', message: 'the current password is wrong' },
  ]);
}

/** Nobody changes their own roles (an administrator granting itself more power). */
export function assertNotOwnRoleChange(callerName: string, username: string, before: readonly Role[], after: readonly Role[]): void {
  if (normalizeUsername(callerName) === normalizeUsername(username) && rolesDiffer(before, after)) {
    throw new DomainError('OWN_ROLES', 'forbidden', `${username} cannot change their own roles; another administrator must`, [
      { field: 'roles', rule: 'notOwnRoles', message: 'nobody changes their own roles' },
    ]);
  }
}

/**
 * The one spelling of a username, used to store, look up, throttle and audit it: trimmed,
 * Unicode NFC, lower case. The database compares usernames ignoring case and trailing
 * spaces, so every spelling it would match must count as the same name everywhere else too.
 */
export function normalizeUsername(raw: string): string {
  return raw.trim().normalize('NFC').toLowerCase().normalize('NFC');
}

/** Returns the roles an institution type may not hold at its level. */
export function rolesNotAllowedFor(type: InstitutionType, roles: readonly Role[], level: InstitutionLevel = 'COUNTY'): Role[] {
  const holders = level === 'COUNTY' ? ROLE_HOLDERS : REGIONAL_ROLE_HOLDERS;
  return roles.filter((r) => !holders[r].includes(type));
}

/** The caller's institution as the scope rules see it: in a county, or at a prefecture or the province. */
export type ScopeInstitution =
  | { level: 'COUNTY'; id: number; type: InstitutionType; countyId: number; communityId: number | null }
  | {
      level: 'PREFECTURE' | 'PROVINCE';
      id: number;
      type: InstitutionType;
      /** The prefecture's or province's id. */
      regionId: number;
      /** Every county below it, read when the caller authenticates. */
      countyIds: readonly number[];
    };

/** What a caller may see and act on (SPEC §1: "acts only within it"; §12: a level reads every county below it). */
export type Scope =
  | { kind: 'county'; countyId: number } // the bureau, approving bodies and auditors: their county
  | { kind: 'community'; countyId: number; communityId: number } // the lead unit: its community
  | { kind: 'township'; countyId: number; communityId: number | null; institutionId: number } // a township and its village clinics
  | { kind: 'self'; countyId: number; communityId: number | null; institutionId: number }
  /** A prefecture's or the province's institution: reads every county below it, acts only on its own level's records. */
  | { kind: 'region'; level: 'PREFECTURE' | 'PROVINCE'; regionId: number; countyIds: readonly number[] };

export function scopeOf(institution: ScopeInstitution, roles: readonly Role[]): Scope {
  if (institution.level !== 'COUNTY') {
    return { kind: 'region', level: institution.level, regionId: institution.regionId, countyIds: institution.countyIds };
  }
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

/** A county-wide reader: the county's bureau, approving bodies and auditors, or a level above the county. */
export function readsWholeCounties(scope: Scope): scope is Extract<Scope, { kind: 'county' | 'region' }> {
  return scope.kind === 'county' || scope.kind === 'region';
}

/** The counties a scope reads: its own, or every county below a prefecture or the province. */
export function scopeCountyIds(scope: Scope): readonly number[] {
  return scope.kind === 'region' ? scope.countyIds : [scope.countyId];
}

/**
 * A level's own step (SPEC §12: "approves the prefecture's steps"): only a user of that very
 * prefecture or province takes it; the province reads a prefecture's steps but does not take
 * them (LEVEL_STEP_OUT_OF_SCOPE, 403).
 */
export function assertActsAtRegion(scope: Scope, level: 'PREFECTURE' | 'PROVINCE', id: number, what: string): void {
  if (scope.kind !== 'region' || scope.level !== level || scope.regionId !== id) {
    throw new DomainError('LEVEL_STEP_OUT_OF_SCOPE', 'forbidden', `${what} is a step of its ${level.toLowerCase()}, taken only there`, [
      { field: '', rule: 'scope', message: `only the ${level.toLowerCase()}'s own users take this step` },
    ]);
  }
}

/** The prefecture or province a scope stands at, if it stands above the county. */
export function regionOf(scope: Scope): { level: 'PREFECTURE' | 'PROVINCE'; id: number } | undefined {
  return scope.kind === 'region' ? { level: scope.level, id: scope.regionId } : undefined;
}

/**
 * The one county a caller acts in. A prefecture's or the province's user reads the counties
 * below it but acts only on its own level's steps (SPEC §12): a county action is refused
 * (ACTS_ABOVE_COUNTY, 403).
 */
export function actingCountyId(scope: Scope): number {
  if (scope.kind === 'region') {
    throw new DomainError(
      'ACTS_ABOVE_COUNTY',
      'forbidden',
      `a ${scope.level.toLowerCase()} user reads the counties below it and acts only on its own level's steps`,
      [{ field: '', rule: 'scope', message: 'county actions are taken by the county' }],
    );
  }
  return scope.countyId;
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
    case 'region':
      return scope.countyIds.includes(target.countyId);
    case 'community':
      return target.communityId === scope.communityId;
    case 'township':
      return target.id === scope.institutionId || target.parentId === scope.institutionId;
    case 'self':
      return target.id === scope.institutionId;
  }
}

/** An institution as placed in the registry: in a county, or at a prefecture or the province. */
export interface PlacedInstitution {
  id: number;
  countyId: number | null;
  prefectureId: number | null;
  provinceId: number | null;
  communityId: number | null;
  parentId: number | null;
}

/**
 * Whether a caller may administer (assign users and tokens to) an institution: a county's
 * within its scope; a prefecture's or the province's only from that same level (a level
 * reads its counties but administers only its own institutions).
 */
export function institutionAdministrable(scope: Scope, i: PlacedInstitution): boolean {
  if (scope.kind === 'region') return (scope.level === 'PREFECTURE' ? i.prefectureId : i.provinceId) === scope.regionId;
  return (
    i.countyId !== null && institutionInScope(scope, { id: i.id, countyId: i.countyId, communityId: i.communityId, parentId: i.parentId })
  );
}

/** The level an institution sits at. */
export function levelOf(i: Pick<PlacedInstitution, 'countyId' | 'prefectureId'>): InstitutionLevel {
  return i.countyId !== null ? 'COUNTY' : i.prefectureId !== null ? 'PREFECTURE' : 'PROVINCE';
}

export function countyInScope(scope: Scope, countyId: number): boolean {
  return scopeCountyIds(scope).includes(countyId);
}

export function communityInScope(scope: Scope, community: { id: number; countyId: number }): boolean {
  if (scope.kind === 'region') return scope.countyIds.includes(community.countyId);
  return scope.kind === 'county' ? community.countyId === scope.countyId : scope.communityId === community.id;
}

/** A prefecture or the province in a scope: its own level, and the province also reads its prefectures. */
export function regionInScope(scope: Scope, region: { level: 'PREFECTURE' | 'PROVINCE'; id: number; provinceId: number | null }): boolean {
  if (scope.kind !== 'region') return false;
  if (scope.level === region.level) return scope.regionId === region.id;
  return scope.level === 'PROVINCE' && region.provinceId === scope.regionId;
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

/** No valid credential: sign in (or refresh) first. */
export function unauthenticated(message = 'sign in first: send Authorization: Bearer <access token or API token>'): DomainError {
  return new DomainError('UNAUTHENTICATED', 'unauthenticated', message);
}

/** A sign-in succeeds only for a known, active user with the right password (the answer does not say which failed). */
export function signInAllowed(user: { active: boolean } | null, passwordMatches: boolean): boolean {
  return user !== null && passwordMatches && user.active;
}

/** A refresh token works while its session is neither revoked nor expired. */
export function refreshSessionLive(session: { revokedAt: Date | null; expiresAt: Date } | null, now: Date): boolean {
  return session !== null && !session.revokedAt && session.expiresAt.getTime() >= now.getTime();
}

/** More than `limit` requests in the current one-minute window is refused until the window ends. */
export function assertWithinRateLimit(count: number, limit: number, now: Date): void {
  if (count > limit) {
    const retryAfter = 60 - Math.floor((now.getTime() / 1000) % 60);
    throw new DomainError('RATE_LIMITED', 'too_many_requests', `more than ${limit} requests in a minute; retry in ${retryAfter} s`, [
      { field: '', rule: 'rateLimit', message: `limit ${limit} per minute` },
    ]);
  }
}

/** Why a route refuses a caller: the code, the kind of refusal, and the record it concerns (for the audit entry). */
export interface RouteDenial {
  code: 'ROUTE_NOT_OPEN' | 'ROLE_NOT_ALLOWED' | 'READ_ONLY_ROLE' | 'NOT_FOUND' | 'OUT_OF_SCOPE';
  kind: 'forbidden' | 'not_found';
  message: string;
  entityType: string;
  entityId: string;
}

export interface RouteAccessFacts {
  /** The route's declared roles; null when it declares no access rule at all. */
  roles: readonly Role[] | 'any' | null;
  callerRoles: readonly Role[];
  callerInstitutionCode: string;
  /** The record the path names and whether it lies in the caller's scope (null: unknown record, the route answers 404 itself). */
  target?: { kind: string; value: string; inScope: boolean | null };
  /** GET and HEAD: an out-of-scope record is answered as not existing rather than forbidden. */
  isRead: boolean;
  /** The route declares itself open to roles that change nothing (signing out ends only the caller's own session). */
  openToReadOnly?: boolean;
}

/**
 * Who may call a route: a route with no declared rule is closed to everyone; the caller needs
 * one of its roles; a record named in the path must lie in the caller's scope. Null: allowed.
 */
export function decideRouteAccess(f: RouteAccessFacts): RouteDenial | null {
  if (f.roles === null)
    return {
      code: 'ROUTE_NOT_OPEN',
      kind: 'forbidden',
      message: 'this endpoint is not open to any role',
      entityType: 'route',
      entityId: '',
    };
  if (f.roles !== 'any' && !f.roles.some((r) => f.callerRoles.includes(r)))
    return {
      code: 'ROLE_NOT_ALLOWED',
      kind: 'forbidden',
      message: `this action needs one of the roles ${f.roles.join(', ')}`,
      entityType: 'route',
      entityId: '',
    };
  if (!f.isRead && !f.openToReadOnly && changesNothing(f.callerRoles))
    return {
      code: 'READ_ONLY_ROLE',
      kind: 'forbidden',
      message: `a caller holding only ${f.callerRoles.join(', ')} reads and changes nothing`,
      entityType: 'route',
      entityId: '',
    };
  if (f.target && f.target.inScope === false) {
    const { kind, value } = f.target;
    return f.isRead
      ? { code: 'NOT_FOUND', kind: 'not_found', message: `${kind} ${value} does not exist`, entityType: kind, entityId: value }
      : {
          code: 'OUT_OF_SCOPE',
          kind: 'forbidden',
          message: `${kind} ${value} is outside what ${f.callerInstitutionCode} may act on`,
          entityType: kind,
          entityId: value,
        };
  }
  return null;
}

/** The refusal a route denial answers with. */
export function routeRefusal(denial: RouteDenial): DomainError {
  const { code, kind, message } = denial;
  return new DomainError(
    code,
    kind,
    message,
    kind === 'not_found'
      ? []
      : [{ field: '', rule: code === 'ROLE_NOT_ALLOWED' ? 'role' : code === 'READ_ONLY_ROLE' ? 'readOnly' : 'scope', message }],
  );
}

/** Users and API tokens are assigned to an existing, active institution (INSTITUTION_INVALID otherwise). */
export function assertAssignableInstitution(code: string, institution: { active: boolean } | null): void {
  if (!institution || !institution.active) {
    throw new DomainError('INSTITUTION_INVALID', 'unprocessable', `institution ${code} does not exist or is deactivated`, [
      { field: 'institutionCode', rule: 'exists', message: `no active institution ${code}` },
    ]);
  }
}

/** Every role given must be one an institution of this type may hold at its level (ROLE_NOT_FOR_INSTITUTION otherwise). */
export function assertRolesFitInstitution(type: InstitutionType, roles: readonly Role[], level: InstitutionLevel = 'COUNTY'): void {
  const wrong = rolesNotAllowedFor(type, roles, level);
  if (wrong.length) {
    throw new DomainError(
      'ROLE_NOT_FOR_INSTITUTION',
      'unprocessable',
      `a ${type}${level === 'COUNTY' ? '' : ` at the ${level.toLowerCase()} level`} cannot hold ${wrong.join(', ')}`,
      wrong.map((r) => ({ field: 'roles', rule: 'roleFitsInstitution', message: `${r} is not held at a ${type}` })),
    );
  }
}

/** A username is unique. */
export function usernameTaken(username: string): DomainError {
  return new DomainError('USERNAME_TAKEN', 'conflict', `username ${username} is taken`, [
    { field: 'username', rule: 'unique', message: 'taken' },
  ]);
}
