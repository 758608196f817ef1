import {
  assertMakerChecker,
  assertNotOwnRoleChange,
  assertSeparationOfDuties,
  communityInScope,
  countyInScope,
  decideRouteAccess,
  institutionInScope,
  MONEY_ROLES,
  normalizeUsername,
  Role,
  ROLES,
  rolesNotAllowedFor,
  scopeOf,
  actingCountyId,
  assertActsAtRegion,
  institutionAdministrable,
  regionInScope,
} from './access-policy';
import { DomainError } from './domain-error';
import { refusal } from './refusal.spec-helper';

const bureau = { level: 'COUNTY' as const, id: 1, type: 'BUREAU' as const, countyId: 10, communityId: null };
const lead = { level: 'COUNTY' as const, id: 2, type: 'LEAD_HOSPITAL' as const, countyId: 10, communityId: 100 };
const township = { level: 'COUNTY' as const, id: 3, type: 'TOWNSHIP_CENTER' as const, countyId: 10, communityId: 100 };
const village = { level: 'COUNTY' as const, id: 4, type: 'VILLAGE_CLINIC' as const, countyId: 10, communityId: 100, parentId: 3 };
const otherVillage = { level: 'COUNTY' as const, id: 5, type: 'VILLAGE_CLINIC' as const, countyId: 10, communityId: 100, parentId: 6 };
const foreign = { level: 'COUNTY' as const, id: 7, type: 'TOWNSHIP_CENTER' as const, countyId: 11, communityId: 101, parentId: null };
const target = (i: { id: number; countyId: number; communityId: number | null; parentId?: number | null }) => ({
  ...i,
  parentId: i.parentId ?? null,
});

describe('access policy', () => {
  it('gives the bureau its county, the lead its community, a township itself and its villages', () => {
    expect([village, otherVillage, foreign].map((t) => institutionInScope(scopeOf(bureau, ['BUREAU_CLERK']), target(t)))).toEqual([
      true,
      true,
      false,
    ]);
    expect([village, otherVillage, foreign].map((t) => institutionInScope(scopeOf(lead, ['LEAD_FINANCE']), target(t)))).toEqual([
      true,
      true,
      false,
    ]);
    expect([township, village, otherVillage].map((t) => institutionInScope(scopeOf(township, ['MEMBER_CLERK']), target(t)))).toEqual([
      true,
      true,
      false,
    ]);
    expect([village, township].map((t) => institutionInScope(scopeOf(village, ['VILLAGE_CLERK']), target(t)))).toEqual([true, false]);
  });

  it('lets members see their own community only, the bureau every community of its county', () => {
    expect(communityInScope(scopeOf(township, ['MEMBER_CLERK']), { id: 100, countyId: 10 })).toBe(true);
    expect(communityInScope(scopeOf(township, ['MEMBER_CLERK']), { id: 101, countyId: 10 })).toBe(false);
    expect(communityInScope(scopeOf(bureau, ['ADMIN']), { id: 101, countyId: 10 })).toBe(true);
  });

  it('allows each role only at the institution types that hold it', () => {
    expect(rolesNotAllowedFor('TOWNSHIP_CENTER', ['MEMBER_CLERK', 'BUREAU_APPROVER', 'ADMIN'])).toEqual(['BUREAU_APPROVER', 'ADMIN']);
    expect(rolesNotAllowedFor('FINANCE_BUREAU', ['APPROVER', 'AUDITOR'])).toEqual([]);
  });

  it('never lets one person record and approve the same money decision', () => {
    expect(() => assertMakerChecker('clerk', 'clerk')).toThrow(DomainError);
    expect(() => assertMakerChecker('clerk', 'approver')).not.toThrow();
  });

  it('spells a username one way: trimmed, Unicode NFC, lower case', () => {
    expect(normalizeUsername('  WS.Admin \t')).toBe('ws.admin');
    expect(normalizeUsername('Ws.ADMIN')).toBe(normalizeUsername('ws.admin '));
    // é composed and decomposed (e + U+0301) are one name
    expect(normalizeUsername('Jos\u0065\u0301')).toBe(normalizeUsername('jos\u00e9'));
    expect(normalizeUsername(normalizeUsername(' ÉMILE '))).toBe(normalizeUsername(' ÉMILE '));
  });

  it('never lets ADMIN be held with a role that records, moves or approves money', () => {
    expect(MONEY_ROLES).toEqual(['BUREAU_CLERK', 'BUREAU_APPROVER', 'LEAD_FINANCE', 'MEMBER_CLERK', 'PRIVATE_CLERK', 'APPROVER']);
    for (const role of MONEY_ROLES) {
      const e = refusal(() => assertSeparationOfDuties(['ADMIN', role]));
      expect(e).toMatchObject({ code: 'SEPARATION_OF_DUTIES', kind: 'unprocessable' });
      expect(e.details).toEqual([expect.objectContaining({ field: 'roles', rule: 'separationOfDuties' })]);
    }
    expect(() => assertSeparationOfDuties(['ADMIN', 'AUDITOR'])).not.toThrow();
    expect(() => assertSeparationOfDuties(['BUREAU_CLERK', 'BUREAU_APPROVER'])).not.toThrow();
  });

  it('lets nobody change their own roles', () => {
    const e = refusal(() => assertNotOwnRoleChange('ws.admin', 'WS.Admin ', ['ADMIN'], ['ADMIN', 'BUREAU_APPROVER']));
    expect(e).toMatchObject({ code: 'OWN_ROLES', kind: 'forbidden', details: [{ field: 'roles', rule: 'notOwnRoles' }] });
    expect(() => assertNotOwnRoleChange('ws.admin', 'ws.admin', ['ADMIN'], ['ADMIN', 'ADMIN'])).not.toThrow();
    expect(() => assertNotOwnRoleChange('ws.admin', 'ws.clerk', ['BUREAU_CLERK'], ['BUREAU_APPROVER'])).not.toThrow();
  });

  it('refuses callers holding only AUDITOR every route that changes state, except the ones open to them', () => {
    const facts = (callerRoles: Role[], isRead: boolean, openToReadOnly = false) =>
      decideRouteAccess({ roles: 'any', callerRoles, callerInstitutionCode: 'X', isRead, openToReadOnly });
    expect(facts(['AUDITOR'], false)).toMatchObject({ code: 'READ_ONLY_ROLE', kind: 'forbidden' });
    expect(facts(['AUDITOR'], true)).toBeNull();
    expect(facts(['AUDITOR'], false, true)).toBeNull();
    expect(facts(['AUDITOR', 'BUREAU_APPROVER'], false)).toBeNull();
    expect(facts(['VILLAGE_CLERK'], false)).toBeNull();
    expect(ROLES.filter((r) => r !== 'AUDITOR').map((r) => facts([r], false))).toEqual(
      ROLES.filter((r) => r !== 'AUDITOR').map(() => null),
    );
  });

  it('lets a prefecture read every county below it, act on none, and administer only its own level', () => {
    const prefecture = scopeOf({ level: 'PREFECTURE', id: 50, type: 'PREFECTURE_BUREAU', regionId: 5, countyIds: [10, 12] }, ['AUDITOR']);
    expect([10, 11, 12].map((c) => countyInScope(prefecture, c))).toEqual([true, false, true]);
    expect(institutionInScope(prefecture, target(village))).toBe(true);
    expect(institutionInScope(prefecture, target(foreign))).toBe(false);
    expect(communityInScope(prefecture, { id: 101, countyId: 11 })).toBe(false);
    expect(refusal(() => actingCountyId(prefecture)).code).toBe('ACTS_ABOVE_COUNTY');
    const own = { id: 51, countyId: null, prefectureId: 5, provinceId: null, communityId: null, parentId: null };
    expect(institutionAdministrable(prefecture, own)).toBe(true);
    expect(institutionAdministrable(prefecture, { ...own, prefectureId: 6 })).toBe(false);
    expect(institutionAdministrable(prefecture, { ...own, countyId: 10, prefectureId: null })).toBe(false);
    expect(regionInScope(prefecture, { level: 'PREFECTURE', id: 5, provinceId: 1 })).toBe(true);
    const province = scopeOf({ level: 'PROVINCE', id: 60, type: 'PROVINCE_BUREAU', regionId: 1, countyIds: [10, 11, 12] }, ['AUDITOR']);
    expect(regionInScope(province, { level: 'PREFECTURE', id: 5, provinceId: 1 })).toBe(true);
    expect(regionInScope(province, { level: 'PREFECTURE', id: 7, provinceId: 2 })).toBe(false);
    expect(regionInScope(scopeOf(bureau, ['AUDITOR']), { level: 'PREFECTURE', id: 5, provinceId: 1 })).toBe(false);
    expect(refusal(() => assertActsAtRegion(province, 'PREFECTURE', 5, 'x')).code).toBe('LEVEL_STEP_OUT_OF_SCOPE');
    expect(() => assertActsAtRegion(prefecture, 'PREFECTURE', 5, 'x')).not.toThrow();
  });

  it('lets a level’s bureau and finance bureau hold their own roles only', () => {
    expect(rolesNotAllowedFor('PREFECTURE_BUREAU', ['ADMIN', 'BUREAU_CLERK', 'APPROVER'], 'PREFECTURE')).toEqual(['APPROVER']);
    expect(rolesNotAllowedFor('FINANCE_BUREAU', ['APPROVER', 'BUREAU_CLERK'], 'PREFECTURE')).toEqual(['BUREAU_CLERK']);
    expect(rolesNotAllowedFor('PREFECTURE_BUREAU', ['BUREAU_CLERK'], 'COUNTY')).toEqual(['BUREAU_CLERK']);
  });
});
