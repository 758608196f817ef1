import fc from 'fast-check';
import {
  claimPeriodFor,
  DECLARATION_LIFECYCLE,
  deadlineStatus,
  fundApprovedClaims,
  MEMBER_CLAIM_LIFECYCLE,
  MemberClaimAction,
  MemberClaimState,
  mayReviewClaim,
  nextPeriod,
  privateMonthlyPayment,
  quarterlyAdvanceAmount,
  splitPassDown,
} from './claim-cycle';
import { Money } from './money';
import { refusal } from './refusal.spec-helper';

const yuan = (s: string) => Money.of(s);
const cents = fc.bigInt({ min: 0n, max: 5_000_000_00n }).map((c) => Money.fromCents(c));

describe('claim period of a record (SPEC §4 step 1: cut-off and roll-over)', () => {
  const open = () => false;

  it('puts a record into the month it was settled in until that month’s cut-off', () => {
    expect(claimPeriodFor('2026-09-30', '2026-10-03', 3, open)).toEqual({ period: '2026-09', rolledOver: false });
  });

  it('rolls a record that arrives after the cut-off into the next period, never losing it', () => {
    expect(claimPeriodFor('2026-09-30', '2026-10-04', 3, open)).toEqual({ period: '2026-10', rolledOver: true });
    expect(claimPeriodFor('2026-07-15', '2026-10-04', 3, open)).toEqual({ period: '2026-10', rolledOver: true });
  });

  it('rolls past a period whose claim is no longer open', () => {
    expect(claimPeriodFor('2026-09-10', '2026-10-02', 3, (p) => p === '2026-09')).toEqual({ period: '2026-10', rolledOver: true });
  });

  it('refuses a record that would roll out of its fund year: that period is closed', () => {
    const r = claimPeriodFor('2025-12-20', '2026-01-04', 3, open);
    expect(r).toMatchObject({ closed: true });
    expect(claimPeriodFor('2025-12-20', '2026-01-03', 3, open)).toEqual({ period: '2025-12', rolledOver: false });
  });

  it('counts periods across the year end', () => {
    expect(nextPeriod('2026-12')).toBe('2027-01');
    expect(nextPeriod('2026-09')).toBe('2026-10');
  });
});

describe('deadlines: late and overdue', () => {
  it('is overdue only while not done after the deadline, and late when done after it', () => {
    expect(deadlineStatus('2026-10-13', null, '2026-10-13')).toEqual({ late: false, overdue: false });
    expect(deadlineStatus('2026-10-13', null, '2026-10-14')).toEqual({ late: false, overdue: true });
    expect(deadlineStatus('2026-10-13', '2026-10-14', '2026-10-20')).toEqual({ late: true, overdue: false });
    expect(deadlineStatus('2026-10-13', '2026-10-13', '2026-10-20')).toEqual({ late: false, overdue: false });
  });
});

describe('life cycles', () => {
  it('declares a member claim only after pre-review, and approves a declaration only after review', () => {
    expect(refusal(() => MEMBER_CLAIM_LIFECYCLE.apply('OPEN', 'declare')).code).toBe('ILLEGAL_TRANSITION');
    expect(MEMBER_CLAIM_LIFECYCLE.apply('REVIEWED', 'declare')).toBe('DECLARED');
    expect(refusal(() => DECLARATION_LIFECYCLE.apply('DECLARED', 'approve')).code).toBe('ILLEGAL_TRANSITION');
    expect(refusal(() => DECLARATION_LIFECYCLE.apply('APPROVED', 'return')).code).toBe('ILLEGAL_TRANSITION');
    expect(DECLARATION_LIFECYCLE.apply('APPROVED', 'disburse')).toBe('DISBURSED');
  });

  it('moves a declared claim on with its money, and a settled private claim to paid, in that order only', () => {
    const path = (start: MemberClaimState, actions: MemberClaimAction[]) =>
      actions.reduce((state, action) => MEMBER_CLAIM_LIFECYCLE.apply(state, action), start);
    expect(path('OPEN', ['submit', 'completeReview', 'declare', 'fund', 'passDown'])).toBe('PASSED_DOWN');
    expect(path('OPEN', ['submit', 'completeReview', 'settle', 'pay'])).toBe('PAID');
    expect(refusal(() => MEMBER_CLAIM_LIFECYCLE.apply('DECLARED', 'passDown')).code).toBe('ILLEGAL_TRANSITION');
    expect(refusal(() => MEMBER_CLAIM_LIFECYCLE.apply('REVIEWED', 'fund')).code).toBe('ILLEGAL_TRANSITION');
    expect(refusal(() => MEMBER_CLAIM_LIFECYCLE.apply('DECLARED', 'pay')).code).toBe('ILLEGAL_TRANSITION');
    expect(refusal(() => MEMBER_CLAIM_LIFECYCLE.apply('FUNDED', 'fund')).code).toBe('ILLEGAL_TRANSITION');
    for (const end of ['PASSED_DOWN', 'PAID', 'ROLLED_OVER'] as const) expect(MEMBER_CLAIM_LIFECYCLE.allowedActions(end)).toEqual([]);
  });
});

describe('who pre-reviews a claim', () => {
  it('is the lead unit of the claim’s community, or the bureau for a private institution', () => {
    expect(mayReviewClaim({ type: 'LEAD_HOSPITAL', communityId: 7 }, { communityId: 7 })).toBe(true);
    expect(mayReviewClaim({ type: 'LEAD_HOSPITAL', communityId: 8 }, { communityId: 7 })).toBe(false);
    expect(mayReviewClaim({ type: 'BUREAU', communityId: null }, { communityId: 7 })).toBe(false);
    expect(mayReviewClaim({ type: 'BUREAU', communityId: null }, { communityId: null })).toBe(true);
    expect(mayReviewClaim({ type: 'LEAD_HOSPITAL', communityId: 7 }, { communityId: null })).toBe(false);
    expect(MEMBER_CLAIM_LIFECYCLE.apply('REVIEWED', 'settle')).toBe('SETTLED');
  });
});

describe('funding under the package cap (超支不补)', () => {
  it('funds an approved month in full while the package lasts', () => {
    const f = fundApprovedClaims({
      approved: yuan('1000.00'),
      packageBalance: yuan('5000.00'),
      advanceBalance: Money.ZERO,
      depositRate: '0',
    });
    expect(f).toEqual({
      funded: yuan('1000.00'),
      unfunded: Money.ZERO,
      deposit: Money.ZERO,
      advanceOffset: Money.ZERO,
      cash: yuan('1000.00'),
    });
  });

  it('funds only what is left of M and records the rest as unfunded', () => {
    const f = fundApprovedClaims({
      approved: yuan('1000.00'),
      packageBalance: yuan('600.00'),
      advanceBalance: Money.ZERO,
      depositRate: '0',
    });
    expect([f.funded, f.unfunded, f.cash].map(String)).toEqual(['600.00', '400.00', '600.00']);
  });

  it('withholds the quality deposit half up and uses the quarterly advance before drawing cash', () => {
    const f = fundApprovedClaims({
      approved: yuan('1000.05'),
      packageBalance: yuan('5000.00'),
      advanceBalance: yuan('300.00'),
      depositRate: '0.05',
    });
    expect([f.funded, f.deposit, f.advanceOffset, f.cash, f.unfunded].map(String)).toEqual([
      '1000.05',
      '50.00',
      '300.00',
      '650.05',
      '0.00',
    ]);
  });

  it('never draws more than the package holds, whatever the month, advance and deposit rate', () => {
    fc.assert(
      fc.property(
        cents,
        cents,
        cents,
        fc.constantFrom('0', '0.05', '0.1', '0.333'),
        (approved, packageBalance, advanceBalance, depositRate) => {
          const f = fundApprovedClaims({ approved, packageBalance, advanceBalance, depositRate });
          expect(f.deposit.plus(f.cash).lte(packageBalance)).toBe(true);
          expect(f.advanceOffset.lte(advanceBalance)).toBe(true);
          expect(f.funded.plus(f.unfunded).eq(approved)).toBe(true);
          expect(f.deposit.plus(f.advanceOffset).plus(f.cash).eq(f.funded)).toBe(true);
          for (const x of [f.funded, f.unfunded, f.deposit, f.advanceOffset, f.cash]) expect(x.isNegative()).toBe(false);
          // Only the cap leaves anything unfunded.
          if (approved.lte(packageBalance)) expect(f.unfunded.isZero()).toBe(true);
        },
      ),
    );
  });

  it('keeps cumulative funding within M over any sequence of months (property)', () => {
    fc.assert(
      fc.property(cents, fc.array(cents, { maxLength: 14 }), fc.constantFrom('0', '0.05', '0.1'), (pkg, months, depositRate) => {
        let balance = pkg;
        let fundedTotal = Money.ZERO;
        let approvedTotal = Money.ZERO;
        let unfundedTotal = Money.ZERO;
        for (const approved of months) {
          const f = fundApprovedClaims({ approved, packageBalance: balance, advanceBalance: Money.ZERO, depositRate });
          balance = balance.minus(f.deposit).minus(f.cash);
          fundedTotal = fundedTotal.plus(f.funded);
          approvedTotal = approvedTotal.plus(approved);
          unfundedTotal = unfundedTotal.plus(f.unfunded);
          expect(balance.isNegative()).toBe(false);
        }
        expect(fundedTotal.lte(pkg)).toBe(true);
        expect(fundedTotal.plus(unfundedTotal).eq(approvedTotal)).toBe(true);
        // The cap bites only when approvals exceed M.
        expect(fundedTotal.eq(approvedTotal.lt(pkg) ? approvedTotal : pkg)).toBe(true);
      }),
    );
  });

  it('advances a share of M/4 each quarter, never more than is left', () => {
    expect(quarterlyAdvanceAmount(yuan('1000000.00'), '0.8', yuan('900000.00')).toString()).toBe('200000.00');
    expect(quarterlyAdvanceAmount(yuan('1000000.01'), '1', yuan('900000.00')).toString()).toBe('250000.00');
    expect(quarterlyAdvanceAmount(yuan('1000000.00'), '1', yuan('100.00')).toString()).toBe('100.00');
  });
});

describe('pass-down split', () => {
  it('gives each member exactly its approved amount when the month is fully funded', () => {
    const parts = splitPassDown(yuan('300.00'), [
      { code: 'B', approved: yuan('100.00') },
      { code: 'A', approved: yuan('200.00') },
    ]);
    expect(parts.map((p) => `${p.code}=${p.amount}`)).toEqual(['A=200.00', 'B=100.00']);
  });

  it('always sums exactly to what was received (property)', () => {
    fc.assert(
      fc.property(
        cents,
        fc.uniqueArray(fc.tuple(fc.stringMatching(/^[A-Z]{1,4}$/), cents), { selector: (t) => t[0], minLength: 1, maxLength: 20 }),
        (received, members) => {
          const parts = splitPassDown(
            received,
            members.map(([code, approved]) => ({ code, approved })),
          );
          const total = Money.sum(parts.map((p) => p.amount));
          if (members.every(([, a]) => a.isZero())) expect(total.isZero()).toBe(true);
          else expect(total.eq(received)).toBe(true);
          for (const p of parts) expect(p.amount.isNegative()).toBe(false);
        },
      ),
    );
  });
});

describe('private institutions: total-control monthly payment (总额控制结算)', () => {
  it('pays approved claims up to budget × months / 12, less the deposit', () => {
    const p = privateMonthlyPayment({
      annualBudget: yuan('1200000.00'),
      monthsElapsed: 3,
      approvedToDate: yuan('350000.00'),
      fundedBefore: yuan('200000.00'),
      depositRate: '0.05',
    });
    expect([p.cumulativeCap, p.funded, p.deposit, p.cash, p.unfundedToDate].map(String)).toEqual([
      '300000.00',
      '100000.00',
      '5000.00',
      '95000.00',
      '50000.00',
    ]);
  });

  it('pays nothing beyond the cumulative cap, and catches up when the cap rises', () => {
    const capped = privateMonthlyPayment({
      annualBudget: yuan('1200000.00'),
      monthsElapsed: 1,
      approvedToDate: yuan('150000.00'),
      fundedBefore: Money.ZERO,
      depositRate: '0',
    });
    expect(capped.funded.toString()).toBe('100000.00');
    const next = privateMonthlyPayment({
      annualBudget: yuan('1200000.00'),
      monthsElapsed: 2,
      approvedToDate: yuan('150000.00'),
      fundedBefore: capped.funded,
      depositRate: '0',
    });
    expect([next.funded, next.unfundedToDate].map(String)).toEqual(['50000.00', '0.00']);
  });

  it('refuses a month outside 1–12', () => {
    expect(
      refusal(() =>
        privateMonthlyPayment({
          annualBudget: yuan('1.00'),
          monthsElapsed: 13,
          approvedToDate: Money.ZERO,
          fundedBefore: Money.ZERO,
          depositRate: '0',
        }),
      ).code,
    ).toBe('PRIVATE_PAYMENT_MONTH');
  });
});
