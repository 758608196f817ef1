import fc from 'fast-check';
import {
  assertAnalysisComplete,
  assertQuarterEnded,
  buildFundAnalysis,
  FUND_ANALYSIS_LIFECYCLE,
  FundAnalysisInputs,
  PeriodFlows,
  quarterPeriods,
} from './fund-analysis';
import { InstitutionType } from './institution-registry';
import { Dec, Money } from './money';
import { CareUnit, OutOfCountyGroup, RecordGroup } from './performance-assessment';
import { refusal } from './refusal.spec-helper';
import { VisitType } from './settlement-record';

const unit = (code: string, type: InstitutionType, parentCode: string | null = null): CareUnit => ({
  code,
  name: `${code} 名称`,
  type,
  parentCode,
});
const LEAD = unit('L', 'LEAD_HOSPITAL');
const TCM = unit('H2', 'COUNTY_HOSPITAL');
const T1 = unit('T1', 'TOWNSHIP_CENTER');
const V1 = unit('V1', 'VILLAGE_CLINIC', 'T1');
const g = (
  u: CareUnit,
  visitType: VisitType,
  records: number,
  fundPaid: string,
  insuredTownshipCode: string | null = null,
): RecordGroup => ({
  unit: u,
  visitType,
  insuredTownshipCode,
  clinicalPathway: false,
  records,
  fundPaid: Money.of(fundPaid),
  totalCost: Money.of(fundPaid).plus(Money.of('10.00')),
});
const ooc = (referred: boolean, settlements: number, fundPaid: string): OutOfCountyGroup => ({
  referred,
  settlements,
  fundPaid: Money.of(fundPaid),
  totalCost: Money.of(fundPaid),
});

const QUARTER: PeriodFlows = {
  groups: [
    g(LEAD, 'OUTPATIENT', 4, '400.00'),
    g(LEAD, 'INPATIENT', 2, '6000.00', 'T1'),
    g(T1, 'OUTPATIENT', 10, '300.00'),
    g(V1, 'OUTPATIENT', 5, '100.00'),
    g(T1, 'INPATIENT', 1, '1500.00', 'T2'),
    g(T1, 'CHRONIC_SPECIAL', 2, '200.00'),
  ],
  outOfCounty: [ooc(true, 1, '5000.00'), ooc(false, 2, '2500.00')],
};
const inputs = (over: Partial<FundAnalysisInputs> = {}): FundAnalysisInputs => ({
  communityCode: 'MC',
  fundYear: 2026,
  quarter: 2,
  quarterFlows: QUARTER,
  previousYearFlows: {
    groups: [g(T1, 'OUTPATIENT', 8, '240.00'), g(LEAD, 'INPATIENT', 4, '10000.00')],
    outOfCounty: [ooc(false, 1, '1000.00')],
  },
  yearToDateFlows: { groups: [...QUARTER.groups, g(LEAD, 'INPATIENT', 100, '80000.00')], outOfCounty: QUARTER.outOfCounty },
  communityPackage: Money.of('120000.00'),
  thresholds: { watch: '1.05', warning: '1.10', alarm: '1.20' },
  primaryFloorRate: '0.25',
  ...over,
});

describe('quarterly fund analysis (SPEC §6, 基金运行分析)', () => {
  it('counts patient flow by level of care: township and village, county hospitals, out of county', () => {
    const a = buildFundAnalysis(inputs());
    expect(a.periods).toEqual({ from: '2026-04', to: '2026-06' });
    expect(a.patientFlow).toEqual({
      inTownship: { visits: 17, admissions: 1 },
      countyHospitals: { visits: 4, admissions: 2 },
      inCounty: { visits: 21, admissions: 3 },
      outOfCounty: { visits: null, admissions: 3 },
      inCountyAdmissionRate: '0.5000',
      outsideTownshipAdmissions: 3,
    });
  });

  it('shows fund flow by unit, by category and in against out of county, to the fen', () => {
    const f = buildFundAnalysis(inputs()).fundFlow;
    expect(f.byUnit).toEqual([
      { unitCode: 'L', unitName: 'L 名称', unitType: 'LEAD_HOSPITAL', primary: false, visits: 4, admissions: 2, approved: '6400.00' },
      { unitCode: 'T1', unitName: 'T1 名称', unitType: 'TOWNSHIP_CENTER', primary: true, visits: 12, admissions: 1, approved: '2000.00' },
      { unitCode: 'V1', unitName: 'V1 名称', unitType: 'VILLAGE_CLINIC', primary: true, visits: 5, admissions: 0, approved: '100.00' },
    ]);
    expect(f.byCategory.map((c) => `${c.category}=${c.amount}@${c.share}`)).toEqual([
      'OUTPATIENT=800.00@0.0500',
      'INPATIENT=7500.00@0.4688',
      'CHRONIC_SPECIAL=200.00@0.0125',
      'MATERNITY=0.00@0.0000',
      'OUT_OF_COUNTY=7500.00@0.4688',
    ]);
    expect(f).toMatchObject({
      inCounty: '8500.00',
      outOfCounty: '7500.00',
      total: '16000.00',
      outOfCountyShare: '0.4688',
      primary: '2100.00',
    });
  });

  it('reads the burn ratio at the quarter’s end with the county’s thresholds and floor', () => {
    const r = buildFundAnalysis(inputs()).risk;
    // Year to date 88 500 + 7 500 = 96 000 against M × 6 ÷ 12 = 60 000.
    expect(r).toMatchObject({
      elapsedMonths: 6,
      communityPackage: '120000.00',
      yearToDate: { memberApproved: '88500.00', primaryApproved: '2100.00', outOfCounty: '7500.00' },
    });
    expect(r.burn).toEqual({
      expenditure: '96000.00',
      budgetToDate: '60000.00',
      burnRatio: '1.6000',
      level: 'ALARM',
      projectedExpenditure: '192000.00',
      projectedOverspend: '72000.00',
      primaryShareToDate: '0.0219', // SPEC §13: 2 100 ÷ 96 000 of expenditure to date (was ÷ the 60 000 budget to date)
      projectedPrimaryShare: '0.0350',
      primaryFloorRate: '0.25',
      primaryBelowFloor: true,
    });
    expect(r.alerts).toHaveLength(2);
    expect(
      buildFundAnalysis(inputs({ thresholds: { watch: '1.70', warning: '1.80', alarm: '1.90' }, primaryFloorRate: '0.03' })).risk,
    ).toMatchObject({ burn: { level: 'NORMAL', primaryBelowFloor: false }, alerts: [] });
    expect(buildFundAnalysis(inputs({ communityPackage: null })).risk).toMatchObject({
      burn: null,
      communityPackage: null,
      alerts: [expect.stringContaining('no approved package')],
    });
  });

  it('compares with the same quarter of the previous year', () => {
    const y = buildFundAnalysis(inputs()).yearOnYear;
    expect(y.previousFundYear).toBe(2025);
    expect(y.available).toBe(true);
    expect(y.items.map((i) => `${i.item}: ${i.current} ${i.previous} ${i.change} ${i.changeRate}`)).toEqual([
      'inTownshipVisits: 17 8 9 1.1250',
      'inTownshipAdmissions: 1 0 1 null',
      'countyHospitalVisits: 4 0 4 null',
      'countyHospitalAdmissions: 2 4 -2 -0.5000',
      'outOfCountyAdmissions: 3 1 2 2.0000',
      'inCountyFund: 8500.00 10240.00 -1740.00 -0.1699',
      'outOfCountyFund: 7500.00 1000.00 6500.00 6.5000',
      'primaryFund: 2100.00 240.00 1860.00 7.7500',
      'totalFund: 16000.00 11240.00 4760.00 0.4235',
    ]);
    const none = buildFundAnalysis(inputs({ previousYearFlows: null })).yearOnYear;
    expect(none.available).toBe(false);
    expect(none.items.every((i) => i.previous === null && i.change === null && i.changeRate === null)).toBe(true);
    // A change of one fen on 499 999.99 shows as a rate of 0.0000, the change itself as 0.01.
    const lead = (fundPaid: string): PeriodFlows => ({ groups: [g(LEAD, 'OUTPATIENT', 1, fundPaid)], outOfCounty: [] });
    const tiny = buildFundAnalysis(inputs({ quarterFlows: lead('500000.00'), previousYearFlows: lead('499999.99') })).yearOnYear;
    expect(tiny.items.find((i) => i.item === 'inCountyFund')).toMatchObject({ change: '0.01', changeRate: '0.0000' });
  });

  it('knows each quarter’s months and refuses a quarter that has not ended', () => {
    expect(quarterPeriods(2026, 1)).toEqual({ from: '2026-01', to: '2026-03', lastDay: '2026-03-31' });
    expect(quarterPeriods(2024, 4)).toEqual({ from: '2024-10', to: '2024-12', lastDay: '2024-12-31' });
    expect(assertQuarterEnded(2026, 3, '2026-10-01').lastDay).toBe('2026-09-30');
    expect(refusal(() => assertQuarterEnded(2026, 3, '2026-09-30'))).toMatchObject({
      code: 'QUARTER_NOT_ENDED',
      kind: 'unprocessable',
      details: [{ field: 'quarter', rule: 'quarterEnded' }],
    });
    expect(refusal(() => assertQuarterEnded(2026, 5, '2027-01-01')).details[0]).toMatchObject({ field: 'quarter', rule: 'quarter' });
  });

  it('lets a draft be refreshed and edited, and fixes it once submitted', () => {
    expect(FUND_ANALYSIS_LIFECYCLE.apply('DRAFT', 'refresh')).toBe('DRAFT');
    expect(FUND_ANALYSIS_LIFECYCLE.apply('DRAFT', 'submit')).toBe('SUBMITTED');
    for (const action of ['refresh', 'edit', 'submit'] as const) {
      expect(refusal(() => FUND_ANALYSIS_LIFECYCLE.apply('SUBMITTED', action))).toMatchObject({
        code: 'ILLEGAL_TRANSITION',
        kind: 'conflict',
      });
    }
  });
});

describe('fund analysis properties', () => {
  const units = [LEAD, TCM, T1, V1];
  const groupArb = fc
    .record({
      u: fc.constantFrom(...units),
      visit: fc.constantFrom<VisitType>('OUTPATIENT', 'INPATIENT', 'CHRONIC_SPECIAL', 'MATERNITY'),
      township: fc.constantFrom(null, 'T1', 'T2'),
      records: fc.integer({ min: 1, max: 99 }),
      fen: fc.integer({ min: 0, max: 50_000_000 }),
    })
    .map((x) => g(x.u, x.visit, x.records, (x.fen / 100).toFixed(2), x.township));
  const oocArb = fc
    .record({ referred: fc.boolean(), n: fc.integer({ min: 1, max: 9 }), fen: fc.integer({ min: 0, max: 50_000_000 }) })
    .map((x) => ooc(x.referred, x.n, (x.fen / 100).toFixed(2)));
  const flowsArb = fc.record({ groups: fc.array(groupArb, { maxLength: 25 }), outOfCounty: fc.array(oocArb, { maxLength: 5 }) });

  it('conserves money and counts: units sum to in-county, categories to the total, levels to in-county', () => {
    fc.assert(
      fc.property(flowsArb, fc.option(flowsArb, { nil: null }), (flows, previous) => {
        const a = buildFundAnalysis(inputs({ quarterFlows: flows, previousYearFlows: previous, yearToDateFlows: flows }));
        const sum = (xs: string[]) => Money.sum(xs.map((x) => Money.of(x)));
        expect(sum(a.fundFlow.byUnit.map((u) => u.approved)).toString()).toBe(a.fundFlow.inCounty);
        expect(sum(a.fundFlow.byCategory.map((c) => c.amount)).toString()).toBe(a.fundFlow.total);
        expect(Money.of(a.fundFlow.inCounty).plus(Money.of(a.fundFlow.outOfCounty)).toString()).toBe(a.fundFlow.total);
        const p = a.patientFlow;
        expect(p.inCounty).toEqual({
          visits: p.inTownship.visits! + p.countyHospitals.visits!,
          admissions: p.inTownship.admissions + p.countyHospitals.admissions,
        });
        expect(p.inCounty.visits! + p.inCounty.admissions).toBe(flows.groups.reduce((s, x) => s + x.records, 0));
        expect(p.outsideTownshipAdmissions).toBeLessThanOrEqual(p.inCounty.admissions);
        expect(a.fundFlow.byUnit.map((u) => u.unitCode)).toEqual([...new Set(flows.groups.map((x) => x.unit.code))].sort());
        for (const i of a.yearOnYear.items) {
          if (i.changeRate === null) continue;
          // The change over last year's figure, to four places: a change too small to show reads 0.0000.
          const exact = new Dec(i.change!).dividedBy(i.previous!);
          expect(new Dec(i.changeRate).minus(exact).abs().lte('0.00005')).toBe(true);
          expect([0, Math.sign(Number(i.change))]).toContain(Math.sign(Number(i.changeRate)));
        }
      }),
    );
  });
});

describe('assertAnalysisComplete', () => {
  it('lets an analysis with a summary be submitted', () => {
    expect(() => assertAnalysisComplete({ summary: '运行平稳' })).not.toThrow();
  });

  it.each([null, '', '   '])('refuses a summary of %p', (summary) => {
    const e = refusal(() => assertAnalysisComplete({ summary }));
    expect(e).toMatchObject({
      code: 'ANALYSIS_INCOMPLETE',
      kind: 'unprocessable',
      message: 'the lead unit’s summary (分析说明) is required before the analysis is submitted',
    });
    expect(e.details).toEqual([{ field: 'summary', rule: 'requiredToSubmit', message: 'summary is empty' }]);
  });
});
