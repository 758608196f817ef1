import fc from 'fast-check';
import { DomainError } from './domain-error';
import { Dec, Money } from './money';
import {
  checkCommunityBudgetPlan,
  defaultPrimaryFloorRate,
  PlanLine,
  previewCommunityBudgetPlan,
  primaryFloorShortfall,
} from './primary-floor';
import { refusal } from './refusal.spec-helper';

const M = Money.of('10000000.00');
function plan(primary: string, m = M): PlanLine[] {
  const rest = m.minus(Money.of(primary));
  const outOfCounty = Money.roundHalfUp(rest.times('0.1'));
  return [
    { category: 'OUT_OF_COUNTY', institutionCode: null, primary: false, amount: outOfCounty },
    { category: 'INPATIENT', institutionCode: 'WS-LEAD', primary: false, amount: rest.minus(outOfCounty) },
    { category: 'OUTPATIENT', institutionCode: 'WS-TC-01', primary: true, amount: Money.of(primary) },
  ];
}

describe('defaultPrimaryFloorRate (seed 002)', () => {
  it('is 20% for 2020 and before, 25% from 2021', () => {
    expect([2019, 2020, 2021, 2026].map((y) => defaultPrimaryFloorRate(y).toString())).toEqual(['0.2', '0.2', '0.25', '0.25']);
    expect(() => defaultPrimaryFloorRate(2021.5)).toThrow(DomainError);
  });
});

describe('primaryFloorShortfall', () => {
  it('requires floor × M rounded half up, and reports the shortfall', () => {
    expect(primaryFloorShortfall(Money.of('0.02'), Money.ZERO, '0.25')).toMatchObject({
      required: Money.of('0.01'),
      shortfall: Money.of('0.01'),
      met: false,
    });
    const r = primaryFloorShortfall(Money.of('167079472.53'), Money.of('41769868.13'), new Dec('0.25'));
    expect([r.required.toString(), r.shortfall.toString(), r.met, r.floorRate]).toEqual(['41769868.13', '0.00', true, '0.25']);
    expect(primaryFloorShortfall(Money.of('167079472.53'), Money.of('41769868.12'), '0.25').shortfall.toString()).toBe('0.01');
  });

  it('refuses a floor that is not a share between 0 and 1', () => {
    expect(refusal(() => primaryFloorShortfall(M, M, '25')).code).toBe('RATE_INVALID');
  });

  it('never reports a negative shortfall, and is met exactly when planned ≥ required', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 14n }),
        fc.bigInt({ min: 0n, max: 10n ** 14n }),
        fc.integer({ min: 0, max: 1000 }),
        (m, p, permille) => {
          const r = primaryFloorShortfall(Money.fromCents(m), Money.fromCents(p), new Dec(permille).dividedBy(1000));
          expect(r.shortfall.isNegative()).toBe(false);
          expect(r.met).toBe(Money.fromCents(p).gte(r.required));
          expect(r.met ? r.shortfall.isZero() : r.shortfall.eq(r.required.minus(Money.fromCents(p)))).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('checkCommunityBudgetPlan (SPEC §3.1)', () => {
  const floor2021 = defaultPrimaryFloorRate(2021);
  const floor2020 = defaultPrimaryFloorRate(2020);

  it('rejects a 2021 plan one fen below 25% of M, naming floor, required amount and shortfall', () => {
    const e = refusal(() => checkCommunityBudgetPlan(plan('2499999.99'), M, '0.25', null));
    expect(e).toMatchObject({ code: 'PRIMARY_FLOOR_NOT_MET', kind: 'unprocessable' });
    expect(e.message).toContain('requires 2500000.00, short by 0.01');
    expect(e.details).toEqual([
      { field: 'lines', rule: 'primaryFloor', message: 'floor 0.25, required 2500000.00, planned 2499999.99, shortfall 0.01' },
    ]);
  });

  it('accepts a 2021 plan at exactly 25% and a 2020 plan at 20%; 20% fails in 2021', () => {
    expect(checkCommunityBudgetPlan(plan('2500000.00'), M, floor2021, null).floor).toMatchObject({ met: true, floorRate: '0.25' });
    expect(checkCommunityBudgetPlan(plan('2000000.00'), M, floor2020, null).floor).toMatchObject({
      met: true,
      floorRate: '0.20',
      required: Money.of('2000000.00'),
    });
    expect(refusal(() => checkCommunityBudgetPlan(plan('2000000.00'), M, floor2021, null)).message).toContain('short by 500000.00');
  });

  it('rounds the requirement half up on an M with odd fen', () => {
    const m = Money.of('167079472.53'); // 25% = 41769868.1325 → 41769868.13
    expect(checkCommunityBudgetPlan(plan('41769868.13', m), m, '0.25', null).floor.required.toString()).toBe('41769868.13');
    expect(refusal(() => checkCommunityBudgetPlan(plan('41769868.12', m), m, '0.25', null)).code).toBe('PRIMARY_FLOOR_NOT_MET');
  });

  it('requires the plan to total M exactly, either way', () => {
    const lines = plan('3000000.00');
    const under = [...lines.slice(0, 1), { ...lines[1], amount: lines[1].amount.minus(Money.of('0.01')) }, lines[2]];
    expect(refusal(() => checkCommunityBudgetPlan(under, M, floor2021, null))).toMatchObject({
      code: 'PLAN_TOTAL_MISMATCH',
      message: expect.stringContaining('short by 0.01'),
    });
    const over = [...lines, { category: 'CHRONIC_SPECIAL' as const, institutionCode: 'WS-TC-01', primary: true, amount: Money.of('0.01') }];
    expect(refusal(() => checkCommunityBudgetPlan(over, M, floor2021, null)).message).toContain('over by 0.01');
  });

  it('warns, without rejecting, when primary funds fall below last year', () => {
    const check = checkCommunityBudgetPlan(plan('3000000.00'), M, floor2021, Money.of('3000000.01'));
    expect(check.warnings).toEqual([expect.objectContaining({ code: 'PRIMARY_BELOW_LAST_YEAR' })]);
    expect(checkCommunityBudgetPlan(plan('3000000.00'), M, floor2021, Money.of('3000000.00')).warnings).toEqual([]);
  });

  it('totals the plan by category and by member unit in code order', () => {
    const lines: PlanLine[] = [
      { category: 'INPATIENT', institutionCode: 'WS-TC-01', primary: true, amount: Money.of('2000000.00') },
      { category: 'OUTPATIENT', institutionCode: 'WS-TC-01', primary: true, amount: Money.of('600000.00') },
      { category: 'INPATIENT', institutionCode: 'WS-LEAD', primary: false, amount: Money.of('6000000.00') },
      { category: 'OUT_OF_COUNTY', institutionCode: null, primary: false, amount: Money.of('1000000.00') },
      { category: 'CHRONIC_SPECIAL', institutionCode: 'WS-LEAD', primary: false, amount: Money.of('400000.00') },
    ];
    const check = checkCommunityBudgetPlan(lines, M, floor2021, null);
    expect(Object.fromEntries(Object.entries(check.byCategory).map(([k, v]) => [k, v.toString()]))).toEqual({
      OUT_OF_COUNTY: '1000000.00',
      OUTPATIENT: '600000.00',
      INPATIENT: '8000000.00',
      CHRONIC_SPECIAL: '400000.00',
    });
    expect(check.byUnit.map((u) => `${u.institutionCode}:${u.primary}:${u.amount}`)).toEqual([
      'WS-LEAD:false:6400000.00',
      'WS-TC-01:true:2600000.00',
    ]);
    expect(check.primaryTotal.toString()).toBe('2600000.00');
  });

  it('refuses malformed lines, naming each one', () => {
    const e = refusal(() =>
      checkCommunityBudgetPlan(
        [
          { category: 'OUT_OF_COUNTY', institutionCode: 'WS-TC-01', primary: true, amount: Money.of('1.00') },
          { category: 'INPATIENT', institutionCode: null, primary: false, amount: Money.of('-1.00') },
          { category: 'DENTAL' as never, institutionCode: 'WS-LEAD', primary: false, amount: Money.ZERO },
        ],
        Money.ZERO,
        floor2021,
        null,
      ),
    );
    expect(e.code).toBe('PLAN_INVALID');
    expect(e.details.map((d) => d.field)).toEqual([
      'lines.0.institutionCode',
      'lines.1.amount',
      'lines.1.institutionCode',
      'lines.2.category',
    ]);
  });

  it('accepts any plan that totals M with primary at or above the floor, and refuses any below', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.boolean(),
        (mCents, basisPoints, y2020) => {
          const m = Money.fromCents(mCents);
          const primary = Money.roundHalfUp(m.times(new Dec(basisPoints).dividedBy(10_000)));
          const rate = defaultPrimaryFloorRate(y2020 ? 2020 : 2022);
          const required = Money.roundHalfUp(m.times(rate));
          const run = () => checkCommunityBudgetPlan(plan(primary.toString(), m), m, rate, null);
          if (primary.gte(required)) expect(run().floor.met).toBe(true);
          else expect(refusal(run).details[0].message).toContain(`shortfall ${required.minus(primary)}`);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('previewCommunityBudgetPlan (the editor’s floor meter)', () => {
  it('reports what the floor requires and the shortfall where checkCommunityBudgetPlan refuses', () => {
    const p = previewCommunityBudgetPlan(plan('2499999.99'), M, '0.25', null);
    expect(p.floor).toMatchObject({ floorRate: '0.25', met: false });
    expect(p.floor.required.toString()).toBe('2500000.00');
    expect(p.floor.shortfall.toString()).toBe('0.01');
    expect(p.primaryTotal.toString()).toBe('2499999.99');
    expect(p.primaryShare).toBe('0.2500');
    expect(p.unplanned.toString()).toBe('0.00');
  });

  it('reports a plan that misses M by what is left to plan, or how far over it is', () => {
    const lines = plan('3000000.00');
    const under = [lines[0], { ...lines[1], amount: lines[1].amount.minus(Money.of('0.01')) }, lines[2]];
    expect(previewCommunityBudgetPlan(under, M, '0.25', null).unplanned.toString()).toBe('0.01');
    const over = [...lines, { category: 'CHRONIC_SPECIAL' as const, institutionCode: 'WS-TC-01', primary: true, amount: Money.of('0.01') }];
    expect(previewCommunityBudgetPlan(over, M, '0.25', null).unplanned.toString()).toBe('-0.01');
  });

  it('agrees with checkCommunityBudgetPlan on every plan it accepts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 250_000_000, max: 1_000_000_000 }), (fen) => {
        const lines = plan(`${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`);
        const check = checkCommunityBudgetPlan(lines, M, '0.25', null);
        const preview = previewCommunityBudgetPlan(lines, M, '0.25', null);
        expect(preview.floor).toEqual(check.floor);
        expect(preview.total.toString()).toBe(check.total.toString());
        expect(preview.warnings).toEqual(check.warnings);
      }),
      { numRuns: 50 },
    );
  });

  it('still refuses malformed lines', () => {
    expect(() => previewCommunityBudgetPlan([{ ...plan('3000000.00')[0], amount: Money.of('-1.00') }], M, '0.25', null)).toThrow(
      DomainError,
    );
  });
});
