import { DomainError, ErrorDetail } from './domain-error';
import { splitByLargestRemainder } from './largest-remainder';
import { CITY_POOLING_ACCOUNTS, TransferSpec } from './ledger';
import { Dec, Money } from './money';
import { Rate, toRate } from './rate';

/** One county's fund year under city-level pooling (SPEC §12.1, 分县核算). */
export interface CountyFundYearResult {
  countyCode: string;
  raisedTotal: Money; // F 当年统筹基金筹资总额: the base of city finance's cap
  income: Money; // 当期基金收入
  expenditure: Money; // 当期基金支出
  /** 分县核算累计结余: the county part is paid from it first, the rest by a county fiscal subsidy. */
  accumulatedBalance: Money;
}

/** The county's standing for the year, as the city's assessment and the calendar give it. */
export interface CountyPoolingStanding {
  gapLastYear: boolean; // 上一年度已经出现当期收支缺口
  assessmentBelowGood: boolean; // 县政府考核未达到优良
  transitionYear: boolean; // 三年过渡期内
  /**
   * 过渡期: where the county's base-year fiscal subsidy standard was above the city's, the
   * difference the bureau enters; the county covers the gap with it before any sharing.
   */
  transitionSubsidyDifference: Money;
}

/** The city's rates for the year (stored per level and year; SPEC §12.1 defaults below). */
export interface CityPoolingTerms {
  cityShare: Rate; // 归集基金 share of a gap
  cityFinanceShare: Rate; // 市财政 share of what the pooled fund cannot pay
  cityFinanceCapRate: Rate; // 市财政 pays at most this share of the county's F
  priorGapCityShareCut: Rate; // a gap last year: cityShare less these points …
  priorGapCityFinanceFactor: Rate; // … and cityFinanceShare times this factor (halved)
  belowGoodCityShareCut: Rate; // government assessment below 优良: cityShare less these points
  transitionSurplusToCounty: Rate; // surplus in a transition year: this share to the county's balance, the rest to the pooled fund
  /** Surplus after the transition: SPEC sets no ratio, so by default all of it stays in the county's balance. */
  surplusToCounty: Rate;
}

/** SPEC §12.1 defaults: a seed for the city's parameter set, never read in place of it. */
export const DEFAULT_CITY_POOLING_TERMS: Readonly<Record<keyof CityPoolingTerms, Dec>> = Object.freeze({
  cityShare: new Dec('0.30'),
  cityFinanceShare: new Dec('0.20'),
  cityFinanceCapRate: new Dec('0.01'),
  priorGapCityShareCut: new Dec('0.05'),
  priorGapCityFinanceFactor: new Dec('0.5'),
  belowGoodCityShareCut: new Dec('0.05'),
  transitionSurplusToCounty: new Dec('0.30'),
  surplusToCounty: new Dec('1'),
});

/** A standing with no penalty, outside the transition. */
export const GOOD_STANDING: Readonly<CountyPoolingStanding> = Object.freeze({
  gapLastYear: false,
  assessmentBelowGood: false,
  transitionYear: false,
  transitionSubsidyDifference: Money.ZERO,
});

/**
 * Who covers a county's current gap, or where its surplus goes (市级统筹责任分担). Every figure
 * that does not apply to the year is zero. For a gap G:
 * G = transitionDifferenceCovered + poolPays + cityFinance + countyFinance + countyPart.
 */
export interface CountyResultSharing {
  countyCode: string;
  result: Money; // income − expenditure (当期收支)
  gap: Money; // G > 0 when the result is negative
  surplus: Money; // when the result is positive
  /** The rates after the year's penalties. */
  effectiveCityShare: Dec;
  effectiveCityFinanceShare: Dec;
  transitionDifferenceCovered: Money; // covered by county finance before any sharing
  sharedGap: Money; // G less the transition difference: what steps 1–3 split
  cityPart: Money; // 归集基金 share of the shared gap
  countyPart: Money; // the county's share (70% by default) …
  countyPartFromBalance: Money; // … from its accumulated balance …
  countyPartFromSubsidy: Money; // … and the rest by a county fiscal subsidy (财政专项补助)
  poolPays: Money; // what the pooled fund's balance pays of the city part
  unpaid: Money; // the city part the pooled fund cannot pay
  cityFinanceBeforeCap: Money; // cityFinanceShare of the unpaid part
  cityFinanceCap: Money; // cityFinanceCapRate × F, half up
  capCutOff: Money; // what the cap cuts off, borne by county finance
  cityFinance: Money; // 市财政, after the cap
  countyFinance: Money; // 缺口地财政: its share of the unpaid part plus the cut-off
  surplusToCountyBalance: Money;
  surplusToPooledFund: Money;
}

/**
 * SPEC §12.1. A gap: the county first covers the transition difference (transition years
 * only); the rest is split city part / county part; what the pooled fund's balance cannot pay
 * of the city part is split city finance / county finance; city finance stops at its cap and
 * county finance takes the cut-off. A surplus is split county balance / pooled fund. Every
 * split is by largest remainder, the first-named part taking a tied fen.
 */
export function shareCountyFundResult(
  county: CountyFundYearResult,
  pooledFundBalance: Money,
  standing: CountyPoolingStanding,
  terms: CityPoolingTerms,
): CountyResultSharing {
  checkInputs(county, pooledFundBalance, standing);
  const t = cityPoolingRates(terms);
  const result = county.income.minus(county.expenditure);
  const gap = result.isNegative() ? result.negated() : Money.ZERO;
  const surplus = result.isPositive() ? result : Money.ZERO;

  const cityShareCut = (standing.gapLastYear ? t.priorGapCityShareCut : new Dec(0)).plus(
    standing.assessmentBelowGood ? t.belowGoodCityShareCut : new Dec(0),
  );
  const effectiveCityShare = Dec.max(0, t.cityShare.minus(cityShareCut));
  const effectiveCityFinanceShare = standing.gapLastYear ? t.cityFinanceShare.times(t.priorGapCityFinanceFactor) : t.cityFinanceShare;

  const transitionDifferenceCovered = min(gap, standing.transitionSubsidyDifference);
  const sharedGap = gap.minus(transitionDifferenceCovered);
  const [cityPart, countyPart] = splitInTwo(sharedGap, effectiveCityShare);
  const countyPartFromBalance = min(countyPart, county.accumulatedBalance);
  const poolPays = min(cityPart, pooledFundBalance);
  const unpaid = cityPart.minus(poolPays);
  const [cityFinanceBeforeCap, countyFinanceShare] = splitInTwo(unpaid, effectiveCityFinanceShare);
  const cityFinanceCap = Money.roundHalfUp(county.raisedTotal.times(t.cityFinanceCapRate));
  const cityFinance = min(cityFinanceBeforeCap, cityFinanceCap);
  const capCutOff = cityFinanceBeforeCap.minus(cityFinance);

  const [surplusToCountyBalance, surplusToPooledFund] = splitInTwo(
    surplus,
    standing.transitionYear ? t.transitionSurplusToCounty : t.surplusToCounty,
  );
  return {
    countyCode: county.countyCode,
    result,
    gap,
    surplus,
    effectiveCityShare,
    effectiveCityFinanceShare,
    transitionDifferenceCovered,
    sharedGap,
    cityPart,
    countyPart,
    countyPartFromBalance,
    countyPartFromSubsidy: countyPart.minus(countyPartFromBalance),
    poolPays,
    unpaid,
    cityFinanceBeforeCap,
    cityFinanceCap,
    capCutOff,
    cityFinance,
    countyFinance: countyFinanceShare.plus(capCutOff),
    surplusToCountyBalance,
    surplusToPooledFund,
  };
}

/** Accounts of a city pooling level (kept with the ledger's account catalogue). */
export { CITY_POOLING_ACCOUNTS };

/**
 * The ledger movements of a sharing: for a gap, each payer credits the county's current
 * result (together G); for a surplus, the current result is debited to the county's balance
 * and the pooled fund (together the surplus). Zero legs are left out.
 */
export function countyResultTransfers(prefix: string, s: CountyResultSharing): TransferSpec[] {
  const a = CITY_POOLING_ACCOUNTS;
  const current = a.countyCurrentResult(s.countyCode);
  const out: TransferSpec[] = [];
  const add = (leg: string, debit: string, credit: string, amount: Money, memo: string) => {
    if (amount.isPositive()) out.push({ id: `${prefix}.${leg}`, debit, credit, amount, memo });
  };
  add('transition-difference', a.countyFinance(s.countyCode), current, s.transitionDifferenceCovered, '过渡期财政补助标准差额');
  add('pooled-fund', a.pooledFund, current, s.poolPays, '归集基金分担');
  add('city-finance', a.cityFinance, current, s.cityFinance, '市财政分担');
  add('county-finance', a.countyFinance(s.countyCode), current, s.countyFinance, '缺口地财政分担');
  add('county-balance', a.countyBalance(s.countyCode), current, s.countyPartFromBalance, '缺口地累计结余承担');
  add('county-subsidy', a.countyFinance(s.countyCode), current, s.countyPartFromSubsidy, '缺口地财政专项补助');
  add('surplus-county', current, a.countyBalance(s.countyCode), s.surplusToCountyBalance, '当期结余增加累计结余');
  add('surplus-pooled-fund', current, a.pooledFund, s.surplusToPooledFund, '当期结余纳入归集基金');
  return out;
}

/** Reads and checks the city's rates. */
export function cityPoolingRates(terms: CityPoolingTerms): Record<keyof CityPoolingTerms, Dec> {
  const names = Object.keys(DEFAULT_CITY_POOLING_TERMS) as (keyof CityPoolingTerms)[];
  return Object.fromEntries(names.map((name) => [name, toRate(terms[name], name)])) as Record<keyof CityPoolingTerms, Dec>;
}

/** [share × total, the rest], largest remainder, the share taking a tied fen. */
function splitInTwo(total: Money, share: Dec): [Money, Money] {
  if (total.isZero()) return [Money.ZERO, Money.ZERO];
  const [first, second] = splitByLargestRemainder(total, [share, new Dec(1).minus(share)]);
  return [first, second];
}

function min(a: Money, b: Money): Money {
  return a.lte(b) ? a : b;
}

function checkInputs(county: CountyFundYearResult, pooledFundBalance: Money, standing: CountyPoolingStanding): void {
  const errors: ErrorDetail[] = [];
  const amounts: [string, Money][] = [
    ['raisedTotal', county.raisedTotal],
    ['income', county.income],
    ['expenditure', county.expenditure],
    ['accumulatedBalance', county.accumulatedBalance],
    ['pooledFundBalance', pooledFundBalance],
    ['transitionSubsidyDifference', standing.transitionSubsidyDifference],
  ];
  for (const [field, amount] of amounts)
    if (amount.isNegative()) errors.push({ field, rule: 'nonNegative', message: `${field} cannot be negative (${amount})` });
  if (standing.transitionSubsidyDifference.isPositive() && !standing.transitionYear)
    errors.push({
      field: 'transitionSubsidyDifference',
      rule: 'transitionYearOnly',
      message: `a subsidy standard difference (${standing.transitionSubsidyDifference}) applies only in a transition year`,
    });
  if (errors.length) throw new DomainError('CITY_POOLING_INPUT_INVALID', 'unprocessable', errors.map((e) => e.message).join('; '), errors);
}
