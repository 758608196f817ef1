import fc from 'fast-check';
import {
  afterFundYear,
  checkRuleSet,
  costOutlier,
  costsByDiagnosis,
  defaultRuleSet,
  duplicateSettlement,
  hitKey,
  lengthOfStay,
  nonAdmittingUnit,
  outpatientFrequency,
  ReviewRecord,
  RuleDefinition,
  RuleId,
  runRules,
  splitAdmission,
} from './review-rules';
import { DomainError } from './domain-error';

const rule = (id: RuleId, params?: Record<string, number>): RuleDefinition => {
  const r = defaultRuleSet().find((x) => x.id === id)!;
  return { ...r, params: { ...r.params, ...params } };
};

let seq = 0;
const stay = (admission: string, discharge: string, extra: Partial<ReviewRecord> = {}): ReviewRecord => ({
  id: `R${++seq}`,
  insuredHash: 'P1',
  unitCode: 'WS-TC-01',
  unitAdmits: true,
  visitType: 'INPATIENT',
  admissionDate: admission,
  dischargeDate: discharge,
  visitDate: null,
  settlementDate: discharge,
  diagnosisCode: 'J18.9',
  totalFen: 300_000n,
  fundFen: 200_000n,
  ...extra,
});
const visit = (date: string, extra: Partial<ReviewRecord> = {}): ReviewRecord => ({
  id: `R${++seq}`,
  insuredHash: 'P1',
  unitCode: 'WS-TC-01',
  unitAdmits: true,
  visitType: 'OUTPATIENT',
  admissionDate: null,
  dischargeDate: null,
  visitDate: date,
  settlementDate: date,
  diagnosisCode: 'J06.9',
  totalFen: 8_000n,
  fundFen: 5_000n,
  ...extra,
});

describe('duplicate settlement (重复结算)', () => {
  it('flags overlapping stays of one person at one unit; the later one is the duplicate, its fund payment the deduction', () => {
    const a = stay('2026-10-01', '2026-10-06');
    const b = stay('2026-10-04', '2026-10-08', { fundFen: 123_456n });
    const [h] = duplicateSettlement([a, b], rule('DUPLICATE_SETTLEMENT'));
    expect(h.recordIds).toEqual([b.id, a.id]);
    expect(h.deductionFen).toBe(123_456n);
    expect(h.severity).toBe('VIOLATION');
  });
  it('does not flag a stay beginning on the day of the previous discharge, other persons or other units', () => {
    const a = stay('2026-10-01', '2026-10-06');
    const records = [
      a,
      stay('2026-10-06', '2026-10-09', { diagnosisCode: 'K35.8' }),
      stay('2026-10-02', '2026-10-05', { insuredHash: 'P2' }),
      stay('2026-10-02', '2026-10-05', { unitCode: 'WS-CH-01' }),
    ];
    expect(duplicateSettlement(records, rule('DUPLICATE_SETTLEMENT'))).toEqual([]);
  });
  it('flags the same visit settled twice (same day, diagnosis and cost) but not two different visits that day', () => {
    const a = visit('2026-10-03');
    const b = visit('2026-10-03');
    const c = visit('2026-10-03', { diagnosisCode: 'I10', totalFen: 4_000n });
    expect(duplicateSettlement([a, b, c], rule('DUPLICATE_SETTLEMENT')).map((h) => h.recordIds)).toEqual([[b.id, a.id]]);
  });
});

describe('split admission (分解住院)', () => {
  it('flags a readmission within N days with the same diagnosis at the same unit', () => {
    const a = stay('2026-10-01', '2026-10-06');
    const b = stay('2026-10-10', '2026-10-14');
    const [h] = splitAdmission([b, a], rule('SPLIT_ADMISSION', { readmissionDays: 15 }));
    expect(h.recordIds).toEqual([b.id, a.id]);
    expect(h.evidence).toMatchObject({ gapDays: 4, limitDays: 15 });
    expect(h.deductionFen).toBe(b.fundFen);
  });
  it('respects the threshold both ways: a gap of exactly N is flagged, N + 1 is not', () => {
    const a = stay('2026-09-01', '2026-09-05');
    const b = stay('2026-09-20', '2026-09-25');
    expect(splitAdmission([a, b], rule('SPLIT_ADMISSION', { readmissionDays: 15 }))).toHaveLength(1);
    expect(splitAdmission([a, b], rule('SPLIT_ADMISSION', { readmissionDays: 14 }))).toHaveLength(0);
  });
  it('ignores another diagnosis or another unit', () => {
    const a = stay('2026-10-01', '2026-10-06');
    expect(splitAdmission([a, stay('2026-10-08', '2026-10-10', { diagnosisCode: 'K35.8' })], rule('SPLIT_ADMISSION'))).toEqual([]);
    expect(splitAdmission([a, stay('2026-10-08', '2026-10-10', { unitCode: 'WS-CH-01' })], rule('SPLIT_ADMISSION'))).toEqual([]);
  });
});

describe('length of stay (住院天数异常)', () => {
  it('flags stays outside [minDays, maxDays] and leaves those inside', () => {
    const r = rule('LENGTH_OF_STAY', { minDays: 1, maxDays: 30 });
    const short = stay('2026-10-05', '2026-10-05');
    const long = stay('2026-08-01', '2026-10-10', { fundFen: 70_000n }); // 70 days
    const ok = [stay('2026-10-01', '2026-10-02'), stay('2026-09-01', '2026-10-01')];
    const hits = lengthOfStay([short, long, ...ok], r);
    expect(hits.map((h) => h.recordIds[0])).toEqual([short.id, long.id]);
    expect(hits[0].deductionFen).toBe(short.fundFen);
    expect(hits[1].deductionFen).toBe(40_000n); // 40 of 70 days beyond the limit
  });
});

describe('cost per stay (次均费用异常)', () => {
  it('flags a stay above the multiple of the diagnosis median, deducting the fund share of the excess', () => {
    const usual = Array.from({ length: 25 }, (_, i) =>
      stay('2026-10-01', '2026-10-05', { insuredHash: `P${i}`, totalFen: 300_000n + BigInt(i) }),
    );
    const dear = stay('2026-10-01', '2026-10-05', { insuredHash: 'PX', totalFen: 1_200_000n, fundFen: 600_000n });
    const hits = costOutlier([...usual, dear], rule('COST_OUTLIER', { multipleOfMedian: 3, minCases: 20 }));
    expect(hits.map((h) => h.recordIds[0])).toEqual([dear.id]);
    const limit = BigInt(hits[0].evidence.limitFen as string);
    expect(limit).toBe(900_036n);
    expect(hits[0].deductionFen).toBe((600_000n * (1_200_000n - limit)) / 1_200_000n);
  });
  it('compares with the county distribution when given, not only the records at hand', () => {
    const county = new Map([['J18.9', Array.from({ length: 30 }, () => 100_000n)]]);
    const one = stay('2026-10-01', '2026-10-05', { totalFen: 400_000n });
    expect(costOutlier([one], rule('COST_OUTLIER'))).toEqual([]);
    expect(costOutlier([one], rule('COST_OUTLIER'), { costsByDiagnosis: county }).map((h) => h.recordIds)).toEqual([[one.id]]);
    expect(costsByDiagnosis([one, stay('2026-10-01', '2026-10-02', { totalFen: 1n })]).get('J18.9')).toEqual([1n, 400_000n]);
  });
  it('needs minCases stays of the diagnosis', () => {
    const few = Array.from({ length: 5 }, () => stay('2026-10-01', '2026-10-05'));
    few.push(stay('2026-10-01', '2026-10-05', { totalFen: 10_000_000n }));
    expect(costOutlier(few, rule('COST_OUTLIER', { minCases: 20 }))).toEqual([]);
  });
});

describe('outpatient frequency (门诊频次异常)', () => {
  it('one hit per visit beyond maxVisits within the window, naming it first, and only those', () => {
    const visits = Array.from({ length: 10 }, (_, i) => visit(`2026-10-${String(i * 2 + 1).padStart(2, '0')}`));
    const hits = outpatientFrequency(visits, rule('OUTPATIENT_FREQUENCY', { maxVisits: 8, windowDays: 30 }));
    expect(hits.map((h) => h.recordIds[0])).toEqual([visits[8].id, visits[9].id]);
    expect(hits[0].recordIds).toHaveLength(9);
    expect(hits.map((h) => h.deductionFen)).toEqual([5_000n, 5_000n]);
    expect(outpatientFrequency(visits.slice(0, 8), rule('OUTPATIENT_FREQUENCY', { maxVisits: 8 }))).toEqual([]);
  });
  it('visits spread beyond the window do not count together', () => {
    const visits = Array.from({ length: 12 }, (_, i) => visit(new Date(Date.UTC(2026, 0, 1 + i * 10)).toISOString().slice(0, 10)));
    expect(outpatientFrequency(visits, rule('OUTPATIENT_FREQUENCY', { maxVisits: 3, windowDays: 30 }))).toEqual([]);
  });
});

describe('a unit that may not admit (无住院资质)', () => {
  it('flags an inpatient stay at a village clinic, not its outpatient visits', () => {
    const bad = stay('2026-10-01', '2026-10-03', { unitCode: 'WS-VC-01', unitAdmits: false });
    const fine = visit('2026-10-01', { unitCode: 'WS-VC-01', unitAdmits: false });
    expect(nonAdmittingUnit([bad, fine], rule('NON_ADMITTING_UNIT')).map((h) => h.recordIds)).toEqual([[bad.id]]);
  });
});

describe('settlement after the fund year (跨基金年度结算)', () => {
  it('flags care of one year settled beyond the grace days after it ended', () => {
    const late = visit('2025-11-20', { settlementDate: '2026-10-05' });
    const january = stay('2025-12-20', '2025-12-30', { settlementDate: '2026-01-15' });
    const r = rule('AFTER_FUND_YEAR', { graceDays: 31 });
    expect(afterFundYear([late, january], r).map((h) => h.recordIds[0])).toEqual([late.id]);
    expect(afterFundYear([january], rule('AFTER_FUND_YEAR', { graceDays: 10 }))).toHaveLength(1);
  });
});

describe('the rule set', () => {
  it('the default set passes its own check, and bounds are enforced with every problem named', () => {
    expect(checkRuleSet(defaultRuleSet())).toEqual(defaultRuleSet());
    const bad = defaultRuleSet().map((r) => (r.id === 'LENGTH_OF_STAY' ? { ...r, params: { minDays: 25, maxDays: 20 } } : r));
    bad.push({ ...bad[0] });
    try {
      checkRuleSet(bad);
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).details.map((d) => d.rule).sort()).toEqual(['notAboveMax', 'unique']);
    }
  });
  it('a disabled rule yields nothing; `only` keeps hits touching the given records', () => {
    const a = stay('2026-10-01', '2026-10-06');
    const b = stay('2026-10-04', '2026-10-08');
    const set = defaultRuleSet();
    expect(runRules([a, b], set).map((h) => h.ruleId)).toEqual(['DUPLICATE_SETTLEMENT']);
    expect(
      runRules(
        [a, b],
        set.map((r) => ({ ...r, enabled: false })),
      ),
    ).toEqual([]);
    expect(runRules([a, b], set, new Set(['nope']))).toEqual([]);
    expect(hitKey({ ruleId: 'DUPLICATE_SETTLEMENT', recordIds: ['b', 'a'] })).toBe(
      hitKey({ ruleId: 'DUPLICATE_SETTLEMENT', recordIds: ['a', 'b'] }),
    );
  });
});

describe('properties', () => {
  const day = fc.integer({ min: 0, max: 60 }).map((n) => new Date(Date.UTC(2026, 8, 1 + n)).toISOString().slice(0, 10));
  const record = fc
    .record({
      person: fc.constantFrom('P1', 'P2', 'P3'),
      unit: fc.constantFrom('U1', 'U2'),
      inpatient: fc.boolean(),
      start: day,
      len: fc.integer({ min: 0, max: 20 }),
      diagnosis: fc.constantFrom('J18.9', 'K35.8'),
      total: fc.bigInt({ min: 0n, max: 5_000_000n }),
    })
    .map((g): ReviewRecord => {
      const i = ++seq;
      const end = new Date(Date.parse(g.start) + g.len * 86_400_000).toISOString().slice(0, 10);
      return g.inpatient
        ? stay(g.start, end, {
            id: `G${i}`,
            insuredHash: g.person,
            unitCode: g.unit,
            diagnosisCode: g.diagnosis,
            totalFen: g.total,
            fundFen: g.total / 2n,
          })
        : visit(g.start, {
            id: `G${i}`,
            insuredHash: g.person,
            unitCode: g.unit,
            diagnosisCode: g.diagnosis,
            totalFen: g.total,
            fundFen: g.total / 2n,
          });
    });

  it('hits never depend on the order of the records, name records given, and deduct no more than their fund payments', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 40 }), fc.integer(), (records, seed) => {
        const set = defaultRuleSet().map((r) => (r.id === 'COST_OUTLIER' ? { ...r, params: { ...r.params, minCases: 5 } } : r));
        const shuffled = [...records].sort((a, b) => ((a.id.length * seed) % 7) - ((b.id.length * seed) % 7) || (a.id < b.id ? 1 : -1));
        const keys = (hs: ReturnType<typeof runRules>) => hs.map(hitKey).sort();
        const hits = runRules(records, set);
        expect(keys(runRules(shuffled, set))).toEqual(keys(hits));
        const byId = new Map(records.map((r) => [r.id, r]));
        for (const h of hits) {
          expect(h.recordIds.every((id) => byId.has(id))).toBe(true);
          const fund = h.recordIds.reduce((s, id) => s + byId.get(id)!.fundFen, 0n);
          expect(h.deductionFen >= 0n && h.deductionFen <= fund).toBe(true);
        }
      }),
    );
  });

  it('a wider threshold never adds hits (readmission days, stay range, cost multiple, visit limit)', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 40 }), (records) => {
        const count = (id: RuleId, p: Record<string, number>) => runRules(records, [rule(id, p)]).length;
        expect(count('SPLIT_ADMISSION', { readmissionDays: 5 })).toBeLessThanOrEqual(count('SPLIT_ADMISSION', { readmissionDays: 20 }));
        expect(count('LENGTH_OF_STAY', { minDays: 0, maxDays: 20 })).toBeLessThanOrEqual(
          count('LENGTH_OF_STAY', { minDays: 2, maxDays: 10 }),
        );
        expect(count('COST_OUTLIER', { multipleOfMedian: 4, minCases: 5 })).toBeLessThanOrEqual(
          count('COST_OUTLIER', { multipleOfMedian: 2, minCases: 5 }),
        );
        expect(count('OUTPATIENT_FREQUENCY', { maxVisits: 6, windowDays: 30 })).toBeLessThanOrEqual(
          count('OUTPATIENT_FREQUENCY', { maxVisits: 3, windowDays: 30 }),
        );
      }),
    );
  });
});
