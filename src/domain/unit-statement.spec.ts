import fc from 'fast-check';
import { DomainError } from './domain-error';
import { ClaimAdjustmentFigure } from './claim-adjustment';
import { Money } from './money';
import { ruleHitFigures, StatementRecordGroup, statementTotals, StatementUnitInput, unitStatements } from './unit-statement';

const fen = (max: bigint) => fc.bigInt({ min: 0n, max }).map((c) => Money.fromCents(c));
const group: fc.Arbitrary<StatementRecordGroup> = fc
  .record({
    kind: fc.constantFrom('PENDING', 'ACCEPTED', 'REJECTED', 'DEDUCTED'),
    reason: fc.constantFrom('DUPLICATE_SETTLEMENT', 'OVER_STANDARD', 'MISSING_DOCUMENTS'),
    records: fc.integer({ min: 1, max: 50 }),
    amount: fen(5_000_000n),
  })
  .map((g) => ({
    reviewStatus: g.kind === 'DEDUCTED' ? 'ACCEPTED' : g.kind,
    reviewReason: g.kind === 'REJECTED' ? g.reason : null,
    deductionReason: g.kind === 'DEDUCTED' ? g.reason : null,
    records: g.records,
    amount: g.amount,
  }));
const units: fc.Arbitrary<StatementUnitInput[]> = fc
  .uniqueArray(fc.constantFrom('WS-LH-01', 'WS-TC-01', 'WS-TC-02', 'WS-TC-03', 'WS-CH-01'), { minLength: 1, maxLength: 5 })
  .chain((codes) =>
    fc.tuple(
      ...codes.map((code, i) =>
        fc
          .record({
            groups: fc.array(group, { maxLength: 6 }),
            carriedIn: fen(3_000_000n),
            extrapolated: fen(1_000_000n),
            hits: fc.array(
              fc.record({
                status: fc.constantFrom('OPEN', 'ANSWERED', 'ACCEPTED', 'DISMISSED'),
                hits: fc.integer({ min: 1, max: 9 }),
                deduction: fen(900_000n),
              }),
              { maxLength: 4 },
            ),
          })
          .map((x) => ({ code, i, ...x })),
      ),
    ),
  )
  .map((us) =>
    us.map((u) => {
      // As approval leaves them: a negative net carried out, so no unit is approved below zero.
      const net = Money.sum(u.groups.filter((g) => g.reviewStatus === 'ACCEPTED' && g.deductionReason === null).map((g) => g.amount))
        .minus(u.carriedIn)
        .minus(u.extrapolated);
      const adjustments: ClaimAdjustmentFigure[] = [
        { kind: 'CARRIED_IN', amount: u.carriedIn.negated() },
        { kind: 'EXTRAPOLATED_DEDUCTION', amount: u.extrapolated.negated() },
        ...(net.isNegative() ? [{ kind: 'CARRIED_OUT' as const, amount: net.negated() }] : []),
      ];
      return { institutionId: u.i + 1, code: u.code, claimId: u.i + 100, groups: u.groups, passDown: null, adjustments, ruleHits: u.hits };
    }),
  );

function declarationOf(us: readonly StatementUnitInput[], fundedShare: number, depositPct: number, advanceShare: number) {
  const all = us.flatMap((u) => u.groups);
  const sum = (f: (g: StatementRecordGroup) => boolean) => Money.sum(all.filter(f).map((g) => g.amount));
  const accepted = sum((g) => g.reviewStatus === 'ACCEPTED');
  const deducted = sum((g) => g.reviewStatus === 'ACCEPTED' && g.deductionReason !== null);
  const adjusted = Money.sum(us.flatMap((u) => u.adjustments.map((a) => a.amount)));
  const approved = accepted.minus(deducted).plus(adjusted);
  const funded = Money.fromCents((approved.toCents() * BigInt(fundedShare)) / 100n);
  const deposit = Money.fromCents((funded.toCents() * BigInt(depositPct)) / 100n);
  const advanceOffset = Money.fromCents(((funded.toCents() - deposit.toCents()) * BigInt(advanceShare)) / 100n);
  return {
    claimed: sum(() => true),
    rejected: sum((g) => g.reviewStatus === 'REJECTED'),
    accepted,
    deducted,
    adjusted,
    approved,
    funded,
    deposit,
    advanceOffset,
    cash: funded.minus(deposit).minus(advanceOffset),
  };
}

describe('unitStatements (结算单)', () => {
  it('the statements of every unit sum to the declaration’s figures to the fen', () => {
    fc.assert(
      fc.property(
        units,
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 0, max: 100 }),
        (us, fundedShare, depositPct, advanceShare) => {
          const d = declarationOf(us, fundedShare, depositPct, advanceShare);
          const lines = unitStatements(d, us);
          const t = statementTotals(lines);
          for (const k of [
            'claimed',
            'rejected',
            'accepted',
            'deducted',
            'approved',
            'funded',
            'deposit',
            'advanceOffset',
            'cash',
          ] as const)
            expect([k, t[k].toString()]).toEqual([k, d[k].toString()]);
          for (const l of lines) {
            expect(Money.sum(l.rejectedByReason.map((r) => r.amount)).eq(l.rejected)).toBe(true);
            expect(Money.sum(l.deductedByReason.map((r) => r.amount)).eq(l.deducted)).toBe(true);
            expect(l.funded.minus(l.deposit).minus(l.advanceOffset).eq(l.cash)).toBe(true);
            expect(l.approved.isNegative()).toBe(false);
            expect(l.accepted.minus(l.deducted).plus(l.carriedIn).plus(l.carriedOut).plus(l.extrapolatedDeduction).eq(l.approved)).toBe(
              true,
            );
            const hits = us.find((u) => u.code === l.code)!.ruleHits;
            expect(l.flaggedByRule.eq(Money.sum(hits.map((h) => h.deduction)))).toBe(true);
            expect(l.ruleHitsAccepted).toBe(hits.filter((h) => h.status === 'ACCEPTED').reduce((n, h) => n + h.hits, 0));
          }
          expect(t.carriedIn.plus(t.carriedOut).plus(t.extrapolatedDeduction).eq(d.adjusted)).toBe(true);
        },
      ),
    );
  });

  it('shares the money by approved amount: a fully funded month without deposit funds each unit its approved amount', () => {
    const g = (amount: string, over: Partial<StatementRecordGroup> = {}): StatementRecordGroup => ({
      reviewStatus: 'ACCEPTED',
      reviewReason: null,
      deductionReason: null,
      records: 1,
      amount: Money.of(amount),
      ...over,
    });
    const us: StatementUnitInput[] = [
      {
        institutionId: 2,
        code: 'B',
        claimId: 2,
        groups: [g('300.00'), g('20.00', { deductionReason: 'OVER_STANDARD' })],
        passDown: null,
        adjustments: [],
        ruleHits: [],
      },
      {
        institutionId: 1,
        code: 'A',
        claimId: 1,
        groups: [g('100.00'), g('5.00', { reviewStatus: 'REJECTED', reviewReason: 'DUPLICATE_SETTLEMENT' })],
        passDown: { id: 9, amount: Money.of('100.00'), state: 'PAID', paidOn: '2026-10-20', deadline: '2026-10-25' },
        adjustments: [],
        ruleHits: [],
      },
    ];
    const lines = unitStatements(declarationOf(us, 100, 0, 0), us);
    expect(
      lines.map((l) => [
        l.code,
        l.claimed.toString(),
        l.rejected.toString(),
        l.deducted.toString(),
        l.approved.toString(),
        l.funded.toString(),
      ]),
    ).toEqual([
      ['A', '105.00', '5.00', '0.00', '100.00', '100.00'],
      ['B', '320.00', '0.00', '20.00', '300.00', '300.00'],
    ]);
    expect(lines[0].rejectedByReason).toEqual([{ reason: 'DUPLICATE_SETTLEMENT', records: 1, amount: Money.of('5.00') }]);
    expect(lines[0].passedDown.toString()).toBe('100.00');
    expect(lines[1].passDownDue.toString()).toBe('0.00');
  });

  it('refuses statements whose records no longer add up to the declaration', () => {
    const us: StatementUnitInput[] = [
      {
        institutionId: 1,
        code: 'A',
        claimId: 1,
        groups: [{ reviewStatus: 'ACCEPTED', reviewReason: null, deductionReason: null, records: 1, amount: Money.of('1.00') }],
        passDown: null,
        adjustments: [],
        ruleHits: [],
      },
    ];
    const d = { ...declarationOf(us, 100, 0, 0), claimed: Money.of('2.00') };
    expect(() => unitStatements(d, us)).toThrow(DomainError);
  });

  it('a unit whose refunds exceed its settlements shows the negative net carried out and is approved zero; the next month shows it carried in', () => {
    const g = (amount: string): StatementRecordGroup => ({
      reviewStatus: 'ACCEPTED',
      reviewReason: null,
      deductionReason: null,
      records: 1,
      amount: Money.of(amount),
    });
    const october: StatementUnitInput[] = [
      { institutionId: 1, code: 'A', claimId: 1, groups: [g('100.00')], passDown: null, adjustments: [], ruleHits: [] },
      {
        institutionId: 2,
        code: 'B',
        claimId: 2,
        groups: [g('30.00'), g('-80.00')],
        passDown: null,
        adjustments: [{ kind: 'CARRIED_OUT', amount: Money.of('50.00') }],
        ruleHits: [],
      },
    ];
    const [a, b] = unitStatements(declarationOf(october, 100, 0, 0), october);
    expect([a.approved.toString(), a.funded.toString()]).toEqual(['100.00', '100.00']);
    expect([b.claimed.toString(), b.carriedOut.toString(), b.approved.toString(), b.funded.toString()]).toEqual([
      '-50.00',
      '50.00',
      '0.00',
      '0.00',
    ]);
    const november: StatementUnitInput[] = [
      {
        institutionId: 2,
        code: 'B',
        claimId: 3,
        groups: [g('70.00')],
        passDown: null,
        adjustments: [{ kind: 'CARRIED_IN', amount: Money.of('-50.00') }],
        ruleHits: [],
      },
    ];
    const [n] = unitStatements(declarationOf(november, 100, 0, 0), november);
    expect([n.carriedIn.toString(), n.approved.toString(), n.funded.toString()]).toEqual(['-50.00', '20.00', '20.00']);
    // Without its adjustments, the unit's figures no longer add up to the declaration's: refused.
    expect(() => unitStatements(declarationOf(november, 100, 0, 0), [{ ...november[0], adjustments: [] }])).toThrow(DomainError);
  });

  it('flagged by rule: the suggested deductions of every hit on the unit, and of the accepted ones', () => {
    const f = ruleHitFigures([
      { status: 'ACCEPTED', hits: 2, deduction: Money.of('120.00') },
      { status: 'DISMISSED', hits: 1, deduction: Money.of('30.00') },
      { status: 'OPEN', hits: 3, deduction: Money.of('7.50') },
    ]);
    expect([f.flaggedByRule.toString(), f.flaggedAccepted.toString(), f.ruleHits, f.ruleHitsAccepted]).toEqual(['157.50', '120.00', 6, 2]);
  });
});
