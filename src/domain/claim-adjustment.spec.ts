import fc from 'fast-check';
import { adjustmentsByKind, carryTargetPeriod, claimApproved, extrapolatedDeductionByClaim, negativeNetCarries } from './claim-adjustment';
import { fundApprovedClaims, splitPassDown } from './claim-cycle';
import { ACCOUNTS, applyTransfers, balanceIn, communityPackageAccount, CYCLE_ACCOUNTS, declarationApprovalTransfers } from './ledger';
import { Money } from './money';
import { extrapolateRejection } from './sampling';

const m = (s: string) => Money.of(s);

describe('claim adjustments', () => {
  it("a claim's approved amount is accepted less deducted plus its adjustments", () => {
    expect(claimApproved(m('100.00'), m('30.00'), m('-80.00')).toString()).toBe('-10.00');
    expect(claimApproved(m('100.00'), m('0.00'), m('0.00')).toString()).toBe('100.00');
  });

  it('sums adjustments by kind', () => {
    expect(
      adjustmentsByKind([
        { kind: 'CARRIED_IN', amount: m('-5.00') },
        { kind: 'CARRIED_IN', amount: m('-1.50') },
        { kind: 'EXTRAPOLATED_DEDUCTION', amount: m('-2.00') },
      ]),
    ).toEqual({ CARRIED_IN: m('-6.50'), CARRIED_OUT: Money.ZERO, EXTRAPOLATED_DEDUCTION: m('-2.00') });
  });

  it('carries out exactly the negative net of each negative claim, and nothing of the others', () => {
    expect(
      negativeNetCarries([
        { claimId: 1, code: 'A', approved: m('120.00') },
        { claimId: 2, code: 'B', approved: m('-35.40') },
        { claimId: 3, code: 'C', approved: m('0.00') },
      ]),
    ).toEqual([{ claimId: 2, code: 'B', amount: m('35.40') }]);
  });

  it("the carry enters the unit's next open claim, passing over claims already submitted or declared", () => {
    expect(carryTargetPeriod('2026-10', [])).toBe('2026-11');
    expect(carryTargetPeriod('2026-10', [{ period: '2026-11', state: 'OPEN' }])).toBe('2026-11');
    expect(
      carryTargetPeriod('2026-10', [
        { period: '2026-11', state: 'DECLARED' },
        { period: '2026-12', state: 'SUBMITTED' },
      ]),
    ).toBe('2027-01');
    expect(carryTargetPeriod('2026-12', [])).toBe('2027-01');
  });

  it('gathers the extrapolated deduction per claim, summing exactly to the deduction', () => {
    const x = extrapolateRejection({
      sampledAmount: m('1000.00'),
      sampledRejected: m('50.00'),
      unsampled: [
        { id: 11, amount: m('100.01') },
        { id: 12, amount: m('200.00') },
        { id: 21, amount: m('100.00') },
      ],
    });
    expect(x.deduction.toString()).toBe('20.00');
    const byClaim = extrapolatedDeductionByClaim(
      x.perRecord,
      new Map([
        [11, 1],
        [12, 1],
        [21, 2],
      ]),
    );
    expect(byClaim.get(1)!.plus(byClaim.get(2)!).toString()).toBe('20.00');
    expect(byClaim.get(2)!.toString()).toBe('5.00');
  });

  it('a care unit whose records net negative is passed nothing within its claim; the others share what was received', () => {
    const parts = splitPassDown(m('50.00'), [
      { code: 'T', approved: m('-50.00') },
      { code: 'V1', approved: m('100.00') },
    ]);
    expect(parts.map((p) => [p.code, p.amount.toString()])).toEqual([
      ['T', '0.00'],
      ['V1', '50.00'],
    ]);
    expect(splitPassDown(Money.ZERO, [{ code: 'T', approved: m('-5.00') }]).map((p) => p.amount.toString())).toEqual(['0.00']);
  });

  /**
   * Months of a community's units with any nets (refunds beyond settlements included): each month
   * is approved with its negative claims carried into the unit's next month. No approved claim is
   * negative, so the declaration's funding, its ledger postings and its pass-down split all go
   * through; the package and payable reconcile with what was approved; and what was approved over
   * the months, less what is still owed at the end, equals the units' records net.
   */
  it('any months of nets: nothing negative is funded or dropped, and the ledger reconciles with the approved figures', () => {
    const units = ['A', 'B', 'C'];
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.bigInt({ min: -50000n, max: 50000n }), { minLength: 3, maxLength: 3 }), { maxLength: 14 }),
        (months) => {
          const carriedIn = new Map<string, bigint>(units.map((u) => [u, 0n]));
          const given = Money.fromCents(10n ** 12n);
          let totals = applyTransfers(new Map(), [
            { id: 'fund', debit: ACCOUNTS.fundSource, credit: communityPackageAccount('C'), amount: given, memo: '' },
          ]);
          let approvedTotal = 0n;
          let recordsTotal = 0n;
          months.forEach((nets, month) => {
            const claims = units.map((code, i) => {
              recordsTotal += nets[i];
              return { claimId: i, code, approved: Money.fromCents(nets[i] + carriedIn.get(code)!) };
            });
            const carries = negativeNetCarries(claims);
            const approvedOf = new Map(claims.map((c) => [c.code, c.approved]));
            for (const code of units) carriedIn.set(code, 0n);
            for (const c of carries) {
              approvedOf.set(c.code, approvedOf.get(c.code)!.plus(c.amount));
              carriedIn.set(c.code, -c.amount.toCents());
            }
            const members = units.map((code) => ({ code, approved: approvedOf.get(code)! }));
            if (members.some((x) => x.approved.isNegative())) throw new Error('a negative claim was approved');
            const approved = Money.sum(members.map((x) => x.approved));
            const funding = fundApprovedClaims({
              approved,
              packageBalance: balanceIn(totals, communityPackageAccount('C')),
              advanceBalance: Money.ZERO,
              depositRate: '0',
            });
            totals = applyTransfers(totals, declarationApprovalTransfers(`d.${month}`, 'C', funding, String(month)));
            const shares = splitPassDown(funding.cash, members);
            if (!Money.sum(shares.map((s) => s.amount)).eq(funding.cash)) throw new Error('the pass-down does not sum');
            shares.forEach((s, i) => {
              if (!s.amount.eq(members[i].approved)) throw new Error('a member is not passed down its approved amount');
            });
            approvedTotal += approved.toCents();
          });
          const owed = [...carriedIn.values()].reduce((s, v) => s + v, 0n);
          expect(approvedTotal + owed).toBe(recordsTotal);
          expect(balanceIn(totals, communityPackageAccount('C')).toCents()).toBe(given.toCents() - approvedTotal);
          expect(balanceIn(totals, CYCLE_ACCOUNTS.bureauPayable('C')).toCents()).toBe(approvedTotal);
        },
      ),
      { numRuns: 300 },
    );
  });
});
