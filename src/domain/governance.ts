import { DomainError } from './domain-error';
import { ACCOUNTS, communityPackageAccount, TransferSpec } from './ledger';
import { Dec, Money } from './money';
import { Rate, toRate } from './rate';
import { IsoDate } from './working-days';

/**
 * The rules the governance chains (SPEC §9, `approval-chain.ts`) decide on when they apply
 * and when they execute: the adjustment reserve never below zero, a surplus plan that meets
 * SPEC §7, out-of-county stays matched to approved referrals.
 */

// ---- 调剂金使用 (基金管理办法 第十六条) ----

export type ReserveUseTarget =
  /** Raises a community's package M from the day it executes. */
  | { kind: 'PACKAGE_INCREASE'; communityCode: string }
  /** Pays a named risk directly (e.g. a major epidemic, 重大疫情), outside any package. */
  | { kind: 'DIRECT_PAYMENT'; risk: string };

/** Account that receives a direct payment from the reserve for one named use. */
export const reservePaymentAccount = (useId: string) => `RESERVE_PAYMENT:${useId}`;

/** The reserve never goes below zero: checked when the bureau applies, and again under lock when the use executes. */
export function checkReserveUse(reserveBalance: Money, amount: Money): void {
  if (!amount.isPositive())
    throw new DomainError('RESERVE_USE_AMOUNT_INVALID', 'unprocessable', `a reserve use must be a positive amount, not ${amount}`, [
      { field: 'amount', rule: 'positive', message: `${amount} is not positive` },
    ]);
  if (amount.gt(reserveBalance))
    throw new DomainError(
      'RESERVE_INSUFFICIENT',
      'conflict',
      `the adjustment reserve holds ${reserveBalance}; ${amount} would take it below zero`,
      [{ field: 'amount', rule: 'withinReserveBalance', message: `balance ${reserveBalance}, shortfall ${amount.minus(reserveBalance)}` }],
    );
}

/** The one transfer executing a reserve use posts: out of the county's reserve, into the package or the named payment. */
export function reserveUseTransfers(prefix: string, useId: string, amount: Money, target: ReserveUseTarget): TransferSpec[] {
  const credit = target.kind === 'PACKAGE_INCREASE' ? communityPackageAccount(target.communityCode) : reservePaymentAccount(useId);
  const memo =
    target.kind === 'PACKAGE_INCREASE'
      ? `调剂金使用 ${useId}: package increase for ${target.communityCode}`
      : `调剂金使用 ${useId}: ${target.risk}`;
  return [{ id: `${prefix}:reserve-use:${useId}`, debit: ACCOUNTS.adjustmentReserve, credit, amount, memo }];
}

/** A community's package after the executed increases: M plus every increase, each with why. */
export function packageWithIncreases(allocated: Money, increases: readonly { amount: Money }[]): Money {
  return Money.sum([allocated, ...increases.map((i) => i.amount)]);
}

// ---- 结余资金分配方案 (基金管理办法 第二十三条; SPEC §7, §9.3) ----

export interface SurplusPlanUnit {
  code: string;
  primary: boolean;
  approvedConsumption: Money;
  /** The default proposal's amount for this unit (surplus share + floor top-up). */
  proposed: Money;
  /** The plan's amount. */
  planned: Money;
}

export interface SurplusPlanCheck {
  surplus: Money;
  planned: Money;
  primaryPlanned: Money;
  primaryProposed: Money;
  /** Primary units' funds after the plan: their consumption plus their planned amounts. */
  primaryFunds: Money;
  floorRequired: Money;
}

/** A plan's figures against SPEC §7 and every rule it breaks (none: it may go to review). */
export function reviewSurplusPlan(input: {
  surplus: Money;
  communityPackage: Money;
  floorRate: Rate;
  units: readonly SurplusPlanUnit[];
}): SurplusPlanCheck & { problems: { field: string; rule: string; message: string }[] } {
  const floorRate = toRate(input.floorRate, 'floorRate');
  const planned = Money.sum(input.units.map((u) => u.planned));
  const primaryPlanned = Money.sum(input.units.filter((u) => u.primary).map((u) => u.planned));
  const primaryProposed = Money.sum(input.units.filter((u) => u.primary).map((u) => u.proposed));
  const primaryFunds = Money.sum(input.units.filter((u) => u.primary).map((u) => u.approvedConsumption.plus(u.planned)));
  const floorRequired = Money.roundHalfUp(input.communityPackage.times(floorRate));
  const problems: { field: string; rule: string; message: string }[] = [];
  input.units.forEach((u, i) => {
    if (u.planned.isNegative())
      problems.push({ field: `units[${i}].amount`, rule: 'notNegative', message: `${u.code}: a plan amount cannot be negative` });
  });
  if (!planned.eq(input.surplus))
    problems.push({
      field: 'units',
      rule: 'sumsToSurplus',
      message: `the plan's amounts sum to ${planned}, the surplus is ${input.surplus} (difference ${planned.minus(input.surplus)})`,
    });
  if (primaryFunds.lt(floorRequired))
    problems.push({
      field: 'units',
      rule: 'primaryFloor',
      message: `primary units end with ${primaryFunds}, the floor requires ${floorRequired} (shortfall ${floorRequired.minus(primaryFunds)})`,
    });
  if (primaryPlanned.lt(primaryProposed))
    problems.push({
      field: 'units',
      rule: 'tiltToPrimary',
      message: `the plan gives primary units ${primaryPlanned}, less than the default proposal's ${primaryProposed}`,
    });
  return { surplus: input.surplus, planned, primaryPlanned, primaryProposed, primaryFunds, floorRequired, problems };
}

/**
 * A surplus plan must meet SPEC §7 to go to review and to be executed: its amounts sum to the
 * surplus exactly, none is negative, primary units end at or above the floor, and the plan tilts
 * to primary units at least as much as the default proposal does. One refusal lists every rule broken.
 */
export function checkSurplusPlan(input: Parameters<typeof reviewSurplusPlan>[0]): SurplusPlanCheck {
  const { problems, ...check } = reviewSurplusPlan(input);
  if (problems.length) throw new DomainError('SURPLUS_PLAN_INVALID', 'unprocessable', problems.map((p) => p.message).join('; '), problems);
  return check;
}

/** A community-year has one surplus plan at a time: one alive (not rejected or withdrawn) and not superseded blocks another. */
export function assertNoCurrentSurplusPlan(
  current: readonly { id: number; status: string }[],
  communityCode: string,
  fundYear: number,
): void {
  if (current.length)
    throw new DomainError(
      'SURPLUS_PLAN_EXISTS',
      'conflict',
      `surplus plan ${current[0].id} of ${communityCode} ${fundYear} is ${current[0].status}; edit or withdraw it`,
      [{ field: 'fundYear', rule: 'onePlanPerYear', message: `plan ${current[0].id}` }],
    );
}

/** Only a draft or a returned plan is edited. */
export function assertSurplusPlanEditable(status: string, id: number): void {
  if (status !== 'DRAFT' && status !== 'RETURNED')
    throw new DomainError(
      'SURPLUS_PLAN_NOT_EDITABLE',
      'conflict',
      `surplus plan ${id} is ${status}; only a draft or a returned plan is edited`,
      [{ field: 'version', rule: 'editableState', message: status }],
    );
}

/** The year end a plan is drafted on: drafted, still a draft, and ending in surplus for the community. */
export function assertYearEndToPlan(
  yearEnd: { state: string; surplus: string | null } | null,
  communityCode: string,
  fundYear: number,
): void {
  if (!yearEnd)
    throw new DomainError(
      'YEAR_END_NOT_DRAFTED',
      'conflict',
      `the year end of ${fundYear} is not drafted yet; the plan starts from its proposal`,
      [{ field: 'fundYear', rule: 'yearEndDrafted', message: String(fundYear) }],
    );
  if (yearEnd.surplus === null || !Money.of(yearEnd.surplus).isPositive())
    throw new DomainError('NO_SURPLUS', 'unprocessable', `${communityCode} does not end ${fundYear} in surplus; there is nothing to plan`, [
      { field: 'fundYear', rule: 'surplusPositive', message: yearEnd.surplus ?? 'no year end for the community' },
    ]);
  if (yearEnd.state !== 'DRAFT')
    throw new DomainError(
      'YEAR_END_NOT_DRAFT',
      'conflict',
      `the year end of ${fundYear} is ${yearEnd.state}; a surplus plan applies before approval`,
      [{ field: 'fundYear', rule: 'yearEndDraft', message: yearEnd.state }],
    );
}

/** A plan goes to review and is executed only for the surplus the year end shows now. */
export function assertPlanForSurplus(planSurplus: Money, yearEndSurplus: Money): void {
  if (!planSurplus.eq(yearEndSurplus))
    throw new DomainError(
      'SURPLUS_PLAN_OUTDATED',
      'conflict',
      `the plan distributes the surplus ${planSurplus}, the year end now shows ${yearEndSurplus}; withdraw it and draft a new plan`,
      [{ field: 'surplus', rule: 'sumsToSurplus', message: `${planSurplus} ≠ ${yearEndSurplus}` }],
    );
}

/** Executing a plan draws the year end again; it must then carry this plan. */
export function assertPlanApplied(
  planId: number,
  communityCode: string,
  applied: { surplusPlanId?: number | null; decisionNeeded: string | null } | undefined,
): void {
  if (applied?.surplusPlanId !== planId)
    throw new DomainError(
      'SURPLUS_PLAN_OUTDATED',
      'conflict',
      `the year end of ${communityCode} could not apply plan ${planId}: ${applied?.decisionNeeded ?? 'the community is not in the year end'}`,
    );
}

/**
 * The plan's lines: every member unit with the default proposal (surplus share and floor top-up)
 * and the amount asked for — the proposal when no amounts are given, nothing for a unit left out.
 * An amount for a unit that is not a member, or twice for one unit, is refused naming it.
 */
export function surplusPlanLines(
  communityCode: string,
  members: readonly { code: string; surplusShare: Money; floorTopUp: Money }[],
  units: readonly { institutionCode: string; amount: string }[] | undefined,
): { code: string; proposed: Money; amount: Money }[] {
  const codes = new Set(members.map((m) => m.code));
  const asked = new Map<string, Money>();
  (units ?? []).forEach((u, i) => {
    if (!codes.has(u.institutionCode))
      throw new DomainError('SURPLUS_PLAN_INVALID', 'unprocessable', `${u.institutionCode} is not a member unit of ${communityCode}`, [
        { field: `units[${i}].institutionCode`, rule: 'memberUnit', message: u.institutionCode },
      ]);
    if (asked.has(u.institutionCode))
      throw new DomainError('SURPLUS_PLAN_INVALID', 'unprocessable', `${u.institutionCode} appears twice`, [
        { field: `units[${i}].institutionCode`, rule: 'unique', message: u.institutionCode },
      ]);
    asked.set(u.institutionCode, Money.of(u.amount));
  });
  return members.map((m) => {
    const proposed = m.surplusShare.plus(m.floorTopUp);
    return { code: m.code, proposed, amount: units ? (asked.get(m.code) ?? Money.ZERO) : proposed };
  });
}

// ---- 县外转诊 (打包付费办法 §五(四)) ----

export interface ApprovedReferral {
  id: number;
  /** Keyed hash of the insured id, as intake stores it. */
  insuredHash: string;
  validFrom: IsoDate;
  validTo: IsoDate;
}

export interface OutOfCountyStay {
  id: number;
  insuredHash: string;
  admissionDate: IsoDate;
  fundPaid: Money;
}

/** 10%: the reduction the settlement system applies to a patient treated out of county without a referral (reported here, not applied). */
export const UNREFERRED_REDUCTION_RATE = new Dec('0.10');

export interface ReferralMatch {
  matched: { stayId: number; referralId: number }[];
  flagged: { stayId: number; fundPaid: Money; reduction: Money }[];
  flaggedAmount: Money;
  reductionTotal: Money;
}

/** Matches each out-of-county stay to an approved referral of the same insured whose window holds the admission; the rest are flagged. */
export function matchReferrals(
  stays: readonly OutOfCountyStay[],
  referrals: readonly ApprovedReferral[],
  reductionRate: Rate = UNREFERRED_REDUCTION_RATE,
): ReferralMatch {
  const rate = toRate(reductionRate, 'reductionRate');
  const byInsured = new Map<string, ApprovedReferral[]>();
  for (const r of referrals) byInsured.set(r.insuredHash, [...(byInsured.get(r.insuredHash) ?? []), r]);
  const matched: ReferralMatch['matched'] = [];
  const flagged: ReferralMatch['flagged'] = [];
  for (const stay of stays) {
    const referral = (byInsured.get(stay.insuredHash) ?? []).find(
      (r) => r.validFrom <= stay.admissionDate && stay.admissionDate <= r.validTo,
    );
    if (referral) matched.push({ stayId: stay.id, referralId: referral.id });
    else flagged.push({ stayId: stay.id, fundPaid: stay.fundPaid, reduction: Money.roundHalfUp(stay.fundPaid.times(rate)) });
  }
  return {
    matched,
    flagged,
    flaggedAmount: Money.sum(flagged.map((f) => f.fundPaid)),
    reductionTotal: Money.sum(flagged.map((f) => f.reduction)),
  };
}

/** A referral is recorded by the lead unit of the community, for a member unit of it, over a window that does not run backwards. */
export function checkReferral(r: {
  recorder: { type: string; communityId: number | null };
  communityId: number;
  fromUnitInCommunity: boolean;
  validFrom: IsoDate;
  validTo: IsoDate;
}): void {
  const problems: { field: string; rule: string; message: string }[] = [];
  if (r.recorder.type !== 'LEAD_HOSPITAL' || r.recorder.communityId !== r.communityId)
    problems.push({ field: 'communityCode', rule: 'leadUnit', message: 'referrals are recorded by the lead unit of the community' });
  if (!r.fromUnitInCommunity)
    problems.push({ field: 'fromUnitCode', rule: 'memberOfCommunity', message: 'the referring unit must be a member of the community' });
  if (r.validTo < r.validFrom)
    problems.push({
      field: 'validTo',
      rule: 'notBeforeValidFrom',
      message: `the window ends (${r.validTo}) before it starts (${r.validFrom})`,
    });
  if (problems.length) {
    const kind = problems.some((p) => p.rule === 'leadUnit') ? 'forbidden' : 'unprocessable';
    throw new DomainError('REFERRAL_INVALID', kind, problems.map((p) => p.message).join('; '), problems);
  }
}

export interface ReferralReportMonth {
  period: string;
  settlements: number;
  matched: number;
  flagged: number;
  flaggedAmount: Money;
  reduction: Money;
}

/** The match of a year's (or a month's) stays, by month: how many were referred, and the flagged count, amount and 10% reduction. */
export function referralReport(
  stays: readonly (OutOfCountyStay & { period: string })[],
  referrals: readonly ApprovedReferral[],
): { total: ReferralMatch; months: ReferralReportMonth[] } {
  const total = matchReferrals(stays, referrals);
  const flaggedById = new Map(total.flagged.map((f) => [f.stayId, f]));
  const periods = [...new Set(stays.map((s) => s.period))].sort();
  const months = periods.map((period): ReferralReportMonth => {
    const ofMonth = stays.filter((s) => s.period === period);
    const flagged = ofMonth.flatMap((s) => (flaggedById.has(s.id) ? [flaggedById.get(s.id)!] : []));
    return {
      period,
      settlements: ofMonth.length,
      matched: ofMonth.length - flagged.length,
      flagged: flagged.length,
      flaggedAmount: Money.sum(flagged.map((f) => f.fundPaid)),
      reduction: Money.sum(flagged.map((f) => f.reduction)),
    };
  });
  return { total, months };
}

/** Out-of-county stays grouped as the assessment counts them: referred (matched by `matchReferrals`) or not. */
export function staysByReferral(
  stays: readonly (OutOfCountyStay & { totalCost: Money })[],
  referrals: readonly ApprovedReferral[],
): { referred: boolean; settlements: number; fundPaid: Money; totalCost: Money }[] {
  const matched = new Set(matchReferrals(stays, referrals).matched.map((m) => m.stayId));
  return [true, false].flatMap((referred) => {
    const group = stays.filter((s) => matched.has(s.id) === referred);
    if (group.length === 0) return [];
    return [
      {
        referred,
        settlements: group.length,
        fundPaid: Money.sum(group.map((s) => s.fundPaid)),
        totalCost: Money.sum(group.map((s) => s.totalCost)),
      },
    ];
  });
}

// ---- 评审 rectification (基金管理办法 第二十一条) ----

/** What a dispute may be about (SPEC §9.2); a periodic review concerns the community's fund use as a whole. */
export const DISPUTE_SUBJECTS = ['ALLOCATION', 'BUDGET_PLAN_LINE', 'DEDUCTION', 'YEAR_END_STATEMENT', 'FUND_USE'] as const;
export type DisputeSubject = (typeof DISPUTE_SUBJECTS)[number];

/** Only a member of a community files a dispute with its review committee. */
export function notAMember(institutionCode: string): DomainError {
  return new DomainError('NOT_A_COMMUNITY_MEMBER', 'forbidden', `${institutionCode} is not a member of a medical community`, [
    { field: 'institution', rule: 'communityMember', message: institutionCode },
  ]);
}

/** The committee's opinion names a unit of the community and a deadline still ahead. */
export function checkRectificationOrder(order: { deadline: IsoDate; unitInCommunity: boolean }, today: IsoDate): void {
  const problems: { field: string; rule: string; message: string }[] = [];
  if (!order.unitInCommunity)
    problems.push({
      field: 'rectifyingUnitCode',
      rule: 'memberOfCommunity',
      message: 'the unit that rectifies must be a member of the community',
    });
  if (order.deadline <= today)
    problems.push({ field: 'rectificationDeadline', rule: 'afterToday', message: `the deadline ${order.deadline} must be after ${today}` });
  if (problems.length) throw new DomainError('OPINION_INVALID', 'unprocessable', problems.map((p) => p.message).join('; '), problems);
}

/** A rectification still open after its deadline puts the community's disbursements on hold (暂缓拨付) until accepted. */
export function rectificationOverdue(rectificationOpen: boolean, deadline: IsoDate, today: IsoDate): boolean {
  return rectificationOpen && today > deadline;
}
