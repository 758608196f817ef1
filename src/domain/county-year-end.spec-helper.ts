import { YearEndInputs } from './county-year-end';
import { Money } from './money';

const m = (v: string) => Money.of(v);

/** Tests only. SPEC §7's worked example: M 10 000 000.00, members 9 800 000.00 approved and funded, 1 200 000.00 out of county (1 000 000.00 unfunded). */
export function workedExample(over: Partial<YearEndInputs> = {}): YearEndInputs {
  return {
    county: { id: 1, code: 'WS' },
    fundYear: 2026,
    packages: new Map([['WS-MC', m('10000000.00')]]),
    parameterSet: { version: 3, surplusPrimaryWeight: '1.5' },
    communities: [{ id: 100, code: 'WS-MC' }],
    units: [
      { id: 1, code: 'WS-LEAD', name: '县人民医院', type: 'LEAD_HOSPITAL', communityId: 100 },
      { id: 2, code: 'WS-TCM', name: '县中医院', type: 'COUNTY_HOSPITAL', communityId: 100 },
      { id: 3, code: 'WS-TA', name: '甲镇卫生院', type: 'TOWNSHIP_CENTER', communityId: 100 },
      { id: 4, code: 'WS-TB', name: '乙镇卫生院', type: 'TOWNSHIP_CENTER', communityId: 100 },
      { id: 5, code: 'WS-TA-V1', name: '甲一村卫生室', type: 'VILLAGE_CLINIC', communityId: 100 },
    ],
    declarations: [
      {
        id: 10,
        communityId: 100,
        approved: m('9800000.00'),
        deposit: Money.ZERO,
        funded: m('9800000.00'),
        claims: [1, 2, 3, 4].map((submitterId) => ({ submitterId, period: '2026-12' })),
      },
    ],
    privateClaims: [],
    records: [
      { unitId: 1, submitterId: 1, claimPeriod: '2026-12', records: 52, approved: m('5200000.00') },
      { unitId: 2, submitterId: 2, claimPeriod: '2026-12', records: 18, approved: m('1800000.00') },
      { unitId: 3, submitterId: 3, claimPeriod: '2026-12', records: 15, approved: m('1500000.00') },
      { unitId: 5, submitterId: 3, claimPeriod: '2026-12', records: 3, approved: m('300000.00') },
      { unitId: 4, submitterId: 4, claimPeriod: '2026-12', records: 10, approved: m('1000000.00') },
      // A claim in no approved declaration counts as records, not as consumption.
      { unitId: 4, submitterId: 4, claimPeriod: '2026-11', records: 2, approved: m('999.00') },
    ],
    outOfCounty: [{ communityId: 100, total: m('1200000.00'), unfunded: m('1000000.00') }],
    pendingDeclarations: [],
    privateInstitutions: [],
    ledger: new Map(),
    scores: new Map(),
    ...over,
  };
}
