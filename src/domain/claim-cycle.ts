import { DomainError } from './domain-error';
import { splitInCodeOrder } from './largest-remainder';
import { Dec, Money } from './money';
import { defineStateMachine } from './state-machine';
import { IsoDate, memberCutoffDate } from './working-days';

/**
 * The monthly claim cycle of SPEC §4: member claims, the lead unit's pre-review (初审) and
 * declaration (申报), the bureau's review, approval and disbursement (拨付), and the pass-downs
 * to members and village clinics. Everything here is pure; the services load, call, persist.
 */

// ---------------------------------------------------------------- life cycles

/**
 * A member unit's claim for one period: open while records arrive, then submitted, pre-reviewed,
 * declared. A claim still open when the lead unit declares the period rolls over: its records
 * move to the next period. A declared claim then follows its money: FUNDED when the bureau's
 * disbursement of its declaration is recorded, PASSED_DOWN when the lead unit's pass-down to
 * the unit is recorded paid (the lead unit's own share, and a share with nothing approved, need
 * no transfer: they are passed down on receipt). A private institution's claim is SETTLED by
 * the bureau, then PAID when that payment is recorded. During pre-review the reviewer may return
 * a submitted claim to its unit for correction (RETURNED, with reasons); the unit withdraws or
 * corrects records and resubmits it, and every submitted version is kept.
 */
export const MEMBER_CLAIM_STATES = [
  'OPEN',
  'SUBMITTED',
  'RETURNED',
  'REVIEWED',
  'DECLARED',
  'ROLLED_OVER',
  'FUNDED',
  'PASSED_DOWN',
  'SETTLED',
  'PAID',
] as const;
export type MemberClaimState = (typeof MEMBER_CLAIM_STATES)[number];
export type MemberClaimAction =
  | 'submit'
  | 'returnForCorrection'
  | 'resubmit'
  | 'completeReview'
  | 'reopenReview'
  | 'declare'
  | 'rollOver'
  | 'fund'
  | 'passDown'
  | 'settle'
  | 'pay';
export const MEMBER_CLAIM_LIFECYCLE = defineStateMachine<MemberClaimState, MemberClaimAction>({
  name: 'member claim',
  transitions: [
    { from: 'OPEN', action: 'submit', to: 'SUBMITTED' },
    // 退回补正: the reviewer returns the claim to its unit with reasons; the unit withdraws or corrects records and resubmits.
    { from: 'SUBMITTED', action: 'returnForCorrection', to: 'RETURNED' },
    { from: 'RETURNED', action: 'resubmit', to: 'SUBMITTED' },
    { from: 'SUBMITTED', action: 'completeReview', to: 'REVIEWED' },
    { from: 'REVIEWED', action: 'reopenReview', to: 'SUBMITTED' },
    { from: 'REVIEWED', action: 'declare', to: 'DECLARED' },
    { from: 'OPEN', action: 'rollOver', to: 'ROLLED_OVER' },
    // 拨付: the bureau's disbursement of the declaration reached the lead unit.
    { from: 'DECLARED', action: 'fund', to: 'FUNDED' },
    // The lead unit passed the member's share down (拨付到成员单位).
    { from: 'FUNDED', action: 'passDown', to: 'PASSED_DOWN' },
    // A private institution claims to the bureau directly (总额控制结算): reviewed by the bureau, then settled, then paid.
    { from: 'REVIEWED', action: 'settle', to: 'SETTLED' },
    { from: 'SETTLED', action: 'pay', to: 'PAID' },
  ],
});

/** A private institution's monthly payment: approved by the bureau (maker-checker), then paid, dated. */
export const PRIVATE_PAYMENT_STATES = ['APPROVED', 'PAID'] as const;
export type PrivatePaymentState = (typeof PRIVATE_PAYMENT_STATES)[number];
export const PRIVATE_PAYMENT_LIFECYCLE = defineStateMachine<PrivatePaymentState, 'pay'>({
  name: 'private payment',
  transitions: [{ from: 'APPROVED', action: 'pay', to: 'PAID' }],
});

/**
 * The lead unit's declaration of a period to the bureau. The bureau clerk reviews it (deducts
 * records) and passes it on; a bureau approver approves (maker-checker) or returns it; then the
 * disbursement is recorded.
 */
export const DECLARATION_STATES = ['DECLARED', 'REVIEWED', 'APPROVED', 'DISBURSED'] as const;
export type DeclarationState = (typeof DECLARATION_STATES)[number];
export type DeclarationAction = 'completeReview' | 'return' | 'approve' | 'disburse';
export const DECLARATION_LIFECYCLE = defineStateMachine<DeclarationState, DeclarationAction>({
  name: 'declaration',
  transitions: [
    { from: 'DECLARED', action: 'completeReview', to: 'REVIEWED' },
    { from: 'REVIEWED', action: 'return', to: 'DECLARED' },
    { from: 'REVIEWED', action: 'approve', to: 'APPROVED' },
    { from: 'APPROVED', action: 'disburse', to: 'DISBURSED' },
  ],
});

/** Money owed down the chain (lead → member, township → village): due until the payer records payment. */
export const PASS_DOWN_STATES = ['DUE', 'PAID'] as const;
export type PassDownState = (typeof PASS_DOWN_STATES)[number];
export const PASS_DOWN_LIFECYCLE = defineStateMachine<PassDownState, 'pay'>({
  name: 'pass-down',
  transitions: [{ from: 'DUE', action: 'pay', to: 'PAID' }],
});

/** A disbursement hold (暂缓拨付, SPEC §9.2) on a community, in force until lifted. */
export const HOLD_STATES = ['ACTIVE', 'LIFTED'] as const;
export type HoldState = (typeof HOLD_STATES)[number];
export const HOLD_LIFECYCLE = defineStateMachine<HoldState, 'lift'>({
  name: 'disbursement hold',
  transitions: [{ from: 'ACTIVE', action: 'lift', to: 'LIFTED' }],
});

/** What the lead unit decides on each record in pre-review. */
export const RECORD_REVIEW_STATES = ['PENDING', 'ACCEPTED', 'REJECTED'] as const;
export type RecordReviewState = (typeof RECORD_REVIEW_STATES)[number];

/** Why a record is rejected (初审) or deducted (拒付). `OTHER` needs a note. */
export const REVIEW_REASON_CODES = [
  'DUPLICATE_SETTLEMENT', // 重复结算
  'OUT_OF_CATALOGUE', // 超目录 / 不属于基金支付范围
  'OVER_STANDARD', // 超标准收费
  'UNREASONABLE_TREATMENT', // 不合理诊疗
  'NO_REFERRAL', // 未按规定转诊
  'MISSING_DOCUMENTS', // 资料不全
  'INELIGIBLE_PATIENT', // 非参保人员或待遇不符
  'OTHER',
] as const;
export type ReviewReasonCode = (typeof REVIEW_REASON_CODES)[number];

// ---------------------------------------------------------------- periods

export const PERIOD_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isPeriod(value: unknown): value is string {
  return typeof value === 'string' && PERIOD_PATTERN.test(value);
}

export function nextPeriod(period: string): string {
  const [y, m] = period.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

export function previousPeriod(period: string): string {
  const [y, m] = period.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

export function periodOf(date: IsoDate): string {
  return date.slice(0, 7);
}

export function fundYearOf(period: string): number {
  return Number(period.slice(0, 4));
}

/** Month number 1–12 of a period: months elapsed in its fund year at its end. */
export function monthOf(period: string): number {
  return Number(period.slice(5, 7));
}

export function quarterOf(period: string): number {
  return Math.ceil(monthOf(period) / 3);
}

/** First and last day of a quarter of a fund year. */
export function quarterDates(fundYear: number, quarter: number): { first: IsoDate; last: IsoDate } {
  const first = `${fundYear}-${String((quarter - 1) * 3 + 1).padStart(2, '0')}-01`;
  const last = new Date(Date.UTC(fundYear, quarter * 3, 0)).toISOString().slice(0, 10);
  return { first, last };
}

/** Declarations whose approved claims the bureau has funded (SPEC §4 steps 4–5). */
export const FUNDED_DECLARATION_STATES: readonly DeclarationState[] = ['APPROVED', 'DISBURSED'];

export type ClaimPeriodAssignment = { period: string; rolledOver: boolean } | { closed: true; message: string };

/**
 * The claim period a record goes into (SPEC §4 step 1): the month it was settled in, unless
 * that period's member cut-off has passed or the unit's claim for it is no longer open, in
 * which case it rolls to the next period — never lost. A fund year's money pays for its own
 * settlements only, so a record that would roll past December is refused as a closed period
 * (it is settled at year end instead).
 */
export function claimPeriodFor(
  settlementDate: IsoDate,
  today: IsoDate,
  cutoffDay: number,
  isClosed: (period: string) => boolean,
): ClaimPeriodAssignment {
  const settled = periodOf(settlementDate);
  let period = settled;
  while (today > memberCutoffDate(period, cutoffDay) || isClosed(period)) {
    const next = nextPeriod(period);
    if (fundYearOf(next) !== fundYearOf(settled)) {
      return {
        closed: true,
        message: `settled in ${settled}: every ${fundYearOf(settled)} claim period is closed (the December cut-off was ${memberCutoffDate(`${fundYearOf(settled)}-12`, cutoffDay)}); it is settled at year end`,
      };
    }
    period = next;
  }
  return { period, rolledOver: period !== settled };
}

/** Late when done after the deadline; overdue when not done and the deadline has passed. */
export function deadlineStatus(deadline: IsoDate, doneOn: IsoDate | null, today: IsoDate): { late: boolean; overdue: boolean } {
  if (doneOn !== null) return { late: doneOn > deadline, overdue: false };
  return { late: false, overdue: today > deadline };
}

// ---------------------------------------------------------------- funding under the cap

export interface FundingInput {
  /** What the bureau approved for the period (accepted records less deductions). */
  approved: Money;
  /** What is left of the community's package M (超支不补: never drawn below zero). */
  packageBalance: Money;
  /** Quarterly advance received and not yet offset. */
  advanceBalance: Money;
  /** Quality deposit (质量保证金) withheld from each disbursement. */
  depositRate: Dec | string;
}

export interface Funding {
  /** Counted against M: deposit + advance offset + cash. */
  funded: Money;
  /** Approved beyond the cap: recorded, settled at year end. */
  unfunded: Money;
  deposit: Money;
  /** Paid out of the quarterly advance the lead already holds. */
  advanceOffset: Money;
  /** Newly drawn from the package and paid to the lead unit. */
  cash: Money;
}

/**
 * How much of an approved month the package funds (SPEC §4): everything up to what is left
 * of M, the rest unfunded. The quality deposit is withheld from the funded amount (half up),
 * and what the lead already holds as quarterly advance is used before new cash is drawn.
 * Newly drawn money (deposit + cash) never exceeds the package balance.
 */
export function fundApprovedClaims(input: FundingInput): Funding {
  const rate = new Dec(input.depositRate);
  if (input.approved.isNegative() || input.packageBalance.isNegative() || input.advanceBalance.isNegative()) {
    throw new DomainError(
      'FUNDING_NEGATIVE_INPUT',
      'unprocessable',
      'approved amount, package balance and advance balance cannot be negative',
    );
  }
  if (rate.isNegative() || rate.gt(1))
    throw new DomainError('FUNDING_RATE', 'unprocessable', `deposit rate ${input.depositRate} is not between 0 and 1`);
  const ceiling = input.packageBalance.plus(input.advanceBalance);
  let funded = input.approved.lt(ceiling) ? input.approved : ceiling;
  for (;;) {
    const deposit = Money.roundHalfUp(funded.times(rate));
    const net = funded.minus(deposit);
    const advanceOffset = net.lt(input.advanceBalance) ? net : input.advanceBalance;
    const cash = net.minus(advanceOffset);
    const drawn = deposit.plus(cash);
    if (drawn.lte(input.packageBalance)) return { funded, unfunded: input.approved.minus(funded), deposit, advanceOffset, cash };
    funded = funded.minus(drawn.minus(input.packageBalance));
  }
}

/** The quarterly advance (按季度预拨): a configured share of M/4, never more than the package has left. */
export function quarterlyAdvanceAmount(communityPackage: Money, advanceRate: Dec | string, packageBalance: Money): Money {
  const due = Money.roundHalfUp(communityPackage.times(new Dec(advanceRate).dividedBy(4)));
  return due.lt(packageBalance) ? due : packageBalance;
}

// ---------------------------------------------------------------- pass-downs

export interface PassDownShare {
  code: string;
  /** The member's approved amount: its weight in the split. */
  approved: Money;
}

/**
 * Splits what the lead unit received for a period (funded less deposit) between its members by
 * their approved amounts, largest remainder in code order, so the parts sum exactly to what was
 * received. When the month is fully funded and no deposit is withheld each member gets exactly
 * its approved amount.
 */
export function splitPassDown(received: Money, members: readonly PassDownShare[]): { code: string; amount: Money }[] {
  if (members.length === 0) return [];
  // A part whose records net negative (refunds beyond its settlements) weighs nothing: it is passed
  // nothing, and what it owes has already reduced what was received (its claim's approved amount).
  const weight = (m: PassDownShare) => (m.approved.isNegative() ? Money.ZERO : m.approved);
  if (members.every((m) => weight(m).isZero())) return members.map((m) => ({ code: m.code, amount: Money.ZERO }));
  return splitInCodeOrder(received, members, (m) => weight(m).toDecimal()).map(({ part, amount }) => ({ code: part.code, amount }));
}

// ---------------------------------------------------------------- private institutions

export interface PrivatePaymentInput {
  /** The institution's annual budget from the private pool. */
  annualBudget: Money;
  /** Months elapsed in the fund year at the end of the period (1–12). */
  monthsElapsed: number;
  /** Approved claims of the year up to and including this period. */
  approvedToDate: Money;
  /** Already funded (paid + deposits) in earlier periods of the year. */
  fundedBefore: Money;
  depositRate: Dec | string;
}

export interface PrivatePayment {
  /** budget × months elapsed / 12, half up. */
  cumulativeCap: Money;
  funded: Money;
  deposit: Money;
  cash: Money;
  /** Approved to date beyond the cap, carried to year end. */
  unfundedToDate: Money;
}

/**
 * Total-control settlement of a private institution (总额控制结算, SPEC §4): it is paid its
 * approved claims up to the cumulative monthly cap, less the quality deposit.
 */
export function privateMonthlyPayment(input: PrivatePaymentInput): PrivatePayment {
  if (!Number.isInteger(input.monthsElapsed) || input.monthsElapsed < 1 || input.monthsElapsed > 12) {
    throw new DomainError('PRIVATE_PAYMENT_MONTH', 'unprocessable', `months elapsed must be 1–12, not ${input.monthsElapsed}`);
  }
  const cumulativeCap = Money.roundHalfUp(input.annualBudget.times(input.monthsElapsed).dividedBy(12));
  const fundable = input.approvedToDate.lt(cumulativeCap) ? input.approvedToDate : cumulativeCap;
  const funded = fundable.gt(input.fundedBefore) ? fundable.minus(input.fundedBefore) : Money.ZERO;
  const deposit = Money.roundHalfUp(funded.times(new Dec(input.depositRate)));
  return { cumulativeCap, funded, deposit, cash: funded.minus(deposit), unfundedToDate: input.approvedToDate.minus(fundable) };
}

/**
 * Who pre-reviews a claim: the lead unit for its community's members (初审), the bureau for a
 * private institution, which claims to it directly.
 */
export function mayReviewClaim(reviewer: { type: string; communityId: number | null }, claim: { communityId: number | null }): boolean {
  return claim.communityId === null
    ? reviewer.type === 'BUREAU'
    : reviewer.type === 'LEAD_HOSPITAL' && reviewer.communityId === claim.communityId;
}

/** What the bureau approves of a set of records: accepted in pre-review (初审通过) less deducted (拒付). */
export function approvedAmount(accepted: Money, deducted: Money): Money {
  return accepted.minus(deducted);
}

/** A payment or disbursement is recorded once made: its date cannot lie in the future. */
export function assertNotInFuture(field: string, what: string, date: IsoDate, today: IsoDate): void {
  if (date > today)
    throw new DomainError('VALIDATION_FAILED', 'unprocessable', `the ${what} date ${date} is in the future`, [
      { field, rule: 'notFuture', message: date },
    ]);
}
