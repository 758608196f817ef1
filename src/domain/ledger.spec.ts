import fc from 'fast-check';
import { allocateFundYear, splitPackageBetweenCommunities } from './fund-year-allocation';
import {
  ACCOUNT_KIND_CODES,
  ACCOUNTS,
  AccountTotals,
  allocationTransfers,
  applyTransfers,
  balanceIn,
  classifyAccount,
  journalEntry,
  mayGoNegative,
  presentAccount,
  presentBalance,
  reversalTransfers,
  signedBalance,
  TransferSpec,
  trialBalance,
} from './ledger';
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

/** Checks the accounts view of a ledger: balances reproduced, on their normal side, 借 total = 贷 total. */
function expectPresentable(balances: ReadonlyMap<string, AccountTotals>): void {
  const accounts = [...balances].map(([code, totals]) => presentAccount(code, totals));
  for (const a of accounts) {
    expect(signedBalance(a.balance).eq(balanceIn(balances, a.code))).toBe(true);
    expect(a.balance.amount.isNegative()).toBe(false);
    // A balance stands on its account's normal side, or is nil.
    expect([a.normalSide, '平']).toContain(a.balance.side);
  }
  expect(trialBalance(accounts).balanced).toBe(true);
}

describe('the ledger as a finance office reads it', () => {
  it('shows a signed balance as a non-negative amount and its side (余额方向), and back', () => {
    expect(presentBalance(Money.of('-211271792.49'))).toEqual({ side: '借', amount: Money.of('211271792.49') });
    expect(presentBalance(Money.of('0.01'))).toEqual({ side: '贷', amount: Money.of('0.01') });
    expect(presentBalance(Money.ZERO)).toEqual({ side: '平', amount: Money.ZERO });
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), (cents) => {
        const signed = Money.fromCents(cents);
        const shown = presentBalance(signed);
        return signedBalance(shown).eq(signed) && !shown.amount.isNegative();
      }),
    );
  });

  it('names every account with its nature and normal side; only the accounts that may run negative are debit-side (资产)', () => {
    expect(classifyAccount(ACCOUNTS.fundSource)).toEqual({ name: '筹资来源（筹资到账）', nature: '资产', normalSide: '借' });
    expect(classifyAccount('COMMUNITY_PACKAGE:WS-MC')).toEqual({ name: '医共体打包资金 WS-MC', nature: '净资产', normalSide: '贷' });
    expect(classifyAccount('BUREAU_PAYABLE:WS-MC')).toMatchObject({ nature: '负债', normalSide: '贷' });
    expect(classifyAccount('MEMBER_FUNDS:WS-TA')).toMatchObject({ nature: '支出', normalSide: '贷' });
    expect(classifyAccount('YEAR_END_RECEIVABLE:WS-TA')).toMatchObject({ nature: '资产', normalSide: '借' });
    for (const kind of ACCOUNT_KIND_CODES) {
      const code = kind.includes('_') && !Object.values(ACCOUNTS).includes(kind as never) ? `${kind}:X` : kind;
      expect(classifyAccount(code).normalSide === '借').toBe(mayGoNegative(code));
    }
  });

  it('shows a transfer as an entry (分录): 借 the account the money leaves, 贷 the one it reaches, the same amount', () => {
    const e = journalEntry({ debit: ACCOUNTS.fundSource, credit: ACCOUNTS.fundPool, amount: Money.of('260573877.89'), memo: '筹资总额 F' });
    expect(e).toEqual({
      summary: '筹资总额 F',
      lines: [
        { side: '借', account: 'FUND_SOURCE', accountName: '筹资来源（筹资到账）', amount: Money.of('260573877.89') },
        { side: '贷', account: 'FUND_POOL', accountName: '县级统筹基金（待分配）', amount: Money.of('260573877.89') },
      ],
    });
  });

  it('balances every allocation posting: 借 total = 贷 total in the entries and in the account balances', () => {
    fc.assert(
      fc.property(allocationCase, fc.boolean(), (c, reverse) => {
        const posted = transfersFor(c, 'alloc.1');
        const entries = [...posted, ...(reverse ? reversalTransfers('rev', posted) : [])].map(journalEntry);
        const side = (s: '借' | '贷') => Money.sum(entries.flatMap((e) => e.lines.filter((l) => l.side === s).map((l) => l.amount)));
        expect(side('借').eq(side('贷'))).toBe(true);
        let balances = applyTransfers(new Map(), posted);
        expectPresentable(balances);
        expect(presentAccount(ACCOUNTS.fundSource, balances.get(ACCOUNTS.fundSource)!).balance.side).toBe('借');
        if (reverse) balances = applyTransfers(balances, reversalTransfers('rev', posted));
        expectPresentable(balances);
      }),
      { numRuns: 300 },
    );
  });

  it('balances any flow of money between accounts of every kind the ledger keeps', () => {
    const codes = ACCOUNT_KIND_CODES.map((k) => (Object.values(ACCOUNTS).includes(k as never) ? k : `${k}:U1`));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(codes.length - 1), fc.nat(codes.length - 1), fc.bigInt({ min: 1n, max: 10n ** 12n })), { maxLength: 40 }),
        (moves) => {
          // Money comes in from the sources, then moves on as far as each account holds it (the
          // database's CHECK keeps every other account from going below zero).
          let balances = applyTransfers(new Map(), [
            { id: 'in', debit: ACCOUNTS.fundSource, credit: ACCOUNTS.fundPool, amount: Money.of('1000000000.00'), memo: '' },
          ]);
          moves.forEach(([from, to, cents], i) => {
            if (from === to) return;
            const held = balanceIn(balances, codes[from]);
            const wanted = Money.fromCents(cents);
            let amount = mayGoNegative(codes[from]) || wanted.lte(held) ? wanted : held;
            // Into a debit-side account (a source, a receivable) money only comes back, as far as it went out.
            const owed = balanceIn(balances, codes[to]).negated();
            if (classifyAccount(codes[to]).normalSide === '借' && amount.gt(owed)) amount = owed;
            if (!amount.isPositive()) return;
            balances = applyTransfers(balances, [{ id: `m${i}`, debit: codes[from], credit: codes[to], amount, memo: '' }]);
          });
          expectPresentable(balances);
        },
      ),
      { numRuns: 500 },
    );
  });
});
