import fc from 'fast-check';
import {
  CITY_POOLING_ACCOUNTS,
  CountyFundYearResult,
  countyResultTransfers,
  CountyResultSharing,
  DEFAULT_CITY_POOLING_TERMS,
  GOOD_STANDING,
  shareCountyFundResult,
} from './city-gap-sharing';
import { TransferSpec } from './ledger';
import { Money } from './money';
import { refusal } from './refusal.spec-helper';

const yuan = Money.of;
/** A county whose year ends with the gap G (income 0 keeps the examples' figures plain). */
const countyWithGap = (raisedTotal: string, gap: string, accumulatedBalance = '100000000.00'): CountyFundYearResult => ({
  countyCode: 'LS-01',
  raisedTotal: yuan(raisedTotal),
  income: yuan(raisedTotal),
  expenditure: yuan(raisedTotal).plus(yuan(gap)),
  accumulatedBalance: yuan(accumulatedBalance),
});
const figures = (s: CountyResultSharing) => ({
  gap: s.gap.toString(),
  cityPart: s.cityPart.toString(),
  poolPays: s.poolPays.toString(),
  unpaid: s.unpaid.toString(),
  cityFinance: s.cityFinance.toString(),
  capCutOff: s.capCutOff.toString(),
  countyFinance: s.countyFinance.toString(),
  countyPart: s.countyPart.toString(),
});
/** What the movements do to each account: credits − debits. */
const netByAccount = (transfers: readonly TransferSpec[]) => {
  const net = new Map<string, Money>();
  const move = (account: string, amount: Money) => net.set(account, (net.get(account) ?? Money.ZERO).plus(amount));
  for (const t of transfers) {
    move(t.debit, t.amount.negated());
    move(t.credit, t.amount);
  }
  return Object.fromEntries([...net].map(([k, v]) => [k, v.toString()]));
};
const covered = (s: CountyResultSharing) =>
  Money.sum([s.transitionDifferenceCovered, s.poolPays, s.cityFinance, s.countyFinance, s.countyPart]);

describe('shareCountyFundResult (SPEC §12.1, 市级统筹责任分担)', () => {
  it('reproduces the first worked example: the pooled fund runs short, finance splits 20/80', () => {
    const s = shareCountyFundResult(
      countyWithGap('200000000.00', '10000000.00'),
      yuan('2000000.00'),
      GOOD_STANDING,
      DEFAULT_CITY_POOLING_TERMS,
    );
    expect(figures(s)).toEqual({
      gap: '10000000.00',
      cityPart: '3000000.00',
      poolPays: '2000000.00',
      unpaid: '1000000.00',
      cityFinance: '200000.00',
      capCutOff: '0.00',
      countyFinance: '800000.00',
      countyPart: '7000000.00',
    });
    expect(s.cityFinanceCap.toString()).toBe('2000000.00');
    expect(covered(s).eq(s.gap)).toBe(true);
  });

  it('reproduces the second: a gap last year costs the city 5 points and halves city finance', () => {
    const s = shareCountyFundResult(
      countyWithGap('200000000.00', '10000000.00'),
      yuan('2000000.00'),
      { ...GOOD_STANDING, gapLastYear: true },
      DEFAULT_CITY_POOLING_TERMS,
    );
    expect(figures(s)).toEqual({
      gap: '10000000.00',
      cityPart: '2500000.00',
      poolPays: '2000000.00',
      unpaid: '500000.00',
      cityFinance: '50000.00',
      capCutOff: '0.00',
      countyFinance: '450000.00',
      countyPart: '7500000.00',
    });
    expect(s.effectiveCityShare.toString()).toBe('0.25');
    expect(s.effectiveCityFinanceShare.toString()).toBe('0.1');
  });

  it('reproduces the third: city finance stops at 1% of F, the cut-off falls to county finance', () => {
    const s = shareCountyFundResult(countyWithGap('20000000.00', '5000000.00'), Money.ZERO, GOOD_STANDING, DEFAULT_CITY_POOLING_TERMS);
    expect(figures(s)).toEqual({
      gap: '5000000.00',
      cityPart: '1500000.00',
      poolPays: '0.00',
      unpaid: '1500000.00',
      cityFinance: '200000.00',
      capCutOff: '100000.00',
      countyFinance: '1300000.00',
      countyPart: '3500000.00',
    });
    expect(s.cityFinanceBeforeCap.toString()).toBe('300000.00');
    expect(s.cityFinanceCap.toString()).toBe('200000.00');
  });

  it('cuts 5 more points for an assessment below 优良, and both penalties add up', () => {
    const county = countyWithGap('200000000.00', '10000000.00');
    const belowGood = shareCountyFundResult(
      county,
      yuan('2000000.00'),
      { ...GOOD_STANDING, assessmentBelowGood: true },
      DEFAULT_CITY_POOLING_TERMS,
    );
    expect(figures(belowGood)).toMatchObject({ cityPart: '2500000.00', cityFinance: '100000.00', countyFinance: '400000.00' });
    const both = shareCountyFundResult(
      county,
      yuan('2000000.00'),
      { ...GOOD_STANDING, assessmentBelowGood: true, gapLastYear: true },
      DEFAULT_CITY_POOLING_TERMS,
    );
    expect(figures(both)).toMatchObject({ cityPart: '2000000.00', unpaid: '0.00', cityFinance: '0.00', countyPart: '8000000.00' });
  });

  it('lets the county cover the transition difference first, then shares the rest', () => {
    const s = shareCountyFundResult(
      countyWithGap('200000000.00', '10000000.00'),
      yuan('2000000.00'),
      { ...GOOD_STANDING, transitionYear: true, transitionSubsidyDifference: yuan('4000000.00') },
      DEFAULT_CITY_POOLING_TERMS,
    );
    expect(s.transitionDifferenceCovered.toString()).toBe('4000000.00');
    expect(s.sharedGap.toString()).toBe('6000000.00');
    expect(figures(s)).toMatchObject({ cityPart: '1800000.00', poolPays: '1800000.00', unpaid: '0.00', countyPart: '4200000.00' });
    expect(covered(s).eq(s.gap)).toBe(true);
    // A difference larger than the gap covers all of it, and nothing is shared.
    const all = shareCountyFundResult(
      countyWithGap('200000000.00', '1000000.00'),
      yuan('2000000.00'),
      { ...GOOD_STANDING, transitionYear: true, transitionSubsidyDifference: yuan('4000000.00') },
      DEFAULT_CITY_POOLING_TERMS,
    );
    expect([all.transitionDifferenceCovered.toString(), all.cityPart.toString(), all.countyPart.toString()]).toEqual([
      '1000000.00',
      '0.00',
      '0.00',
    ]);
  });

  it('splits a transition-year surplus 30% to the county’s balance, 70% to the pooled fund', () => {
    const county = { ...countyWithGap('10000000.00', '0.00'), expenditure: yuan('9000000.01') }; // surplus 999 999.99
    const s = shareCountyFundResult(county, yuan('5.00'), { ...GOOD_STANDING, transitionYear: true }, DEFAULT_CITY_POOLING_TERMS);
    expect([s.surplus, s.surplusToCountyBalance, s.surplusToPooledFund, s.gap].map(String)).toEqual([
      '999999.99',
      '300000.00', // 299 999.997 takes the spare fen (remainder .997 against .993)
      '699999.99',
      '0.00',
    ]);
    // Outside the transition SPEC sets no ratio: by default the surplus stays with the county.
    const after = shareCountyFundResult(county, yuan('5.00'), GOOD_STANDING, DEFAULT_CITY_POOLING_TERMS);
    expect([after.surplusToCountyBalance, after.surplusToPooledFund].map(String)).toEqual(['999999.99', '0.00']);
    expect(netByAccount(countyResultTransfers('Y2026.LS-01', s))).toEqual({
      [CITY_POOLING_ACCOUNTS.countyCurrentResult('LS-01')]: '-999999.99',
      [CITY_POOLING_ACCOUNTS.countyBalance('LS-01')]: '300000.00',
      [CITY_POOLING_ACCOUNTS.pooledFund]: '699999.99',
    });
  });

  it('pays the county part from the accumulated balance first, then by a fiscal subsidy', () => {
    const s = shareCountyFundResult(
      countyWithGap('200000000.00', '10000000.00', '5000000.00'),
      yuan('2000000.00'),
      GOOD_STANDING,
      DEFAULT_CITY_POOLING_TERMS,
    );
    expect([s.countyPartFromBalance, s.countyPartFromSubsidy].map(String)).toEqual(['5000000.00', '2000000.00']);
  });

  it('moves the first example between the level’s accounts, closing the county’s current result', () => {
    const s = shareCountyFundResult(
      countyWithGap('200000000.00', '10000000.00'),
      yuan('2000000.00'),
      GOOD_STANDING,
      DEFAULT_CITY_POOLING_TERMS,
    );
    const transfers = countyResultTransfers('Y2026.LS-01', s);
    expect(transfers.map((t) => `${t.id} ${t.debit}→${t.credit} ${t.amount}`)).toEqual([
      'Y2026.LS-01.pooled-fund CITY_POOLED_FUND→COUNTY_CURRENT_RESULT:LS-01 2000000.00',
      'Y2026.LS-01.city-finance CITY_FINANCE→COUNTY_CURRENT_RESULT:LS-01 200000.00',
      'Y2026.LS-01.county-finance COUNTY_FINANCE:LS-01→COUNTY_CURRENT_RESULT:LS-01 800000.00',
      'Y2026.LS-01.county-balance COUNTY_ACCUMULATED_BALANCE:LS-01→COUNTY_CURRENT_RESULT:LS-01 7000000.00',
    ]);
    expect(netByAccount(transfers)[CITY_POOLING_ACCOUNTS.countyCurrentResult('LS-01')]).toBe('10000000.00');
  });

  it('refuses negative amounts, bad rates and a transition difference outside the transition', () => {
    const county = countyWithGap('200000000.00', '10000000.00');
    expect(refusal(() => shareCountyFundResult(county, yuan('-1.00'), GOOD_STANDING, DEFAULT_CITY_POOLING_TERMS)).details[0]).toMatchObject(
      {
        field: 'pooledFundBalance',
        rule: 'nonNegative',
      },
    );
    const e = refusal(() =>
      shareCountyFundResult(
        county,
        Money.ZERO,
        { ...GOOD_STANDING, transitionSubsidyDifference: yuan('1.00') },
        DEFAULT_CITY_POOLING_TERMS,
      ),
    );
    expect([e.code, e.details[0].rule]).toEqual(['CITY_POOLING_INPUT_INVALID', 'transitionYearOnly']);
    expect(
      refusal(() => shareCountyFundResult(county, Money.ZERO, GOOD_STANDING, { ...DEFAULT_CITY_POOLING_TERMS, cityShare: '30' })).code,
    ).toBe('RATE_INVALID');
  });

  it('always covers G exactly, with no part negative and city finance never above its cap', () => {
    const cents = (max: bigint) => fc.bigInt({ min: 0n, max }).map(Money.fromCents);
    const percent = fc.integer({ min: 0, max: 100 }).map((p) => (p / 100).toFixed(2));
    fc.assert(
      fc.property(
        fc.record({
          raisedTotal: cents(10n ** 12n),
          income: cents(10n ** 12n),
          expenditure: cents(10n ** 12n),
          accumulatedBalance: cents(10n ** 12n),
        }),
        cents(10n ** 12n),
        fc.record({
          gapLastYear: fc.boolean(),
          assessmentBelowGood: fc.boolean(),
          transitionYear: fc.boolean(),
          difference: cents(10n ** 11n),
        }),
        fc.record({ cityShare: percent, cityFinanceShare: percent, cityFinanceCapRate: percent, transitionSurplusToCounty: percent }),
        (c, pooledFundBalance, st, rates) => {
          const standing = {
            ...st,
            transitionSubsidyDifference: st.transitionYear ? st.difference : Money.ZERO,
          };
          const s = shareCountyFundResult({ countyCode: 'X', ...c }, pooledFundBalance, standing, {
            ...DEFAULT_CITY_POOLING_TERMS,
            ...rates,
          });
          const parts = [
            s.transitionDifferenceCovered,
            s.cityPart,
            s.countyPart,
            s.countyPartFromBalance,
            s.countyPartFromSubsidy,
            s.poolPays,
            s.unpaid,
            s.cityFinanceBeforeCap,
            s.capCutOff,
            s.cityFinance,
            s.countyFinance,
            s.surplusToCountyBalance,
            s.surplusToPooledFund,
          ];
          const transfers = countyResultTransfers('P', s);
          const current = netByAccount(transfers)[CITY_POOLING_ACCOUNTS.countyCurrentResult('X')] ?? '0.00';
          return (
            s.result.eq(c.income.minus(c.expenditure)) &&
            covered(s).eq(s.gap) &&
            s.cityPart.plus(s.countyPart).eq(s.sharedGap) &&
            s.poolPays.plus(s.unpaid).eq(s.cityPart) &&
            s.poolPays.lte(pooledFundBalance) &&
            s.countyPartFromBalance.lte(c.accumulatedBalance) &&
            s.cityFinance.plus(s.countyFinance).eq(s.unpaid) &&
            s.cityFinance.plus(s.capCutOff).eq(s.cityFinanceBeforeCap) &&
            s.surplusToCountyBalance.plus(s.surplusToPooledFund).eq(s.surplus) &&
            parts.every((p) => !p.isNegative()) &&
            s.cityFinance.lte(s.cityFinanceCap) &&
            s.cityFinanceCap.eq(Money.roundHalfUp(c.raisedTotal.times(rates.cityFinanceCapRate))) &&
            Money.of(current).eq(s.result.negated()) &&
            transfers.every((t) => t.amount.isPositive())
          );
        },
      ),
      { numRuns: 1000 },
    );
  });
});
