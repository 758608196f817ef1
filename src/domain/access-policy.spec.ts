import { assertMakerChecker, communityInScope, institutionInScope, rolesNotAllowedFor, scopeOf } from './access-policy';
import { DomainError } from './domain-error';

const bureau = { id: 1, type: 'BUREAU' as const, countyId: 10, communityId: null };
const lead = { id: 2, type: 'LEAD_HOSPITAL' as const, countyId: 10, communityId: 100 };
const township = { id: 3, type: 'TOWNSHIP_CENTER' as const, countyId: 10, communityId: 100 };
const village = { id: 4, type: 'VILLAGE_CLINIC' as const, countyId: 10, communityId: 100, parentId: 3 };
const otherVillage = { id: 5, type: 'VILLAGE_CLINIC' as const, countyId: 10, communityId: 100, parentId: 6 };
const foreign = { id: 7, type: 'TOWNSHIP_CENTER' as const, countyId: 11, communityId: 101, parentId: null };
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
});
