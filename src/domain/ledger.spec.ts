import fc from 'fast-check';
import { allocateFundYear, splitPackageBetweenCommunities } from './fund-year-allocation';
import { ACCOUNTS, AccountTotals, allocationTransfers, applyTransfers, balanceIn, reversalTransfers, TransferSpec } from './ledger';
import { Money } from './money';
import { defaultPolicyParameters } from './policy-parameters';

const sum = (balances: Map<string, AccountTotals>, side: keyof AccountTotals) => Money.sum([...balances.values()].map((b) => b[side]));
const balance = balanceIn;

const allocationCase = fc.record({
  n: fc.bigInt({ min: 1000n, max: 1_000_000n }),
  s: fc.bigInt({ min: 50_000n, max: 150_000n }),
  dfd: fc.bigInt({ min: 0n, max: 1_000_000n }),
  p: fc.bigInt({ min: 0n, max: 1_000_000n }),
  populations: fc.array(fc.bigInt({ min: 1n, max: 500_000n }), { minLength: 1, maxLength: 4 }),
});

type AllocationCase = typeof allocationCase extends fc.Arbitrary<infer T> ? T : never;

function transfersFor(c: AllocationCase, id: string): TransferSpec[] {
  const inputs = {
    insuredCount: c.n,
    perCapitaStandard: Money.fromCents(c.s),
    interest: Money.of('0'),
    criticalIllnessPremiumPerPerson: Money.of('20.00'),
    familyDoctorFee: Money.fromCents(c.dfd),
    policyAdjustmentExpenditure: Money.fromCents(c.p),
  };
  const a = allocateFundYear(inputs, defaultPolicyParameters(2021));
  const communities = splitPackageBetweenCommunities(
    a.communityPackage,
    c.populations.map((p, i) => ({ code: `MC${i}`, enrolledPopulation: p })),
  );
  return allocationTransfers(id, a, inputs.familyDoctorFee, inputs.policyAdjustmentExpenditure, communities);
}

describe('ledger', () => {
  it('posts an allocation that empties the pool and keeps every fund account non-negative', () => {
    fc.assert(
      fc.property(allocationCase, (c) => {
        const balances = applyTransfers(new Map(), transfersFor(c, 'alloc.1'));
        expect(balance(balances, ACCOUNTS.fundPool).isZero()).toBe(true);
        for (const [account, b] of balances)
          if (account !== ACCOUNTS.fundSource) expect(b.credits.minus(b.debits).isNegative()).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps total debits equal to total credits after any sequence of postings, corrections and reversals', () => {
    fc.assert(
      fc.property(fc.array(allocationCase, { minLength: 1, maxLength: 5 }), fc.array(fc.boolean(), { maxLength: 5 }), (cases, reverse) => {
        let balances = new Map<string, AccountTotals>();
        cases.forEach((c, i) => {
          const posted = transfersFor(c, `alloc.${i}`);
          balances = applyTransfers(balances, posted);
          if (reverse[i]) balances = applyTransfers(balances, reversalTransfers('rev', posted));
          expect(sum(balances, 'debits').eq(sum(balances, 'credits'))).toBe(true);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('refuses to take a protected account below zero', () => {
    expect(() =>
      applyTransfers(new Map(), [{ id: 't', debit: ACCOUNTS.fundPool, credit: ACCOUNTS.privatePool, amount: Money.of('0.01'), memo: '' }]),
    ).toThrow(expect.objectContaining({ code: 'ACCOUNT_WOULD_GO_NEGATIVE' }));
  });
});
