import { DomainError } from './domain-error';
import { compareCodes, splitInCodeOrder } from './largest-remainder';
import { ACCOUNTS, CYCLE_ACCOUNTS, communityPackageAccount, PRIVATE_ACCOUNTS, TransferSpec, YEAR_END_ACCOUNTS } from './ledger';
import { Dec, Money } from './money';
import { splitPassDown } from './claim-cycle';
import { apportionOverspend, proposeSurplusDistribution } from './overspend-apportionment';
import { PrimaryFloorCheck, primaryFloorShortfall } from './primary-floor';
import { Rate, toRate } from './rate';
import { defineStateMachine } from './state-machine';

/**
 * Year-end settlement (年终清算, SPEC §7): each unit's statement and the ledger transfers that
 * close the year.
 *
 * For every unit: balance due = approved consumption − overspend share + surplus share + floor
 * top-up − deposit withheld + deposit released − paid so far. "Paid so far" is the unit's part
 * of what the bureau funded for its claims (拨付, net of the deposit), whether or not it has
 * been passed down yet. A negative balance is owed by the unit and offset against next year.
 */
export interface UnitYear {
  code: string;
  primary: boolean;
  approvedConsumption: Money; // E_i
  depositWithheld: Money; // D_i: the unit's part of the deposits withheld from the community
  paidSoFar: Money; // P_i: the unit's part of the funded cash (funded − deposit)
}

export interface CommunityYearInputs {
  communityCode: string;
  communityPackage: Money; // M
  members: readonly UnitYear[];
  outOfCountyExpenditure: Money; // E_out
  primaryFloorRate: Rate;
  /** Count E_out as the lead unit's consumption (option of SPEC §7); the lead's code. */
  attributeOutOfCountyToLead?: string;
  surplusPrimaryWeight: Rate;
  /**
   * Option of SPEC §7: when the primary floor is not met after overspend shares, move primary
   * units' overspend shares to the other units (by consumption) until it is, or until primary
   * units bear none.
   */
  reapportionFloorShortfall?: boolean;
  /** Share of the withheld deposit released, from the performance score (§8). */
  depositReleaseRate: Rate;
  /**
   * The approved surplus plan's amount per unit code (结余资金分配方案, §9.3): when the year ends
   * in surplus, these replace the default proposal's shares and floor top-up. It must distribute
   * exactly this year's surplus; a plan for another figure is not applied (the year changed
   * since) and the result says so.
   */
  surplusPlan?: ReadonlyMap<string, Money>;
}

export interface UnitStatement {
  code: string;
  primary: boolean;
  approvedConsumption: Money;
  overspendShare: Money;
  surplusShare: Money;
  floorTopUp: Money;
  depositWithheld: Money;
  depositRelease: Money;
  paidSoFar: Money;
  balanceDue: Money;
}

export interface CommunityYearEnd {
  communityCode: string;
  communityPackage: Money;
  outOfCountyExpenditure: Money;
  totalExpenditure: Money; // E
  overspend: Money; // O, zero when none
  surplus: Money; // S, zero when none
  primaryAfterShares: Money;
  primaryShareOfPackage: string; // four decimals
  /** After shares and top-up; an unmet floor is a violation to report. */
  floor: PrimaryFloorCheck;
  /** Overspend moved from primary to other units to meet the floor (the option), zero otherwise. */
  floorReapportioned: Money;
  /** No member unit had consumption to share by: surplus retained for the surplus plan, overspend left for the bureau. */
  surplusUnallocated: Money;
  overspendUnapportioned: Money;
  depositWithheld: Money;
  depositReleased: Money;
  statements: UnitStatement[]; // code order
  /** The statements carry the approved surplus plan's amounts (§9.3) instead of the default proposal. */
  surplusPlanApplied: boolean;
  /** Why a surplus plan given could not apply (the year changed since its approval); null otherwise. */
  surplusPlanOutdated: string | null;
}

export type YearEndState = 'DRAFT' | 'APPROVED' | 'POSTED';

/** draft → approved (maker-checker) → posted (SPEC §7); a draft may be drafted again until approved. */
export type YearEndAction = 'redraft' | 'approve' | 'post';
export const YEAR_END_LIFECYCLE = defineStateMachine<YearEndState, YearEndAction>({
  name: 'year-end settlement',
  transitions: [
    { from: 'DRAFT', action: 'redraft', to: 'DRAFT' },
    { from: 'DRAFT', action: 'approve', to: 'APPROVED' },
    { from: 'APPROVED', action: 'post', to: 'POSTED' },
  ],
});

/** The share of the quality deposit released for a performance score of 0–100: score ÷ 100. */
export function depositReleaseRate(score: Rate): Dec {
  const s = toRate(score, 'score', '100');
  return s.dividedBy(100);
}

/** A declaration the bureau funded, with each unit's approved amount in it. */
export interface FundedDeclaration {
  id: number;
  approved: Money;
  deposit: Money;
  funded: Money; // deposit included
  /** `submitter`: the member that claimed the unit's records (a township for its villages); the unit itself if left out. */
  units: readonly { code: string; approved: Money; submitter?: string }[];
}

export interface UnitFunding {
  approved: Money;
  deposit: Money; // the unit's part of the deposits withheld
  paid: Money; // the unit's part of the funded cash (funded − deposit)
}

/**
 * Each unit's part of the year's funding. A declaration's funded cash (funded − deposit) is
 * split the way the pass-downs split it (SPEC §4 step 6): between the members that claimed, by
 * approved amount, then each township's part between itself and its villages, so a unit's
 * "paid so far" is what reached it, to the fen. The deposit, which is never passed down, is
 * split over the units by approved amount. Largest remainder in code order throughout. The
 * units' approved amounts must add up to the declaration's, or the records and the
 * declaration disagree.
 */
export function unitFunding(declarations: readonly FundedDeclaration[]): Map<string, UnitFunding> {
  const out = new Map<string, UnitFunding>();
  const add = (code: string, field: keyof UnitFunding, amount: Money) => {
    const u = out.get(code) ?? { approved: Money.ZERO, deposit: Money.ZERO, paid: Money.ZERO };
    u[field] = u[field].plus(amount);
    out.set(code, u);
  };
  for (const d of declarations) {
    const total = Money.sum(d.units.map((u) => u.approved));
    if (!total.eq(d.approved))
      throw mismatch(`declaration ${d.id}: its records add up to ${total} approved, the declaration says ${d.approved}`);
    for (const u of d.units) add(u.code, 'approved', u.approved);
    if (d.deposit.isPositive())
      for (const { part, amount } of splitInCodeOrder(d.deposit, d.units, (u) =>
        (u.approved.isNegative() ? Money.ZERO : u.approved).toDecimal(),
      ))
        add(part.code, 'deposit', amount);
    const bySubmitter = new Map<string, { code: string; approved: Money }[]>();
    for (const u of d.units) bySubmitter.set(u.submitter ?? u.code, [...(bySubmitter.get(u.submitter ?? u.code) ?? []), u]);
    const members = [...bySubmitter].map(([code, units]) => ({ code, approved: Money.sum(units.map((u) => u.approved)) }));
    for (const member of splitPassDown(d.funded.minus(d.deposit), members)) {
      for (const unit of splitPassDown(member.amount, bySubmitter.get(member.code)!)) add(unit.code, 'paid', unit.amount);
    }
  }
  return out;
}

/** A community's year end: overspend apportioned or surplus proposed, floor, deposit, balances. */
export function settleCommunityYear(inputs: CommunityYearInputs): CommunityYearEnd {
  const members = [...inputs.members].sort((a, b) => compareCodes(a.code, b.code));
  members.forEach((m, i) => {
    for (const field of ['depositWithheld', 'paidSoFar'] as const) {
      if (m[field].isNegative()) {
        throw new DomainError('YEAR_END_INPUT_INVALID', 'unprocessable', `${m.code}: ${field} cannot be negative (${m[field]})`, [
          { field: `members.${i}.${field}`, rule: 'nonNegative', message: m[field].toString() },
        ]);
      }
    }
  });
  const base = {
    communityPackage: inputs.communityPackage,
    members,
    outOfCountyExpenditure: inputs.outOfCountyExpenditure,
    primaryFloorRate: inputs.primaryFloorRate,
  };
  const total = Money.sum(members.map((m) => m.approvedConsumption)).plus(inputs.outOfCountyExpenditure);
  const overspent = total.gt(inputs.communityPackage);
  const shares = new Map<string, { overspendShare: Money; surplusShare: Money; floorTopUp: Money }>();
  let outcome: {
    totalExpenditure: Money;
    primaryAfterShares: Money;
    primaryShareOfPackage: Dec;
    floor: PrimaryFloorCheck;
    overspend: Money;
    surplus: Money;
    surplusUnallocated: Money;
    overspendUnapportioned: Money;
  };
  let floorReapportioned = Money.ZERO;
  let surplusPlanApplied = false;
  let surplusPlanOutdated: string | null = null;
  if (overspent) {
    const a = apportionOverspend({
      ...base,
      attributeOutOfCountyToLead: inputs.attributeOutOfCountyToLead,
      reapportionFloorShortfall: inputs.reapportionFloorShortfall,
    });
    for (const s of a.shares) shares.set(s.code, { overspendShare: s.overspendShare, surplusShare: Money.ZERO, floorTopUp: Money.ZERO });
    outcome = { ...a, surplus: Money.ZERO, surplusUnallocated: Money.ZERO };
    floorReapportioned = a.floorReapportioned;
  } else {
    const d = proposeSurplusDistribution({ ...base, primaryWeight: inputs.surplusPrimaryWeight });
    const applied = inputs.surplusPlan && d.surplus.isPositive() ? applySurplusPlan(d.surplus, members, inputs.surplusPlan) : null;
    if (applied && 'outdated' in applied) surplusPlanOutdated = applied.outdated;
    if (applied && 'amounts' in applied) {
      const plan = applied.amounts;
      surplusPlanApplied = true;
      for (const m of members) shares.set(m.code, { overspendShare: Money.ZERO, surplusShare: plan.get(m.code)!, floorTopUp: Money.ZERO });
      const primaryAfterShares = Money.sum(members.filter((m) => m.primary).map((m) => m.approvedConsumption.plus(plan.get(m.code)!)));
      outcome = {
        totalExpenditure: d.totalExpenditure,
        surplus: d.surplus,
        primaryAfterShares,
        primaryShareOfPackage: primaryAfterShares.toDecimal().dividedBy(inputs.communityPackage.toDecimal()),
        floor: primaryFloorShortfall(inputs.communityPackage, primaryAfterShares, inputs.primaryFloorRate),
        surplusUnallocated: Money.ZERO,
        overspend: Money.ZERO,
        overspendUnapportioned: Money.ZERO,
      };
    } else {
      for (const s of d.shares) shares.set(s.code, { overspendShare: Money.ZERO, surplusShare: s.surplusShare, floorTopUp: s.floorTopUp });
      outcome = { ...d, overspend: Money.ZERO, overspendUnapportioned: Money.ZERO };
    }
  }

  const releaseRate = toRate(inputs.depositReleaseRate, 'depositReleaseRate');
  const depositWithheld = Money.sum(members.map((m) => m.depositWithheld));
  const depositReleased = Money.roundHalfUp(depositWithheld.times(releaseRate));
  const releases = depositReleased.isPositive()
    ? splitInCodeOrder(depositReleased, members, (m) => m.depositWithheld.toDecimal()).map((s) => s.amount)
    : members.map(() => Money.ZERO);

  const statements = members.map((m, i) => {
    const s = shares.get(m.code)!;
    const balanceDue = m.approvedConsumption
      .minus(s.overspendShare)
      .plus(s.surplusShare)
      .plus(s.floorTopUp)
      .minus(m.depositWithheld)
      .plus(releases[i])
      .minus(m.paidSoFar);
    return {
      code: m.code,
      primary: m.primary,
      approvedConsumption: m.approvedConsumption,
      ...s,
      depositWithheld: m.depositWithheld,
      depositRelease: releases[i],
      paidSoFar: m.paidSoFar,
      balanceDue,
    };
  });
  return {
    communityCode: inputs.communityCode,
    communityPackage: inputs.communityPackage,
    outOfCountyExpenditure: inputs.outOfCountyExpenditure,
    totalExpenditure: outcome.totalExpenditure,
    overspend: outcome.overspend,
    surplus: outcome.surplus,
    primaryAfterShares: outcome.primaryAfterShares,
    primaryShareOfPackage: outcome.primaryShareOfPackage.toFixed(4),
    floor: outcome.floor,
    floorReapportioned,
    surplusUnallocated: outcome.surplusUnallocated,
    overspendUnapportioned: outcome.overspendUnapportioned,
    depositWithheld,
    depositReleased,
    statements,
    surplusPlanApplied,
    surplusPlanOutdated,
  };
}

/**
 * The plan's amount for each member (zero for a member it does not name), or why it cannot
 * apply: it names a unit that is not a member, or distributes another figure than the surplus
 * (the year changed since it was approved).
 */
function applySurplusPlan(
  surplus: Money,
  members: readonly UnitYear[],
  plan: ReadonlyMap<string, Money>,
): { amounts: Map<string, Money> } | { outdated: string } {
  const codes = new Set(members.map((m) => m.code));
  const strangers = [...plan.keys()].filter((c) => !codes.has(c));
  const planned = Money.sum([...plan.values()]);
  if (strangers.length) return { outdated: `the surplus plan names ${strangers.join(', ')}, not members of the community` };
  if (!planned.eq(surplus)) return { outdated: `the surplus plan distributes ${planned}, but the year's surplus is now ${surplus}` };
  return { amounts: new Map(members.map((m) => [m.code, plan.get(m.code) ?? Money.ZERO])) };
}

/** Ledger balances a community's year end closes, read just before posting. */
export interface CommunityClosingBalances {
  package: Money; // COMMUNITY_PACKAGE: M less everything funded
  leadAdvance: Money; // LEAD_ADVANCE: advanced and not offset
  qualityDeposit: Money; // QUALITY_DEPOSIT: withheld
  /** Out-of-county settlements beyond the package (imported, never funded). */
  outOfCountyUnfunded: Money;
}

/**
 * The transfers that post a community's year end. Into the clearing account: what is left of
 * the package, the unused advance, the released deposit, and what units owe. Out of it: what
 * units are owed. The retained deposit returns to the county fund pool. A surplus no unit had
 * consumption to share moves to the community's retained surplus (结余留用), where the surplus
 * plan takes it from. What remains in clearing must be exactly the out-of-county spending the
 * package never funded, which the community bears through the overspend, less any overspend
 * left unapportioned (no consumption to share it by: it stays unfunded, reported for the
 * bureau's decision); anything else means the documents and the ledger disagree, and nothing
 * is posted.
 */
export function communityYearEndTransfers(prefix: string, year: CommunityYearEnd, balances: CommunityClosingBalances): TransferSpec[] {
  const c = year.communityCode;
  const clearing = YEAR_END_ACCOUNTS.clearing(c);
  if (!balances.qualityDeposit.eq(year.depositWithheld)) {
    throw mismatch(
      `community ${c}: the ledger holds ${balances.qualityDeposit} of quality deposit, the statements ${year.depositWithheld}`,
    );
  }
  const out: TransferSpec[] = [];
  const add = (leg: string, debit: string, credit: string, amount: Money, memo: string) => {
    if (amount.isPositive()) out.push({ id: `${prefix}.${c}.${leg}`, debit, credit, amount, memo });
  };
  add('package', communityPackageAccount(c), clearing, balances.package, '年终清算 包干结余转清算');
  add('advance', CYCLE_ACCOUNTS.leadAdvance(c), clearing, balances.leadAdvance, '年终清算 预拨余额转清算');
  add('deposit-release', CYCLE_ACCOUNTS.qualityDeposit(c), clearing, year.depositReleased, '年终清算 质量保证金返还');
  add(
    'deposit-retained',
    CYCLE_ACCOUNTS.qualityDeposit(c),
    ACCOUNTS.fundPool,
    year.depositWithheld.minus(year.depositReleased),
    '年终清算 质量保证金扣留',
  );
  for (const s of year.statements) {
    if (s.balanceDue.isNegative())
      add(`unit.${s.code}`, YEAR_END_ACCOUNTS.receivable(s.code), clearing, s.balanceDue.negated(), `年终清算 ${s.code} 应退（下年抵扣）`);
  }
  for (const s of year.statements) {
    if (s.balanceDue.isPositive()) add(`unit.${s.code}`, clearing, YEAR_END_ACCOUNTS.due(s.code), s.balanceDue, `年终清算 ${s.code} 应补`);
  }
  add('surplus-retained', clearing, YEAR_END_ACCOUNTS.retainedSurplus(c), year.surplusUnallocated, '年终清算 结余留用（待结余分配方案）');
  const into = Money.sum(out.filter((t) => t.credit === clearing).map((t) => t.amount));
  const outOf = Money.sum(out.filter((t) => t.debit === clearing).map((t) => t.amount));
  const left = into.minus(outOf);
  const toFund = balances.outOfCountyUnfunded.minus(year.overspendUnapportioned);
  if (!left.eq(toFund)) {
    throw mismatch(
      `community ${c}: after the statements ${left} would remain in clearing, but ${toFund} of out-of-county spending is unfunded and apportioned`,
    );
  }
  add('out-of-county', clearing, CYCLE_ACCOUNTS.outOfCounty(c), left, '年终清算 县外超额结算');
  return out;
}

export interface PrivateYearInputs {
  code: string;
  annualBudget: Money;
  approvedConsumption: Money; // A: approved claims of the year
  funded: Money; // paid and payable, deposit included
  depositWithheld: Money;
  surplusRewardRate: Rate; // default 0.5 of the unspent budget
  overspendShareRate: Rate; // default 0.5 of the overspend …
  overspendLimitRate: Rate; // … within 10% of the budget
}

/**
 * A private institution's year end (SPEC §7): within budget it is paid its actual consumption
 * plus a reward of the unspent budget; over budget the bureau shares the overspend within the
 * limit, nothing beyond. The deposit is released in full. As a statement: the reward is the
 * surplus share, the overspend the institution bears is its overspend share.
 */
export function settlePrivateYear(p: PrivateYearInputs): UnitStatement {
  const reward = toRate(p.surplusRewardRate, 'privateSurplusRewardRate');
  const shareRate = toRate(p.overspendShareRate, 'privateOverspendShareRate');
  const limit = toRate(p.overspendLimitRate, 'privateOverspendLimitRate');
  if (p.depositWithheld.gt(p.funded)) throw mismatch(`${p.code}: deposit ${p.depositWithheld} exceeds funding ${p.funded}`);
  const unspent = p.annualBudget.minus(p.approvedConsumption);
  let surplusShare = Money.ZERO;
  let overspendShare = Money.ZERO;
  if (unspent.isPositive()) {
    surplusShare = Money.roundHalfUp(unspent.times(reward));
  } else if (unspent.isNegative()) {
    const over = unspent.negated();
    const cap = Money.roundHalfUp(p.annualBudget.times(limit));
    const shareable = over.lt(cap) ? over : cap;
    overspendShare = over.minus(Money.roundHalfUp(shareable.times(shareRate)));
  }
  const paidSoFar = p.funded.minus(p.depositWithheld);
  const balanceDue = p.approvedConsumption.minus(overspendShare).plus(surplusShare).minus(paidSoFar); // the deposit withheld is released in full
  return {
    code: p.code,
    primary: false,
    approvedConsumption: p.approvedConsumption,
    overspendShare,
    surplusShare,
    floorTopUp: Money.ZERO,
    depositWithheld: p.depositWithheld,
    depositRelease: p.depositWithheld,
    paidSoFar,
    balanceDue,
  };
}

/** Posts a private institution's year end: the deposit back, the rest from the private pool. */
export function privateYearEndTransfers(prefix: string, s: UnitStatement): TransferSpec[] {
  const out: TransferSpec[] = [];
  const fromPool = s.balanceDue.minus(s.depositRelease);
  if (fromPool.isNegative()) throw mismatch(`${s.code}: funded beyond its year-end entitlement by ${fromPool.negated()}`);
  if (s.depositRelease.isPositive())
    out.push({
      id: `${prefix}.private.${s.code}.deposit`,
      debit: PRIVATE_ACCOUNTS.deposit(s.code),
      credit: PRIVATE_ACCOUNTS.payable(s.code),
      amount: s.depositRelease,
      memo: '年终清算 质量保证金返还',
    });
  if (fromPool.isPositive())
    out.push({
      id: `${prefix}.private.${s.code}.settle`,
      debit: ACCOUNTS.privatePool,
      credit: PRIVATE_ACCOUNTS.payable(s.code),
      amount: fromPool,
      memo: '年终清算 总额控制结算',
    });
  return out;
}

function mismatch(message: string): DomainError {
  return new DomainError('YEAR_END_LEDGER_MISMATCH', 'conflict', message);
}
