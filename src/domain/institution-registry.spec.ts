import { checkInstitutionPlacement, InstitutionPlacement, isPrimaryInstitution, INSTITUTION_TYPES } from './institution-registry';

const community = { code: 'WS-MC', countyCode: 'WS', active: true };
const township = { code: 'WS-TC-01', countyCode: 'WS', active: true, type: 'TOWNSHIP_CENTER' as const, communityCode: 'WS-MC' };

function placement(p: Partial<InstitutionPlacement>): InstitutionPlacement {
  return {
    type: 'VILLAGE_CLINIC',
    countyCode: 'WS',
    community,
    communityCodeGiven: 'WS-MC',
    parent: township,
    parentCodeGiven: 'WS-TC-01',
    otherLeadOfCommunity: null,
    ...p,
  };
}

const rules = (p: Partial<InstitutionPlacement>) => checkInstitutionPlacement(placement(p)).map((e) => `${e.field}:${e.rule}`);

describe('institution placement (SPEC §1)', () => {
  it('derives primary from type: townships and villages only', () => {
    expect(INSTITUTION_TYPES.filter(isPrimaryInstitution)).toEqual(['TOWNSHIP_CENTER', 'VILLAGE_CLINIC']);
  });

  it('accepts a village clinic under a township of its community', () => {
    expect(rules({})).toEqual([]);
  });

  it('rejects a village clinic whose parent is not a township', () => {
    expect(rules({ parent: { ...township, type: 'COUNTY_HOSPITAL' } })).toEqual(['parentCode:parentMustBeTownship']);
  });

  it('rejects a village clinic without parent, or with an unknown, inactive or foreign one', () => {
    expect(rules({ parent: null, parentCodeGiven: null })).toEqual(['parentCode:requiredForVillageClinic']);
    expect(rules({ parent: undefined })).toEqual(['parentCode:exists']);
    expect(rules({ parent: { ...township, active: false } })).toEqual(['parentCode:active']);
    expect(rules({ parent: { ...township, communityCode: 'OTHER' } })).toEqual(['parentCode:sameCommunity']);
  });

  it('allows a parent only on village clinics', () => {
    expect(rules({ type: 'TOWNSHIP_CENTER' })).toEqual(['parentCode:onlyVillageClinicHasParent']);
  });

  it('requires community members to be in a community of their county, and others not', () => {
    expect(rules({ type: 'COUNTY_HOSPITAL', parent: null, parentCodeGiven: null, community: null, communityCodeGiven: null })).toEqual([
      'communityCode:requiredForCommunityMember',
    ]);
    expect(rules({ type: 'COUNTY_HOSPITAL', parent: null, parentCodeGiven: null, community: { ...community, countyCode: 'XX' } })).toEqual([
      'communityCode:sameCounty',
    ]);
    expect(rules({ type: 'PRIVATE_DESIGNATED', parent: null, parentCodeGiven: null })).toEqual(['communityCode:notAllowedForType']);
    expect(rules({ type: 'BUREAU', parent: null, parentCodeGiven: null, community: null, communityCodeGiven: null })).toEqual([]);
  });

  it('allows one active lead hospital per community', () => {
    expect(rules({ type: 'LEAD_HOSPITAL', parent: null, parentCodeGiven: null, otherLeadOfCommunity: 'WS-LEAD' })).toEqual([
      'type:oneLeadPerCommunity',
    ]);
  });
});
