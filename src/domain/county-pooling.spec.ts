import fc from 'fast-check';
import { countyResultTransfers, DEFAULT_CITY_POOLING_TERMS, GOOD_STANDING, shareCountyFundResult } from './city-gap-sharing';
import {
  assertPoolUnchanged,
  CITY_SHARING_LIFECYCLE,
  closingBalance,
  countyFundBooksAccount,
  countyResultOpeningTransfers,
  countyYearResult,
  pooledFundAvailable,
  PROVINCIAL_FUND_LIFECYCLE,
} from './county-pooling';
import { CITY_POOLING_ACCOUNTS, mayGoNegative, TransferSpec } from './ledger';
import { Money } from './money';
import { refusal } from './refusal.spec-helper';

const yuan = Money.of;
/** Each account's balance after the transfers: credits − debits. */
const balances = (transfers: readonly TransferSpec[]) => {
  const net = new Map<string, Money>();
  const move = (account: string, amount: Money) => net.set(account, (net.get(account) ?? Money.ZERO).plus(amount));
  for (const t of transfers) {
    move(t.debit, t.amount.negated());
    move(t.credit, t.amount);
  }
  return net;
};

describe('county pooling workflows (SPEC §12)', () => {
  it('computes, confirms, executes a sharing in that order only', () => {
    expect(CITY_SHARING_LIFECYCLE.apply('COMPUTED', 'confirm')).toBe('CONFIRMED');
    expect(CITY_SHARING_LIFECYCLE.apply('CONFIRMED', 'execute')).toBe('EXECUTED');
    expect(refusal(() => CITY_SHARING_LIFECYCLE.apply('COMPUTED', 'execute')).code).toBe('ILLEGAL_TRANSITION');
    expect(refusal(() => CITY_SHARING_LIFECYCLE.apply('CONFIRMED', 'recompute')).code).toBe('ILLEGAL_TRANSITION');
    expect(CITY_SHARING_LIFECYCLE.allowedActions('EXECUTED')).toEqual([]);
    expect(refusal(() => PROVINCIAL_FUND_LIFECYCLE.apply('DRAFTED', 'post')).code).toBe('ILLEGAL_TRANSITION');
    expect(PROVINCIAL_FUND_LIFECYCLE.apply(PROVINCIAL_FUND_LIFECYCLE.apply('DRAFTED', 'approve'), 'post')).toBe('POSTED');
  });

  it('keeps the pooled fund from what executed sharings drew and paid in', () => {
    expect(pooledFundAvailable(yuan('2000000.00'), [{ poolPays: yuan('2000000.00'), surplusToPool: Money.ZERO }]).toString()).toBe('0.00');
    expect(
      pooledFundAvailable(yuan('2000000.00'), [
        { poolPays: yuan('2000000.00'), surplusToPool: Money.ZERO },
        { poolPays: Money.ZERO, surplusToPool: yuan('700000.01') },
      ]).toString(),
    ).toBe('700000.01');
    const e = refusal(() => assertPoolUnchanged(yuan('2000000.00'), yuan('0.00')));
    expect([e.code, e.kind]).toEqual(['POOLED_FUND_CHANGED', 'conflict']);
  });

  it('closes the accumulated balance with the executed sharing only', () => {
    const s = shareCountyFundResult(
      {
        countyCode: 'X',
        raisedTotal: yuan('200000000.00'),
        income: yuan('200000000.00'),
        expenditure: yuan('210000000.00'),
        accumulatedBalance: yuan('100000000.00'),
      },
      yuan('2000000.00'),
      GOOD_STANDING,
      DEFAULT_CITY_POOLING_TERMS,
    );
    expect(closingBalance(yuan('100000000.00'), null).toString()).toBe('100000000.00');
    expect(closingBalance(yuan('100000000.00'), s).toString()).toBe('93000000.00');
    expect(
      countyYearResult({ raisedTotal: Money.ZERO, income: yuan('1.00'), expenditure: yuan('3.50'), openingBalance: Money.ZERO }),
    ).toEqual({
      result: yuan('-2.50'),
      gap: yuan('2.50'),
      surplus: Money.ZERO,
    });
  });

  it('posts a result and its sharing so that the current result closes at zero and the balance never goes below zero', () => {
    const cents = (max: bigint) => fc.bigInt({ min: 0n, max }).map(Money.fromCents);
    fc.assert(
      fc.property(
        cents(10n ** 12n),
        cents(10n ** 12n),
        cents(10n ** 12n),
        cents(10n ** 12n),
        fc.boolean(),
        (income, expenditure, opening, pool, transitionYear) => {
          const s = shareCountyFundResult(
            { countyCode: 'X', raisedTotal: income, income, expenditure, accumulatedBalance: opening },
            pool,
            { ...GOOD_STANDING, transitionYear },
            DEFAULT_CITY_POOLING_TERMS,
          );
          const transfers = [...countyResultOpeningTransfers('P', 'X', s.result, opening), ...countyResultTransfers('P', s)];
          const net = balances(transfers);
          const of = (account: string) => net.get(account) ?? Money.ZERO;
          const protectedAccounts = [...net.keys()].filter((a) => !mayGoNegative(a));
          return (
            of(CITY_POOLING_ACCOUNTS.countyCurrentResult('X')).isZero() &&
            of(CITY_POOLING_ACCOUNTS.countyBalance('X')).eq(closingBalance(opening, s)) &&
            of(countyFundBooksAccount('X')).eq(opening.plus(s.result).negated()) &&
            protectedAccounts.every((a) => !of(a).isNegative()) &&
            new Set(transfers.map((t) => t.id)).size === transfers.length
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
