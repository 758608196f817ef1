import { Scope } from './access-policy';
import { DomainError } from './domain-error';
import { assertHoldsVisible, assertListFilterKnown, documentVisible, visibleAllocationStates, visiblePlanLines } from './read-visibility';

const bureau: Scope = { kind: 'county', countyId: 1 };
const lead: Scope = { kind: 'community', countyId: 1, communityId: 5 };
const township: Scope = { kind: 'township', countyId: 1, communityId: 5, institutionId: 10 };
const village: Scope = { kind: 'self', countyId: 1, communityId: 5, institutionId: 11 };
const privateUnit: Scope = { kind: 'self', countyId: 1, communityId: null, institutionId: 20 };

describe('read visibility', () => {
  it('shows drafts and documents under review only to those who make or check them', () => {
    expect(visibleAllocationStates(bureau)).toContain('DRAFT');
    expect(visibleAllocationStates(lead)).toContain('SUBMITTED');
    for (const member of [township, village, privateUnit]) {
      expect([...visibleAllocationStates(member)].sort()).toEqual(['APPROVED', 'PUBLISHED']);
      expect(documentVisible(member, 'DRAFT')).toBe(false);
      expect(documentVisible(member, 'SUBMITTED')).toBe(false);
      expect(documentVisible(member, 'PUBLISHED')).toBe(true);
    }
  });

  it('shows a member unit its own plan lines (a township also its villages’) and the lines naming no unit', () => {
    const lines = [
      { institutionId: 3, parentId: null, name: 'lead' },
      { institutionId: 10, parentId: null, name: 'township' },
      { institutionId: 11, parentId: 10, name: 'village' },
      { institutionId: 12, parentId: null, name: 'other township' },
      { institutionId: null, parentId: null, name: 'out of county' },
    ];
    const names = (scope: Scope) => visiblePlanLines(scope, lines).map((l) => l.name);
    expect(names(bureau)).toHaveLength(5);
    expect(names(lead)).toHaveLength(5);
    expect(names(township)).toEqual(['township', 'village', 'out of county']);
    expect(names(village)).toEqual(['village', 'out of county']);
    expect(names(privateUnit)).toEqual(['out of county']);
  });

  it('shows holds to the bureau and the lead unit, refusing member units', () => {
    expect(() => assertHoldsVisible(bureau, 'MC')).not.toThrow();
    expect(() => assertHoldsVisible(lead, 'MC')).not.toThrow();
    for (const member of [township, village, privateUnit]) {
      expect(() => assertHoldsVisible(member, 'MC')).toThrow(DomainError);
    }
  });

  it('refuses a list filter it cannot apply, naming it', () => {
    expect(() => assertListFilterKnown('countyCode', 'NOPE', true)).not.toThrow();
    try {
      assertListFilterKnown('countyCode', 'NOPE', false);
      throw new Error('not refused');
    } catch (e) {
      expect(e).toMatchObject({ code: 'LIST_FILTER_UNKNOWN', kind: 'unprocessable', details: [{ field: 'countyCode', rule: 'exists' }] });
    }
  });
});
