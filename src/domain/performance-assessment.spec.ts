import fc from 'fast-check';
import { InstitutionType } from './institution-registry';
import { Dec, Money } from './money';
import {
  AssessmentScheme,
  assessPerformance,
  careTownshipOf,
  CareUnit,
  defaultAssessmentScheme,
  EnteredValues,
  INDICATORS,
  IndicatorName,
  isOutsideTownship,
  NO_ENTERED_VALUES,
  OutOfCountyGroup,
  RecordGroup,
  recordedFigures,
  validateAssessmentScheme,
  validateEnteredValues,
  YearFigures,
} from './performance-assessment';
import { refusal } from './refusal.spec-helper';
import { VisitType } from './settlement-record';

const unit = (code: string, type: InstitutionType, parentCode: string | null = null): CareUnit => ({ code, name: code, type, parentCode });
const LEAD = unit('L', 'LEAD_HOSPITAL');
const T1 = unit('T1', 'TOWNSHIP_CENTER');
const T2 = unit('T2', 'TOWNSHIP_CENTER');
const V1 = unit('V1', 'VILLAGE_CLINIC', 'T1');

function group(
  u: CareUnit,
  visitType: VisitType,
  insuredTownshipCode: string | null,
  clinicalPathway: boolean,
  records: number,
  fundPaid: string,
  totalCost: string,
): RecordGroup {
  return {
    unit: u,
    visitType,
    insuredTownshipCode,
    clinicalPathway,
    records,
    fundPaid: Money.of(fundPaid),
    totalCost: Money.of(totalCost),
  };
}
const ooc = (referred: boolean, settlements: number, fundPaid: string, totalCost: string): OutOfCountyGroup => ({
  referred,
  settlements,
  fundPaid: Money.of(fundPaid),
  totalCost: Money.of(totalCost),
});

// A hand-worked year: 14 in-county inpatient records, 2 out-of-county settlements (1 referred), M = 100 000.00.
const GROUPS = [
  group(LEAD, 'INPATIENT', 'T1', true, 6, '30000.00', '50000.00'), // outside T1: a county hospital
  group(LEAD, 'INPATIENT', null, false, 2, '8000.00', '10000.00'), // no insured township: not counted outside
  group(T1, 'INPATIENT', 'T1', true, 3, '6000.00', '8000.00'),
  group(T1, 'INPATIENT', 'T2', false, 1, '1000.00', '2000.00'), // outside: a T2 patient in T1
  group(V1, 'OUTPATIENT', 'T2', false, 10, '500.00', '900.00'), // outpatient: primary money, no inpatient indicator
  group(T2, 'INPATIENT', 'T2', true, 2, '3000.00', '4000.00'),
];
const OOC = [ooc(true, 1, '20000.00', '30000.00'), ooc(false, 1, '5000.00', '8000.00')];
const M = Money.of('100000.00');
const PREVIOUS = {
  recorded: { ...recordedFigures([group(LEAD, 'INPATIENT', 'T2', false, 5, '1.00', '2.00')], [ooc(false, 3, '1.00', '1.00')], null) },
  entered: NO_ENTERED_VALUES,
};
const ENTERED: EnteredValues = { ...NO_ENTERED_VALUES, prefectureCompensationRatio: '0.65' };

const byName = (r: ReturnType<typeof assessPerformance>) =>
  Object.fromEntries(r.indicators.map((i) => [i.name, i])) as Record<IndicatorName, (typeof r.indicators)[number]>;

describe('performance assessment (SPEC §8)', () => {
  it('derives the year’s figures from approved records and out-of-county settlements', () => {
    expect(recordedFigures(GROUPS, OOC, M)).toEqual({
      inpatientRecords: 14,
      inCountyInpatients: 14,
      outOfCountyInpatients: 2, // every out-of-county settlement counts as an admission
      outsideTownshipInpatients: 7,
      inpatientFundPaid: Money.of('48000.00'),
      inpatientTotalCost: Money.of('74000.00'),
      clinicalPathwayInpatients: 11,
      outOfCountySettlements: 2,
      outOfCountyReferred: 1,
      primaryApproved: Money.of('10500.00'),
      communityPackage: M,
    });
  });

  it('places care in the unit’s township: a township itself, a village clinic’s parent, no township for county hospitals', () => {
    expect([careTownshipOf(T1), careTownshipOf(V1), careTownshipOf(LEAD)]).toEqual(['T1', 'T1', null]);
    expect(isOutsideTownship('T1', V1)).toBe(false);
    expect(isOutsideTownship('T2', V1)).toBe(true);
    expect(isOutsideTownship('T1', LEAD)).toBe(true);
    expect(isOutsideTownship(null, LEAD)).toBe(false);
  });

  it('scores the hand-worked year: 72.81', () => {
    const r = assessPerformance({
      current: { recorded: recordedFigures(GROUPS, OOC, M), entered: ENTERED },
      previous: PREVIOUS,
      scheme: defaultAssessmentScheme(),
      primaryFloorRate: '0.25',
    });
    const i = byName(r);
    // 14 ÷ 16 = 0.875 below 0.90: 20 × 0.875 ÷ 0.9 = 19.444… → 19.44
    expect(i.inCountyInpatientRate).toMatchObject({
      value: '0.8750',
      target: '0.9000',
      status: 'BELOW_TARGET',
      points: '19.44',
      previous: '0.6250',
      change: '0.2500',
    });
    expect(i.outOfCountyInpatientCount).toMatchObject({
      value: '2',
      previous: '3',
      change: '-1',
      target: '3',
      status: 'MET',
      points: '15.00',
    });
    expect(i.outsideTownshipInpatientCount).toMatchObject({
      value: '7',
      previous: '5',
      change: '2',
      status: 'DID_NOT_FALL',
      points: '0.00',
      met: false,
    });
    // 48 000 ÷ 74 000 = 0.648648… below 0.65: 15 × 0.648648… ÷ 0.65 = 14.9688… → 14.97
    expect(i.inpatientCompensationRatio).toMatchObject({ value: '0.6486', target: '0.6500', status: 'BELOW_TARGET', points: '14.97' });
    expect(i.clinicalPathwayRate).toMatchObject({ value: '0.7857', target: '0.5000', status: 'MET', points: '10.00' });
    expect(i.outOfCountyReferralRate).toMatchObject({ value: '0.5000', target: '1.0000', points: '5.00' });
    // 10 500 ÷ 100 000 = 0.105 against the 0.25 floor: 20 × 0.42 = 8.40; no previous M, so no previous share.
    expect(i.primaryShare).toMatchObject({ value: '0.1050', target: '0.2500', points: '8.40', previous: null, change: null });
    expect(r.score).toBe('72.81');
  });

  it('uses the counts the bureau enters in place of the recorded ones, and says so', () => {
    const entered = { ...ENTERED, outOfCountyInpatientCount: 4, outsideTownshipInpatientCount: 2 };
    const i = byName(
      assessPerformance({
        current: { recorded: recordedFigures(GROUPS, OOC, M), entered },
        previous: PREVIOUS,
        scheme: defaultAssessmentScheme(),
        primaryFloorRate: '0.25',
      }),
    );
    expect(i.outOfCountyInpatientCount).toMatchObject({ value: '4', entered: true, status: 'DID_NOT_FALL', points: '0.00' });
    expect(i.outsideTownshipInpatientCount).toMatchObject({ value: '2', entered: true, status: 'MET', points: '10.00' });
    // 14 ÷ (14 + 4) = 0.7778; the pathway rate keeps the records as denominator.
    expect(i.inCountyInpatientRate).toMatchObject({ value: '0.7778', entered: true });
    expect(i.clinicalPathwayRate.value).toBe('0.7857');
  });

  it('earns nothing where it cannot judge: no data, no prefecture average, no previous year', () => {
    const empty = recordedFigures([], [], null);
    const i = byName(
      assessPerformance({
        current: { recorded: empty, entered: NO_ENTERED_VALUES },
        previous: null,
        scheme: defaultAssessmentScheme(),
        primaryFloorRate: '0.25',
      }),
    );
    expect(i.inCountyInpatientRate).toMatchObject({ value: null, status: 'NO_DATA', points: '0.00' });
    expect(i.primaryShare.status).toBe('NO_DATA');
    // A count of zero is the best there is.
    expect(i.outOfCountyInpatientCount).toMatchObject({ value: '0', status: 'MET', points: '15.00' });
    const noTarget = byName(
      assessPerformance({
        current: { recorded: recordedFigures(GROUPS, OOC, M), entered: NO_ENTERED_VALUES },
        previous: null,
        scheme: defaultAssessmentScheme(),
        primaryFloorRate: '0.25',
      }),
    );
    expect(noTarget.inpatientCompensationRatio).toMatchObject({ status: 'NO_TARGET', points: '0.00', target: null });
    expect(noTarget.outsideTownshipInpatientCount).toMatchObject({ status: 'NO_PREVIOUS_YEAR', points: '0.00', previous: null });
  });

  it('takes its weights and targets from the bureau’s scheme', () => {
    const scheme: AssessmentScheme = {
      weights: { ...defaultAssessmentScheme().weights, inCountyInpatientRate: '30.00', primaryShare: '10.00' },
      targets: { ...defaultAssessmentScheme().targets, inCountyInpatientRate: '0.85' },
    };
    const r = assessPerformance({
      current: { recorded: recordedFigures(GROUPS, OOC, M), entered: ENTERED },
      previous: PREVIOUS,
      scheme,
      primaryFloorRate: '0.25',
    });
    expect(byName(r).inCountyInpatientRate).toMatchObject({ status: 'MET', points: '30.00', weight: '30.00' });
    expect(byName(r).primaryShare.points).toBe('4.20');
    expect(r.score).toBe('79.17'); // 30 + 15 + 0 + 14.97 + 10 + 5 + 4.20
  });

  it('refuses weights that do not sum to 100 or are not points, naming the field', () => {
    const w = defaultAssessmentScheme();
    expect(refusal(() => validateAssessmentScheme({ ...w, weights: { ...w.weights, primaryShare: '19.99' } })).details).toEqual([
      expect.objectContaining({ field: 'weights', rule: 'sumTo100' }),
    ]);
    expect(refusal(() => validateAssessmentScheme({ ...w, weights: { ...w.weights, primaryShare: '20.001' } })).details[0]).toMatchObject({
      field: 'weights.primaryShare',
      rule: 'weight',
    });
    expect(refusal(() => validateAssessmentScheme({ ...w, weights: { ...w.weights, primaryShare: '-5' } })).details[0].field).toBe(
      'weights.primaryShare',
    );
    expect(
      refusal(() => validateAssessmentScheme({ ...w, targets: { ...w.targets, clinicalPathwayRate: '50' } })).details[0],
    ).toMatchObject({ field: 'targets.clinicalPathwayRate', rule: 'rate' });
    expect(refusal(() => validateAssessmentScheme({ ...w, weights: { ...w.weights, bogus: '0' } as never })).details[0]).toMatchObject({
      field: 'weights.bogus',
      rule: 'unknownIndicator',
    });
    expect(validateAssessmentScheme({ ...w, weights: { ...w.weights, primaryShare: '20' } }).weights.primaryShare).toBe('20.00');
  });

  it('refuses entered values that are not shares or counts', () => {
    expect(refusal(() => validateEnteredValues({ ...NO_ENTERED_VALUES, prefectureCompensationRatio: '65' })).details[0]).toMatchObject({
      field: 'prefectureCompensationRatio',
      rule: 'rate',
    });
    expect(refusal(() => validateEnteredValues({ ...NO_ENTERED_VALUES, outOfCountyInpatientCount: -1 })).details[0]).toMatchObject({
      field: 'outOfCountyInpatientCount',
      rule: 'count',
    });
    expect(refusal(() => validateEnteredValues({ ...NO_ENTERED_VALUES, inCountyInpatientCount: 1.5 })).code).toBe('ENTERED_VALUES_INVALID');
    expect(validateEnteredValues({ ...NO_ENTERED_VALUES, prefectureCompensationRatio: '0.6' }).prefectureCompensationRatio).toBe('0.60');
  });
});

// ---------------------------------------------------------------- properties

const cents = (n: number) => (n / 100).toFixed(2);
/** Seven weights in fen of a point that sum to exactly 100.00. */
const weightsArb = fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 6, maxLength: 6 }).map((xs) => {
  const cuts = [...xs].sort((a, b) => a - b);
  const parts = [cuts[0], ...cuts.slice(1).map((c, i) => c - cuts[i]), 10_000 - cuts[5]];
  return Object.fromEntries(INDICATORS.map((name, i) => [name, cents(parts[i])])) as AssessmentScheme['weights'];
});
const rateArb = fc.integer({ min: 0, max: 10_000 }).map((n) => new Dec(n).dividedBy(10_000).toFixed(4));
const amountArb = fc.integer({ min: 0, max: 10_000_000 }).map((n) => Money.of(cents(n)));
const figuresArb: fc.Arbitrary<YearFigures> = fc
  .record({
    inpatientRecords: fc.nat(500),
    outOfCounty: fc.nat(200),
    referred: fc.nat(200),
    outside: fc.nat(500),
    pathway: fc.nat(500),
    fundPaid: amountArb,
    extraCost: amountArb,
    primary: amountArb,
    m: fc.option(
      amountArb.filter((a) => a.isPositive()),
      { nil: null },
    ),
  })
  .map((x) => ({
    inpatientRecords: x.inpatientRecords,
    inCountyInpatients: x.inpatientRecords,
    outOfCountyInpatients: x.outOfCounty,
    outsideTownshipInpatients: Math.min(x.outside, x.inpatientRecords),
    inpatientFundPaid: x.fundPaid,
    inpatientTotalCost: x.fundPaid.plus(x.extraCost),
    clinicalPathwayInpatients: Math.min(x.pathway, x.inpatientRecords),
    outOfCountySettlements: x.outOfCounty,
    outOfCountyReferred: Math.min(x.referred, x.outOfCounty),
    primaryApproved: x.primary,
    communityPackage: x.m,
  }));
const schemeArb = fc.record({
  weights: weightsArb,
  targets: fc.record({ inCountyInpatientRate: rateArb, clinicalPathwayRate: rateArb, outOfCountyReferralRate: rateArb }),
});
const enteredArb = fc.record({
  prefectureCompensationRatio: fc.option(rateArb, { nil: null }),
  inCountyInpatientCount: fc.option(fc.nat(1000), { nil: null }),
  outOfCountyInpatientCount: fc.option(fc.nat(1000), { nil: null }),
  outsideTownshipInpatientCount: fc.option(fc.nat(1000), { nil: null }),
});

describe('performance assessment properties', () => {
  it('scores 0.00 to 100.00, each indicator within its weight, the score the sum of the points', () => {
    fc.assert(
      fc.property(
        figuresArb,
        fc.option(figuresArb, { nil: null }),
        schemeArb,
        enteredArb,
        rateArb,
        (current, previous, scheme, entered, floor) => {
          const r = assessPerformance({
            current: { recorded: current, entered },
            previous: previous && { recorded: previous, entered: NO_ENTERED_VALUES },
            scheme,
            primaryFloorRate: floor,
          });
          const score = new Dec(r.score);
          expect(score.gte(0) && score.lte(100)).toBe(true);
          expect(r.score).toMatch(/^\d{1,3}\.\d{2}$/);
          expect(r.indicators.reduce((s, i) => s.plus(i.points), new Dec(0)).toFixed(2)).toBe(r.score);
          for (const i of r.indicators) {
            expect(new Dec(i.points).lte(i.weight) && new Dec(i.points).gte(0)).toBe(true);
            if (i.met) expect(i.points).toBe(i.weight);
          }
        },
      ),
    );
  });

  it('gives every met target its full weight; with no out-of-county settlements the referral rate has no data', () => {
    fc.assert(
      fc.property(
        weightsArb,
        fc.integer({ min: 1, max: 500 }),
        amountArb.filter((a) => a.isPositive()),
        (weights, inpatients, paid) => {
          const current: YearFigures = {
            ...recordedFigures([], [], paid),
            inpatientRecords: inpatients,
            inCountyInpatients: inpatients,
            clinicalPathwayInpatients: inpatients,
            inpatientFundPaid: paid,
            inpatientTotalCost: paid,
            primaryApproved: paid,
          };
          const r = assessPerformance({
            current: { recorded: current, entered: { ...NO_ENTERED_VALUES, prefectureCompensationRatio: '1' } },
            previous: null,
            scheme: { ...defaultAssessmentScheme(), weights },
            primaryFloorRate: '1',
          });
          expect(r.indicators.filter((i) => !i.met).map((i) => i.name)).toEqual(['outOfCountyReferralRate']); // no out-of-county settlements: no data
          expect(r.score).toBe(new Dec(100).minus(weights.outOfCountyReferralRate).toFixed(2));
        },
      ),
    );
  });

  it('accepts exactly the weights that sum to 100', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 7, maxLength: 7 }), (parts) => {
        const weights = Object.fromEntries(INDICATORS.map((n, i) => [n, cents(parts[i])])) as AssessmentScheme['weights'];
        const sum = parts.reduce((a, b) => a + b, 0);
        const attempt = () => validateAssessmentScheme({ weights, targets: defaultAssessmentScheme().targets });
        if (sum === 10_000) expect(attempt().weights).toEqual(weights);
        else expect(refusal(attempt).details).toEqual([expect.objectContaining({ field: 'weights', rule: 'sumTo100' })]);
      }),
    );
  });

  it('derives the same figures whatever order the groups come in, outside-township admissions never above inpatients', () => {
    const units = [LEAD, T1, T2, V1];
    const groupArb = fc
      .record({
        u: fc.constantFrom(...units),
        visit: fc.constantFrom<VisitType>('OUTPATIENT', 'INPATIENT', 'CHRONIC_SPECIAL', 'MATERNITY'),
        township: fc.constantFrom(null, 'T1', 'T2', 'T9'),
        pathway: fc.boolean(),
        records: fc.integer({ min: 1, max: 50 }),
        paid: amountArb,
      })
      .map((g) => group(g.u, g.visit, g.township, g.pathway, g.records, g.paid.toString(), g.paid.plus(Money.of('1.00')).toString()));
    fc.assert(
      fc.property(fc.array(groupArb, { maxLength: 20 }), (groups) => {
        const f = recordedFigures(groups, [], M);
        expect(recordedFigures([...groups].reverse(), [], M)).toEqual(f);
        expect(f.outsideTownshipInpatients).toBeLessThanOrEqual(f.inpatientRecords);
        expect(f.clinicalPathwayInpatients).toBeLessThanOrEqual(f.inpatientRecords);
        expect(f.primaryApproved.lte(Money.sum(groups.map((g) => g.fundPaid)))).toBe(true);
      }),
    );
  });
});
