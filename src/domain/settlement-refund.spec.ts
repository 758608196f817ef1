import fc from 'fast-check';
import { AMOUNT_FIELDS } from './settlement-record';
import { ACCOUNTS, applyTransfers, balanceIn, communityPackageAccount, CYCLE_ACCOUNTS, declarationApprovalTransfers } from './ledger';
import { negativeNetCarries } from './claim-adjustment';
import { Money } from './money';
import { addAmounts, Amounts, decideRefund, OriginalSettlement, zeroAmounts } from './settlement-refund';

const amounts = (total: bigint, fund: bigint): Amounts => ({
  totalCost: total,
  coveredCost: total,
  fundPaid: fund,
  criticalIllnessPaid: 0n,
  medicalAidPaid: 0n,
  selfPaid: total - fund,
});
const neg = (a: Amounts): Amounts => Object.fromEntries(AMOUNT_FIELDS.map((f) => [f, -a[f]])) as Amounts;
const original = (over: Partial<OriginalSettlement> = {}): OriginalSettlement => ({
  unitCode: 'WS-TC-01',
  claimPeriod: '2026-10',
  amounts: amounts(10000n, 6000n),
  refunded: zeroAmounts(),
  ...over,
});

describe('refunds (退费, 冲销)', () => {
  it('accepts a refund within what remains; it lands like a record of the original claim period', () => {
    expect(decideRefund({ unitCode: 'WS-TC-01', amounts: neg(amounts(4000n, 2000n)) }, original())).toEqual({
      kind: 'accepted',
      landsLikePeriod: '2026-10',
    });
  });

  it('refuses a refund of more than remains of its original, counting earlier refunds', () => {
    const o = original({ refunded: neg(amounts(8000n, 5000n)) });
    expect(decideRefund({ unitCode: 'WS-TC-01', amounts: neg(amounts(2000n, 1000n)) }, o).kind).toBe('accepted');
    expect(decideRefund({ unitCode: 'WS-TC-01', amounts: neg(amounts(2000n, 1001n)) }, o)).toMatchObject({
      kind: 'refused',
      rule: 'moreThanRemains',
      field: 'fundPaid',
    });
    expect(decideRefund({ unitCode: 'WS-TC-01', amounts: neg(amounts(2001n, 1000n)) }, o)).toMatchObject({ rule: 'moreThanRemains' });
  });

  it("refuses a refund whose original is another unit's", () => {
    expect(decideRefund({ unitCode: 'WS-TC-02', amounts: neg(amounts(1n, 0n)) }, original())).toMatchObject({
      kind: 'refused',
      rule: 'originalOtherUnit',
    });
  });

  it('holds a refund whose original has not arrived as an orphan', () => {
    expect(decideRefund({ unitCode: 'WS-TC-01', amounts: neg(amounts(1n, 0n)) }, undefined)).toEqual({ kind: 'orphan' });
  });

  /**
   * Any interleaving of originals, refunds (some arriving before their original) and period
   * approvals: an approved period never changes, and once every period is approved the year's
   * approved fund total equals originals − accepted refunds. A period whose refunds exceed its
   * settlements is funded nothing and carries its negative net into the next period (owed by the
   * unit), so no approved figure is negative and the ledger reconciles with every period.
   */
  it('any interleaving leaves the approved total equal to originals − refunds, and no approved period reopens', () => {
    type Ev = { kind: 'original'; id: number; fund: bigint } | { kind: 'refund'; of: number; fund: bigint } | { kind: 'approve' };
    const ev = fc.oneof(
      fc.record({ kind: fc.constant('original' as const), id: fc.integer({ min: 0, max: 5 }), fund: fc.bigInt({ min: 1n, max: 10000n }) }),
      fc.record({ kind: fc.constant('refund' as const), of: fc.integer({ min: 0, max: 5 }), fund: fc.bigInt({ min: 1n, max: 10000n }) }),
      fc.record({ kind: fc.constant('approve' as const) }),
    );
    fc.assert(
      fc.property(fc.array(ev, { maxLength: 60 }), (events: Ev[]) => {
        let period = 1; // the open period; earlier ones are approved
        const periodTotal = new Map<number, bigint>();
        const approvedSnapshot = new Map<number, bigint>();
        const originals = new Map<number, OriginalSettlement>();
        const orphans: { of: number; amounts: Amounts }[] = [];
        let sumOriginals = 0n;
        let sumRefunds = 0n;
        const land = (p: string, fund: bigint) => {
          // a closed (approved) period rolls to the open one
          const target = Number(p) < period ? period : Number(p);
          periodTotal.set(target, (periodTotal.get(target) ?? 0n) + fund);
        };
        // Approving the open period: a negative net is carried out of it (its figure becomes zero)
        // into the next period, where it is offset against that month's settlements.
        const posted = new Map<number, bigint>();
        let owed = 0n;
        const approve = () => {
          const net = periodTotal.get(period) ?? 0n;
          approvedSnapshot.set(period, net);
          const [carry] = negativeNetCarries([{ claimId: period, code: 'U', approved: Money.fromCents(net) }]);
          const carried = carry ? carry.amount.toCents() : 0n;
          posted.set(period, net + carried);
          owed = carried;
          period++;
          if (carried > 0n) periodTotal.set(period, (periodTotal.get(period) ?? 0n) - carried);
        };
        const apply = (of: number, a: Amounts): boolean => {
          const o = originals.get(of);
          const d = decideRefund({ unitCode: 'U', amounts: a }, o);
          if (d.kind === 'orphan') return false;
          if (d.kind === 'accepted') {
            o!.refunded = addAmounts(o!.refunded, a);
            sumRefunds += -a.fundPaid;
            land(d.landsLikePeriod, a.fundPaid);
          }
          return true;
        };
        for (const e of events) {
          if (e.kind === 'original') {
            if (originals.has(e.id)) continue; // re-sent: a duplicate
            originals.set(e.id, { unitCode: 'U', claimPeriod: String(period), amounts: amounts(e.fund, e.fund), refunded: zeroAmounts() });
            sumOriginals += e.fund;
            land(String(period), e.fund);
            for (let i = orphans.length - 1; i >= 0; i--)
              if (orphans[i].of === e.id && apply(e.id, orphans[i].amounts)) orphans.splice(i, 1);
          } else if (e.kind === 'refund') {
            const a = neg(amounts(e.fund, e.fund));
            if (!apply(e.of, a)) orphans.push({ of: e.of, amounts: a });
          } else {
            approve();
          }
          for (const [p, t] of approvedSnapshot) if ((periodTotal.get(p) ?? 0n) !== t) return false;
        }
        approve();
        const approved = [...posted.values()].reduce((s, t) => s + t, 0n);
        for (const o of originals.values()) if (o.amounts.fundPaid + o.refunded.fundPaid < 0n) return false;
        // What the approved periods funded, less what the last one still carries as owed, is originals − refunds.
        if (approved - owed !== sumOriginals - sumRefunds) return false;
        if ([...posted.values()].some((t) => t < 0n)) return false;
        // The ledger: each approved period posts its figure (never negative) out of the package; the
        // package then holds what it was given less the year's approved total, the payable the rest.
        const given = Money.fromCents(sumOriginals + 1n);
        let totals = applyTransfers(new Map(), [
          { id: 'fund', debit: ACCOUNTS.fundSource, credit: communityPackageAccount('C'), amount: given, memo: '' },
        ]);
        for (const [p, t] of posted)
          totals = applyTransfers(
            totals,
            declarationApprovalTransfers(
              `d.${p}`,
              'C',
              { deposit: Money.ZERO, advanceOffset: Money.ZERO, cash: Money.fromCents(t) },
              String(p),
            ),
          );
        return (
          balanceIn(totals, communityPackageAccount('C')).toCents() === given.toCents() - approved &&
          balanceIn(totals, CYCLE_ACCOUNTS.bureauPayable('C')).toCents() === approved
        );
      }),
      { numRuns: 500 },
    );
  });
});
