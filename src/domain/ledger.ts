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
 * Only two kinds of account run negative: the fund sources (money flows in from outside) and a
 * unit's year-end receivable (what it owes, offset against next year; SPEC §7).
 */
export function mayGoNegative(account: string): boolean {
  return account === ACCOUNTS.fundSource || account.startsWith(YEAR_END_ACCOUNTS.receivable(''));
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
      throw new DomainError('ACCOUNT_WOULD_GO_NEGATIVE', 'conflict', `transfer ${t.id} would take ${t.debit} below zero`);
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
