import { DomainError } from './domain-error';
import { FundYearAllocation } from './fund-year-allocation';
import { Money } from './money';

/**
 * Double-entry ledger of one county and fund year. Every transfer moves one positive amount
 * from a debited account to a credited account, so each transfer balances by construction
 * and total debits always equal total credits. Balance = credits − debits.
 */
export const ACCOUNTS = {
  fundSource: 'FUND_SOURCE', // 筹资来源: premiums, subsidies, interest flowing in (the only account that runs negative)
  fundPool: 'FUND_POOL', // 县级统筹基金, before allocation
  adjustmentReserve: 'ADJUSTMENT_RESERVE', // 调剂金
  criticalIllness: 'CRITICAL_ILLNESS_FUND', // 大病保险基金
  familyDoctor: 'FAMILY_DOCTOR_FUND', // 家庭医生签约服务费
  policyAdjustment: 'POLICY_ADJUSTMENT', // 当年政策调整支出
  privatePool: 'PRIVATE_POOL', // 民营定点医疗机构总额
} as const;

/** 医共体打包资金 of one community. */
export const communityPackageAccount = (communityCode: string) => `COMMUNITY_PACKAGE:${communityCode}`;

/** Year-end accounts (SPEC §7). */
export const YEAR_END_ACCOUNTS = {
  /** Passes every year-end movement of a community; zero once the year is posted. */
  clearing: (communityCode: string) => `YEAR_END_CLEARING:${communityCode}`,
  /** What the community owes a unit after the year end (paid with the next pass-down). */
  due: (institutionCode: string) => `YEAR_END_DUE:${institutionCode}`,
  /** What a unit owes after the year end, offset against next year: runs negative by design. */
  receivable: (institutionCode: string) => `YEAR_END_RECEIVABLE:${institutionCode}`,
  /** 结余留用: a surplus the year end could not share (no consumption), kept for the community's surplus plan. */
  retainedSurplus: (communityCode: string) => `YEAR_END_SURPLUS:${communityCode}`,
} as const;

/**
 * Accounts of a city pooling level in a county's fund-year ledger (SPEC §12.1). The pooled fund,
 * city finance, county finance and the county fund's books stand for money outside this ledger
 * (like the fund sources); a county's current result account holds the year's
 * income − expenditure and is brought to zero by the sharing.
 */
export const CITY_POOLING_ACCOUNTS = {
  pooledFund: 'CITY_POOLED_FUND', // 市级归集基金
  cityFinance: 'CITY_FINANCE', // 市财政
  countyFinance: (countyCode: string) => `COUNTY_FINANCE:${countyCode}`, // 缺口地财政
  countyBalance: (countyCode: string) => `COUNTY_ACCUMULATED_BALANCE:${countyCode}`, // 分县核算累计结余
  countyCurrentResult: (countyCode: string) => `COUNTY_CURRENT_RESULT:${countyCode}`, // 当期收支
} as const;

/** 分县核算基金收支: the county fund's books, from which the year's result and opening balance come. */
export const countyFundBooksAccount = (countyCode: string) => `COUNTY_FUND_BOOKS:${countyCode}`;

/** Pooling accounts that stand for money outside the county ledger, and the transient current result: they may run negative. */
function poolingAccountMayGoNegative(account: string): boolean {
  const a = CITY_POOLING_ACCOUNTS;
  return (
    account === a.pooledFund ||
    account === a.cityFinance ||
    account.startsWith(a.countyFinance('')) ||
    account.startsWith(a.countyCurrentResult('')) ||
    account.startsWith(countyFundBooksAccount(''))
  );
}

/**
 * Accounts that run negative: the fund sources (money flows in from outside), a unit's year-end
 * receivable (what it owes, offset against next year; SPEC §7), and the pooling accounts above.
 */
export function mayGoNegative(account: string): boolean {
  return account === ACCOUNTS.fundSource || account.startsWith(YEAR_END_ACCOUNTS.receivable('')) || poolingAccountMayGoNegative(account);
}

export interface TransferSpec {
  /** Caller-chosen unique id: posting the same id twice is a no-op, with other content a conflict. */
  id: string;
  debit: string;
  credit: string;
  amount: Money;
  memo: string;
}

export function assertValidTransfer(t: TransferSpec): void {
  if (!t.amount.isPositive())
    throw new DomainError(
      'TRANSFER_AMOUNT_NOT_POSITIVE',
      'unprocessable',
      `transfer ${t.id}: the amount must be positive, not ${t.amount}`,
    );
  if (t.debit === t.credit)
    throw new DomainError('TRANSFER_SAME_ACCOUNT', 'unprocessable', `transfer ${t.id} debits and credits the same account ${t.debit}`);
}

/** A transfer id posted again must carry the content it was first posted with (TRANSFER_ID_CONFLICT otherwise). */
export function assertSameRepost(prior: Pick<TransferSpec, 'debit' | 'credit' | 'amount'>, t: TransferSpec): void {
  if (!sameTransfer(prior, t))
    throw new DomainError('TRANSFER_ID_CONFLICT', 'conflict', `transfer ${t.id} was already posted with other accounts or amount`, [
      { field: 'id', rule: 'uniqueContent', message: t.id },
    ]);
}

/** The refusal when a protected account would go below zero (the database's CHECK constraint said so). */
export function accountWouldGoNegative(t: TransferSpec): DomainError {
  return new DomainError('ACCOUNT_WOULD_GO_NEGATIVE', 'conflict', `transfer ${t.id} would take ${t.debit} below zero`, [
    { field: 'amount', rule: 'accountNotNegative', message: t.debit },
  ]);
}

/** Same id, same content: a retry. Same id, other content: a conflict. */
export function sameTransfer(
  a: Pick<TransferSpec, 'debit' | 'credit' | 'amount'>,
  b: Pick<TransferSpec, 'debit' | 'credit' | 'amount'>,
): boolean {
  return a.debit === b.debit && a.credit === b.credit && a.amount.eq(b.amount);
}

/**
 * The transfers that approving an allocation posts (SPEC §3): F comes in from the fund
 * sources, then leaves the pool for the reserve, the critical-illness fund, family doctors,
 * policy adjustment, each community's package and the private pool, leaving the pool at zero.
 */
export function allocationTransfers(
  prefix: string,
  a: FundYearAllocation,
  familyDoctorFee: Money,
  policyAdjustment: Money,
  communities: readonly { code: string; package: Money }[],
): TransferSpec[] {
  const out: TransferSpec[] = [];
  const add = (leg: string, debit: string, credit: string, amount: Money, memo: string) => {
    if (amount.isPositive()) out.push({ id: `${prefix}.${leg}`, debit, credit, amount, memo });
  };
  add('raised', ACCOUNTS.fundSource, ACCOUNTS.fundPool, a.raisedTotal, '筹资总额 F');
  add('reserve', ACCOUNTS.fundPool, ACCOUNTS.adjustmentReserve, a.adjustmentReserve, '调剂金 A');
  add('critical-illness', ACCOUNTS.fundPool, ACCOUNTS.criticalIllness, a.criticalIllnessFund, '大病保险基金 C');
  add('family-doctor', ACCOUNTS.fundPool, ACCOUNTS.familyDoctor, familyDoctorFee, '家庭医生签约服务费');
  add('policy-adjustment', ACCOUNTS.fundPool, ACCOUNTS.policyAdjustment, policyAdjustment, '政策调整支出 P');
  for (const c of communities)
    add(`community.${c.code}`, ACCOUNTS.fundPool, communityPackageAccount(c.code), c.package, `医共体打包资金 M ${c.code}`);
  add('private', ACCOUNTS.fundPool, ACCOUNTS.privatePool, a.privatePool, '民营定点医疗机构资金');
  return out;
}

/** Undoes transfers (a correction), newest first so that no account dips below zero on the way. */
export function reversalTransfers(prefix: string, transfers: readonly TransferSpec[]): TransferSpec[] {
  return [...transfers]
    .reverse()
    .map((t) => ({ id: `${prefix}.${t.id}`, debit: t.credit, credit: t.debit, amount: t.amount, memo: `冲销 ${t.memo}` }));
}

/** What approving an allocation posts: for a correction, first the reversal of what the superseded version posted. */
export interface AllocationApprovalPostings {
  reversal: TransferSpec[];
  transfers: TransferSpec[];
}

/**
 * The postings of an allocation's approval (SPEC §3): its own transfers, and when it corrects
 * an approved version, the reversal of that version's transfers (`supersededTransfers`).
 */
export function allocationApprovalPostings(
  allocationId: number,
  a: FundYearAllocation,
  familyDoctorFee: Money,
  policyAdjustment: Money,
  communities: readonly { code: string; package: Money }[],
  supersededTransfers: readonly TransferSpec[] | null,
): AllocationApprovalPostings {
  return {
    reversal: supersededTransfers ? reversalTransfers(`rev.${allocationId}`, supersededTransfers) : [],
    transfers: allocationTransfers(`alloc.${allocationId}`, a, familyDoctorFee, policyAdjustment, communities),
  };
}

export interface AccountTotals {
  debits: Money;
  credits: Money;
}

/** An account's balance (credits less debits); zero for an account with no postings. */
export function balanceIn(totals: ReadonlyMap<string, AccountTotals>, account: string): Money {
  const t = totals.get(account);
  return t ? t.credits.minus(t.debits) : Money.ZERO;
}

/** Applies transfers to balances in order; refuses any that would leave a protected account negative. */
export function applyTransfers(
  balances: ReadonlyMap<string, AccountTotals>,
  transfers: readonly TransferSpec[],
): Map<string, AccountTotals> {
  const next = new Map(balances);
  for (const t of transfers) {
    assertValidTransfer(t);
    const debited = next.get(t.debit) ?? { debits: Money.ZERO, credits: Money.ZERO };
    const afterDebit = { debits: debited.debits.plus(t.amount), credits: debited.credits };
    if (!mayGoNegative(t.debit) && afterDebit.credits.minus(afterDebit.debits).isNegative()) {
      throw accountWouldGoNegative(t);
    }
    next.set(t.debit, afterDebit);
    const credited = next.get(t.credit) ?? { debits: Money.ZERO, credits: Money.ZERO };
    next.set(t.credit, { debits: credited.debits, credits: credited.credits.plus(t.amount) });
  }
  return next;
}

/** Accounts of the monthly cycle (SPEC §4), per community or member unit. */
export const CYCLE_ACCOUNTS = {
  /** Approved and funded, awaiting the bureau's disbursement. */
  bureauPayable: (communityCode: string) => `BUREAU_PAYABLE:${communityCode}`,
  /** 质量保证金 withheld from the community's funding, released at year end. */
  qualityDeposit: (communityCode: string) => `QUALITY_DEPOSIT:${communityCode}`,
  /** 按季度预拨: advanced to the lead unit, not yet offset against approved months. */
  leadAdvance: (communityCode: string) => `LEAD_ADVANCE:${communityCode}`,
  /** Received by the lead unit for its members, not yet passed down. */
  communityHeld: (communityCode: string) => `COMMUNITY_HELD:${communityCode}`,
  /** Funds that reached a member unit (a township's include its villages' until passed down). */
  memberFunds: (institutionCode: string) => `MEMBER_FUNDS:${institutionCode}`,
  /** 县外异地 settlements paid by the bureau directly out of the package. */
  outOfCounty: (communityCode: string) => `OUT_OF_COUNTY:${communityCode}`,
} as const;

/** Accounts of a private designated institution's total-control settlement (SPEC §4). */
export const PRIVATE_ACCOUNTS = {
  /** Approved monthly payment awaiting the bureau's transfer. */
  payable: (institutionCode: string) => `PRIVATE_PAYABLE:${institutionCode}`,
  /** 质量保证金 withheld from the institution's payments. */
  deposit: (institutionCode: string) => `PRIVATE_DEPOSIT:${institutionCode}`,
  /** Paid to the institution. */
  paid: (institutionCode: string) => `PRIVATE_PAID:${institutionCode}`,
} as const;

/**
 * What approving a declaration posts: the deposit withheld and the cash payable leave the
 * package, and the part covered by the quarterly advance moves from the advance to the lead's
 * held funds.
 */
export function declarationApprovalTransfers(
  prefix: string,
  communityCode: string,
  f: { deposit: Money; advanceOffset: Money; cash: Money },
  period: string,
): TransferSpec[] {
  const out: TransferSpec[] = [];
  const add = (leg: string, debit: string, credit: string, amount: Money, memo: string) => {
    if (amount.isPositive()) out.push({ id: `${prefix}.${leg}`, debit, credit, amount, memo });
  };
  add('deposit', communityPackageAccount(communityCode), CYCLE_ACCOUNTS.qualityDeposit(communityCode), f.deposit, `${period} 质量保证金`);
  add('payable', communityPackageAccount(communityCode), CYCLE_ACCOUNTS.bureauPayable(communityCode), f.cash, `${period} 审核拨付额`);
  add(
    'advance-offset',
    CYCLE_ACCOUNTS.leadAdvance(communityCode),
    CYCLE_ACCOUNTS.communityHeld(communityCode),
    f.advanceOffset,
    `${period} 冲抵预拨`,
  );
  return out;
}

/** What a community's package, quarterly advance and quality deposit hold: the balances its year end closes. */
export function communityClosingBalances(
  totals: ReadonlyMap<string, AccountTotals>,
  communityCode: string,
): { package: Money; leadAdvance: Money; qualityDeposit: Money } {
  return {
    package: balanceIn(totals, communityPackageAccount(communityCode)),
    leadAdvance: balanceIn(totals, CYCLE_ACCOUNTS.leadAdvance(communityCode)),
    qualityDeposit: balanceIn(totals, CYCLE_ACCOUNTS.qualityDeposit(communityCode)),
  };
}

// ---------------------------------------------------------------- as a finance office reads it

/** 借 (debit) or 贷 (credit); a balance may also be 平 (nil). */
export type EntrySide = '借' | '贷';
export type BalanceSide = EntrySide | '平';

/**
 * The nature (会计要素) of an account of this fund. The ledger records where money flows: each
 * transfer debits the account the money leaves and credits the account it reaches. So the fund
 * sources (money raised, coming in) carry a debit balance and are the fund's 资产, as are what
 * units owe after the year end; the pools, packages and reserves that hold the fund are its
 * 净资产 (基金结余); what is payable, withheld or held for others is 负债; and money that reached
 * the institutions providing care (or the policy's own spending) is 支出, recorded on the credit
 * of the account it reached. Each nature has one normal balance side in this ledger.
 */
export type AccountNature = '资产' | '负债' | '净资产' | '支出';

export const NORMAL_SIDE: Readonly<Record<AccountNature, EntrySide>> = { 资产: '借', 负债: '贷', 净资产: '贷', 支出: '贷' };

export interface AccountClass {
  /** The account's name in the finance office's words, with its community or institution code. */
  name: string;
  nature: AccountNature;
  /** The side its balance normally stands on. */
  normalSide: EntrySide;
}

/** Account kinds: a code, or a prefix before `:` and the community or institution code. */
const ACCOUNT_KINDS: Readonly<Record<string, { name: string; nature: AccountNature }>> = {
  [ACCOUNTS.fundSource]: { name: '筹资来源（筹资到账）', nature: '资产' },
  [ACCOUNTS.fundPool]: { name: '县级统筹基金（待分配）', nature: '净资产' },
  [ACCOUNTS.adjustmentReserve]: { name: '调剂金', nature: '净资产' },
  [ACCOUNTS.criticalIllness]: { name: '大病保险基金', nature: '净资产' },
  [ACCOUNTS.familyDoctor]: { name: '家庭医生签约服务费', nature: '净资产' },
  [ACCOUNTS.policyAdjustment]: { name: '当年政策调整支出', nature: '支出' },
  [ACCOUNTS.privatePool]: { name: '民营定点医疗机构总额', nature: '净资产' },
  COMMUNITY_PACKAGE: { name: '医共体打包资金', nature: '净资产' },
  BUREAU_PAYABLE: { name: '应付医共体拨付款', nature: '负债' },
  QUALITY_DEPOSIT: { name: '质量保证金（暂扣）', nature: '负债' },
  LEAD_ADVANCE: { name: '按季预拨款（待冲抵）', nature: '负债' },
  COMMUNITY_HELD: { name: '牵头单位待下拨资金', nature: '负债' },
  MEMBER_FUNDS: { name: '成员单位已拨付资金', nature: '支出' },
  OUT_OF_COUNTY: { name: '县外异地就医支出', nature: '支出' },
  PRIVATE_PAYABLE: { name: '应付民营定点医疗机构款', nature: '负债' },
  PRIVATE_DEPOSIT: { name: '民营定点医疗机构质量保证金（暂扣）', nature: '负债' },
  PRIVATE_PAID: { name: '民营定点医疗机构已拨付资金', nature: '支出' },
  YEAR_END_CLEARING: { name: '年终清算过渡', nature: '净资产' },
  YEAR_END_DUE: { name: '年终清算应补', nature: '负债' },
  YEAR_END_RECEIVABLE: { name: '年终清算应退（下年抵扣）', nature: '资产' },
  YEAR_END_SURPLUS: { name: '结余留用（待结余分配方案）', nature: '净资产' },
};

/** Every account kind the ledger knows, as its code or prefix (for tests and documentation). */
export const ACCOUNT_KIND_CODES: readonly string[] = Object.keys(ACCOUNT_KINDS);

/** An account's name, nature and normal side. An account of an unknown kind is named by its code and read as 净资产. */
export function classifyAccount(code: string): AccountClass {
  const separator = code.indexOf(':');
  const kind = ACCOUNT_KINDS[separator < 0 ? code : code.slice(0, separator)];
  const nature = kind?.nature ?? '净资产';
  const name = kind ? (separator < 0 ? kind.name : `${kind.name} ${code.slice(separator + 1)}`) : code;
  return { name, nature, normalSide: NORMAL_SIDE[nature] };
}

/** A balance as the office writes it: a non-negative amount and its side (余额方向). */
export interface PresentedBalance {
  side: BalanceSide;
  amount: Money;
}

/** The signed balance (credits − debits) as side and amount: credit above debit 贷, below 借, equal 平. */
export function presentBalance(signed: Money): PresentedBalance {
  if (signed.isZero()) return { side: '平', amount: Money.ZERO };
  return signed.isPositive() ? { side: '贷', amount: signed } : { side: '借', amount: signed.negated() };
}

/** The signed balance a presented one stands for (its inverse). */
export function signedBalance(b: PresentedBalance): Money {
  return b.side === '贷' ? b.amount : b.side === '借' ? b.amount.negated() : Money.ZERO;
}

/** One line of the accounts view (科目余额表). */
export interface PresentedAccount extends AccountClass {
  code: string;
  debits: Money; // 借方发生额
  credits: Money; // 贷方发生额
  balance: PresentedBalance;
}

export function presentAccount(code: string, totals: AccountTotals): PresentedAccount {
  return {
    code,
    ...classifyAccount(code),
    debits: totals.debits,
    credits: totals.credits,
    balance: presentBalance(totals.credits.minus(totals.debits)),
  };
}

/** 试算平衡: the debit balances together equal the credit balances together. */
export function trialBalance(accounts: readonly Pick<PresentedAccount, 'balance'>[]): { debit: Money; credit: Money; balanced: boolean } {
  const debit = Money.sum(accounts.filter((a) => a.balance.side === '借').map((a) => a.balance.amount));
  const credit = Money.sum(accounts.filter((a) => a.balance.side === '贷').map((a) => a.balance.amount));
  return { debit, credit, balanced: debit.eq(credit) };
}

/** A transfer as a journal entry (分录): 借 the account the money leaves, 贷 the one it reaches, one amount, 摘要 its memo. */
export interface JournalEntry {
  summary: string;
  lines: { side: EntrySide; account: string; accountName: string; amount: Money }[];
}

export function journalEntry(t: Pick<TransferSpec, 'debit' | 'credit' | 'amount' | 'memo'>): JournalEntry {
  return {
    summary: t.memo,
    lines: [
      { side: '借', account: t.debit, accountName: classifyAccount(t.debit).name, amount: t.amount },
      { side: '贷', account: t.credit, accountName: classifyAccount(t.credit).name, amount: t.amount },
    ],
  };
}
