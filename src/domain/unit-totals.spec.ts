import fc from 'fast-check';
import { Money } from './money';
import { describeDifference, sumUnitFigures, totalDifferences, UnitClaimTotal, unitFigures, unitTotalState } from './unit-totals';

const fen = (n: bigint) => Money.fromCents(n);

/** A unit's totals as its records would give them: amounts of either sign (refunds are negative). */
const total = fc
  .record({
    claimId: fc.integer({ min: 1, max: 6 }),
    unitId: fc.integer({ min: 1, max: 6 }),
    records: fc.integer({ min: 1, max: 10_000 }),
    pending: fc.bigInt({ min: -10_000_00n, max: 100_000_000_00n }),
    accepted: fc.bigInt({ min: -10_000_00n, max: 100_000_000_00n }),
    rejected: fc.bigInt({ min: -10_000_00n, max: 100_000_000_00n }),
    deducted: fc.bigInt({ min: 0n, max: 1_000_000_00n }),
    approved: fc.boolean(),
  })
  .map((t): UnitClaimTotal => ({
    claimId: t.claimId,
    unitId: t.unitId,
    state: t.approved ? 'APPROVED' : 'DECLARED',
    ...unitFigures({
      records: t.records,
      claimed: fen(t.pending + t.accepted + t.rejected),
      pending: fen(t.pending),
      accepted: fen(t.accepted),
      rejected: fen(t.rejected),
      deducted: fen(t.deducted),
    }),
  }));
const totals = fc.uniqueArray(total, { selector: (t) => `${t.claimId}|${t.unitId}`, maxLength: 20 });

const figures = (accepted: string, deducted: string) =>
  unitFigures({
    records: 2,
    claimed: Money.of(accepted),
    pending: Money.ZERO,
    accepted: Money.of(accepted),
    rejected: Money.ZERO,
    deducted: Money.of(deducted),
  });

describe('per-unit claim totals', () => {
  it('derives the approved amount as accepted less deducted, net of refunds', () => {
    expect(figures('100.00', '12.30').approved.toString()).toBe('87.70');
    expect(figures('-5.00', '0.00').approved.toString()).toBe('-5.00');
  });

  it('sums units into a claim or a declaration exactly, the approved amount equal to the sum of the units', () => {
    fc.assert(
      fc.property(totals, (units) => {
        const sum = sumUnitFigures(units);
        expect(sum.approved.eq(Money.sum(units.map((u) => u.approved)))).toBe(true);
        expect(sum.approved.eq(sum.accepted.minus(sum.deducted))).toBe(true);
        expect(sum.records).toBe(units.reduce((n, u) => n + u.records, 0));
        expect(sum.claimed.eq(sum.pending.plus(sum.accepted).plus(sum.rejected))).toBe(true);
      }),
    );
    expect(sumUnitFigures([]).approved.toString()).toBe('0.00');
  });

  it('is approved once the declaration is funded or the private claim settled', () => {
    expect(unitTotalState({ declarationFunded: false, privateSettled: false })).toBe('DECLARED');
    expect(unitTotalState({ declarationFunded: true, privateSettled: false })).toBe('APPROVED');
    expect(unitTotalState({ declarationFunded: false, privateSettled: true })).toBe('APPROVED');
  });

  it('finds no difference between totals and themselves, in any order', () => {
    fc.assert(fc.property(totals, (ts) => expect(totalDifferences(ts, [...ts].reverse())).toEqual([])));
  });

  it('finds every changed figure, missing total and unexpected total, and names it', () => {
    fc.assert(
      fc.property(
        totals.filter((ts) => ts.length > 0),
        fc.nat(),
        fc.constantFrom('records', 'accepted', 'deducted', 'state', 'missing', 'unexpected'),
        (ts, pick, change) => {
          const i = pick % ts.length;
          const target = ts[i];
          const broken: UnitClaimTotal[] = ts.map((t) => ({ ...t }));
          if (change === 'missing') broken.splice(i, 1);
          else if (change === 'records') broken[i].records += 1;
          else if (change === 'state') broken[i].state = target.state === 'APPROVED' ? 'DECLARED' : 'APPROVED';
          else if (change === 'accepted') {
            // One fen more accepted: the approved amount kept with it differs too.
            broken[i].accepted = target.accepted.plus(Money.of('0.01'));
            broken[i].approved = target.approved.plus(Money.of('0.01'));
          } else if (change === 'deducted') broken[i].deducted = target.deducted.plus(Money.of('0.01'));
          const recomputed = change === 'unexpected' ? ts.filter((_, k) => k !== i) : ts;
          const stored = change === 'unexpected' ? ts : broken;
          const found = totalDifferences(stored, recomputed);
          expect(found.length).toBeGreaterThan(0);
          expect(found.every((d) => d.claimId === target.claimId && d.unitId === target.unitId)).toBe(true);
          const expectedKind = change === 'missing' ? 'missing' : change === 'unexpected' ? 'unexpected' : 'differs';
          expect(found[0].kind).toBe(expectedKind);
          if (expectedKind === 'differs') expect(found.map((d) => (d.kind === 'differs' ? d.field : ''))).toContain(change);
          for (const d of found) expect(describeDifference(d)).toContain(`claim ${target.claimId}, unit ${target.unitId}`);
        },
      ),
    );
  });

  it('reports a fen of difference in the approved amount with both figures', () => {
    const kept: UnitClaimTotal = { claimId: 7, unitId: 3, state: 'APPROVED', ...figures('100.00', '0.00') };
    const records: UnitClaimTotal = { ...kept, ...figures('100.01', '0.00') };
    expect(totalDifferences([kept], [records]).map(describeDifference)).toEqual([
      'claim 7, unit 3: claimed kept 100.00, the records give 100.01',
      'claim 7, unit 3: accepted kept 100.00, the records give 100.01',
      'claim 7, unit 3: approved kept 100.00, the records give 100.01',
    ]);
  });
});
