import { CountyResultSharing } from './city-gap-sharing';
import { DomainError } from './domain-error';
import { CITY_POOLING_ACCOUNTS, countyFundBooksAccount, TransferSpec } from './ledger';
import { Money } from './money';
import { defineStateMachine } from './transition-table';

export { countyFundBooksAccount };

/**
 * The workflows of pooling above the county (SPEC §12, §9): who computes, who confirms, what
 * posting moves, and the county fund's yearly result as its books hold it.
 */

/** City-level gap sharing of one county-year: the prefecture bureau computes, the prefecture's finance confirms, the bureau executes. */
export const CITY_SHARING_STATES = ['COMPUTED', 'CONFIRMED', 'EXECUTED'] as const;
export type CitySharingState = (typeof CITY_SHARING_STATES)[number];
export type CitySharingAction = 'recompute' | 'confirm' | 'execute';
export const CITY_SHARING_LIFECYCLE = defineStateMachine<CitySharingState, CitySharingAction>({
  name: 'city gap sharing',
  transitions: [
    { from: 'COMPUTED', action: 'recompute', to: 'COMPUTED' },
    { from: 'COMPUTED', action: 'confirm', to: 'CONFIRMED' },
    { from: 'CONFIRMED', action: 'execute', to: 'EXECUTED' },
  ],
});

/** The provincial adjustment fund of a year: the province bureau drafts, another person approves, then it is posted. */
export const PROVINCIAL_FUND_STATES = ['DRAFTED', 'APPROVED', 'POSTED'] as const;
export type ProvincialFundState = (typeof PROVINCIAL_FUND_STATES)[number];
export type ProvincialFundAction = 'redraft' | 'approve' | 'post';
export const PROVINCIAL_FUND_LIFECYCLE = defineStateMachine<ProvincialFundState, ProvincialFundAction>({
  name: 'provincial adjustment fund',
  transitions: [
    { from: 'DRAFTED', action: 'redraft', to: 'DRAFTED' },
    { from: 'DRAFTED', action: 'approve', to: 'APPROVED' },
    { from: 'APPROVED', action: 'post', to: 'POSTED' },
  ],
});

/** The county fund's year as its books hold it (分县核算): what the bureau enters. */
export interface CountyFundFigures {
  raisedTotal: Money; // F 当年统筹基金筹资总额
  income: Money; // 当期基金收入
  expenditure: Money; // 当期基金支出
  openingBalance: Money; // 年初累计结余
}

/** What the year comes to before any sharing: result = income − expenditure, a gap or a surplus. */
export function countyYearResult(f: CountyFundFigures): { result: Money; gap: Money; surplus: Money } {
  const result = f.income.minus(f.expenditure);
  return {
    result,
    gap: result.isNegative() ? result.negated() : Money.ZERO,
    surplus: result.isPositive() ? result : Money.ZERO,
  };
}

/**
 * The accumulated balance at year end: the opening balance less what the county part took from
 * it, plus the surplus share it keeps (only once the sharing is executed; before, the opening).
 */
export function closingBalance(
  openingBalance: Money,
  executed: Pick<CountyResultSharing, 'countyPartFromBalance' | 'surplusToCountyBalance'> | null,
): Money {
  if (!executed) return openingBalance;
  return openingBalance.minus(executed.countyPartFromBalance).plus(executed.surplusToCountyBalance);
}

/**
 * The city's pooled fund (归集基金) available to a county's sharing: the year's opening balance
 * the prefecture enters, plus the surpluses executed sharings paid in, less what they drew.
 */
export function pooledFundAvailable(opening: Money, executed: readonly { poolPays: Money; surplusToPool: Money }[]): Money {
  return executed.reduce((balance, s) => balance.plus(s.surplusToPool).minus(s.poolPays), opening);
}

/** Executing a sharing computed against a pooled balance that has since changed is refused (409): compute it again. */
export function assertPoolUnchanged(computedAgainst: Money, availableNow: Money): void {
  if (!computedAgainst.eq(availableNow)) {
    throw new DomainError(
      'POOLED_FUND_CHANGED',
      'conflict',
      `the sharing was computed against a pooled fund of ${computedAgainst}; it now holds ${availableNow}: compute it again`,
      [{ field: 'pooledFundBalance', rule: 'current', message: `now ${availableNow}` }],
    );
  }
}

/**
 * The sharing's ledger movements in the county's fund-year ledger (SPEC §10.1): first the year's
 * result is taken from the county fund's books (分县核算) into the current-result account and the
 * opening accumulated balance into the balance account; then each payer's leg brings the
 * current result to zero (countyResultTransfers). The pooled fund, city finance, county finance
 * and the books are outside this ledger, like the fund sources, and may run negative.
 */
export function countyResultOpeningTransfers(prefix: string, countyCode: string, result: Money, openingBalance: Money): TransferSpec[] {
  const a = CITY_POOLING_ACCOUNTS;
  const books = countyFundBooksAccount(countyCode);
  const current = a.countyCurrentResult(countyCode);
  const out: TransferSpec[] = [];
  if (openingBalance.isPositive())
    out.push({
      id: `${prefix}.opening-balance`,
      debit: books,
      credit: a.countyBalance(countyCode),
      amount: openingBalance,
      memo: '年初累计结余',
    });
  if (result.isNegative())
    out.push({ id: `${prefix}.result`, debit: current, credit: books, amount: result.negated(), memo: '当期收支缺口' });
  if (result.isPositive()) out.push({ id: `${prefix}.result`, debit: books, credit: current, amount: result, memo: '当期收支结余' });
  return out;
}

/** F comes from the bureau or from the county's approved allocation of the year; with neither it is refused (422). */
export function assertRaisedTotalKnown(countyCode: string, fundYear: number, raisedTotal: Money | null): Money {
  if (raisedTotal === null) {
    throw new DomainError(
      'RAISED_TOTAL_REQUIRED',
      'unprocessable',
      `county ${countyCode} has no approved allocation for ${fundYear}: enter raisedTotal (F) with the figures`,
      [{ field: 'raisedTotal', rule: 'requiredWithoutAllocation', message: 'no approved allocation gives F' }],
    );
  }
  return raisedTotal;
}

/** The first entry of a year has no version; every later one names the version it replaces (409/422 otherwise). */
export function assertVersionNamed(exists: boolean, version: number | undefined, current: number): void {
  if (exists && version === undefined) {
    throw new DomainError(
      'VERSION_REQUIRED',
      'unprocessable',
      `the year has figures already (version ${current}): name the version replaced`,
      [{ field: 'version', rule: 'requiredToReplace', message: `current version is ${current}` }],
    );
  }
}

/** A county named for a prefecture's sharing must be one of its counties (422). */
export function assertCountyOfPrefecture(countyCode: string, prefectureCode: string, belongs: boolean): void {
  if (!belongs) {
    throw new DomainError(
      'COUNTY_NOT_IN_PREFECTURE',
      'unprocessable',
      `county ${countyCode} is not a county of prefecture ${prefectureCode}`,
      [{ field: 'countyCode', rule: 'countyOfPrefecture', message: `not in ${prefectureCode}` }],
    );
  }
}

/** A sharing needs the county's figures for the year (422 naming the county and year). */
export function assertFiguresEntered(countyCode: string, fundYear: number, entered: boolean): void {
  if (!entered) {
    throw new DomainError(
      'FUND_RESULT_MISSING',
      'unprocessable',
      `county ${countyCode} has no fund figures for ${fundYear}; its bureau enters them first`,
      [{ field: 'countyCode', rule: 'figuresEntered', message: `no figures for ${fundYear}` }],
    );
  }
}

/** A region of the provincial fund must be a prefecture of the province (422 naming the row). */
export function assertRegionsOfProvince(unknown: readonly { index: number; code: string }[], provinceCode: string): void {
  if (unknown.length) {
    throw new DomainError(
      'REGION_NOT_IN_PROVINCE',
      'unprocessable',
      `${unknown.map((u) => u.code).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a prefecture of province ${provinceCode}`,
      unknown.map((u) => ({
        field: `regions.${u.index}.regionCode`,
        rule: 'prefectureOfProvince',
        message: `${u.code} not in ${provinceCode}`,
      })),
    );
  }
}
