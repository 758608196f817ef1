import { DomainError, ErrorDetail } from './domain-error';
import { compareCodes, splitInCodeOrder } from './largest-remainder';
import { Dec, Money } from './money';
import { PrimaryFloorCheck, primaryFloorShortfall } from './primary-floor';
import { Rate, toRate } from './rate';

/** A member unit's year (SPEC §7). */
export interface MemberConsumption {
  code: string;
  approvedConsumption: Money; // E_i: bureau-approved claims (基金消耗)
  primary: boolean; // township or village (基层医疗机构)
}

export interface YearEndInputs {
  communityPackage: Money; // M
  members: readonly MemberConsumption[];
  outOfCountyExpenditure: Money; // E_out 县外异地
  primaryFloorRate: Rate;
}

export interface OverspendShare {
  code: string;
  primary: boolean;
  approvedConsumption: Money;
  /** What the share is computed on: E_i, plus E_out for the lead unit when so attributed. */
  consumptionBasis: Money;
  overspendShare: Money; // O_i
  fundsAfterShare: Money; // E_i − O_i
}

export interface OverspendApportionment {
  totalExpenditure: Money; // E = Σ E_i + E_out
  overspend: Money; // O = E − M, zero when there is none
  shares: OverspendShare[]; // in code order
  primaryAfterShares: Money;
  primaryShareOfPackage: Dec; // exact; primaryAfterShares ÷ M
  /** An unmet floor here is a violation: an overspent year has no surplus to top it up from. */
  floor: PrimaryFloorCheck;
  /** Overspend moved from primary units' shares to the others' to meet the floor (with `reapportionFloorShortfall`). */
  floorReapportioned: Money;
  /**
   * Overspend no unit can bear by consumption share because no member unit has consumption
   * (only out-of-county spending): the whole of O, left for the bureau to decide; zero otherwise.
   */
  overspendUnapportioned: Money;
}

/**
 * Overspend (超支不补): O = E − M is not compensated; it is apportioned to member units by
 * consumption share (按各单位基金消耗占比), O_i = O × E_i / Σ E_j, largest remainder in code
 * order. E_out is shared through O by default; as an option it counts as the lead unit's.
 * When no member unit has consumption (only out-of-county spending overran M), there is no
 * share to apportion by: O stays unapportioned and is reported, never guessed.
 */
export function apportionOverspend(
  inputs: YearEndInputs & { attributeOutOfCountyToLead?: string; reapportionFloorShortfall?: boolean },
): OverspendApportionment {
  const { members, totalExpenditure } = checkYearEnd(inputs);
  const lead = inputs.attributeOutOfCountyToLead;
  if (lead !== undefined) {
    const unit = members.find((m) => m.code === lead);
    if (!unit || unit.primary) {
      throw new DomainError(
        'YEAR_END_INPUT_INVALID',
        'unprocessable',
        `out-of-county spending can only be attributed to the lead unit among the members, not ${lead}`,
        [{ field: 'attributeOutOfCountyToLead', rule: 'leadMember', message: lead }],
      );
    }
  }
  const basis = (m: MemberConsumption) =>
    m.code === lead ? m.approvedConsumption.plus(inputs.outOfCountyExpenditure) : m.approvedConsumption;
  const over = totalExpenditure.minus(inputs.communityPackage);
  const overspend = over.isPositive() ? over : Money.ZERO;
  // No consumption to share O by: nobody's share, the whole of it reported for a decision.
  const overspendUnapportioned = overspend.isPositive() && members.every((m) => basis(m).isZero()) ? overspend : Money.ZERO;
  const parts =
    overspend.isPositive() && overspendUnapportioned.isZero()
      ? splitInCodeOrder(overspend, members, (m) => basis(m).toDecimal()).map((s) => s.amount)
      : members.map(() => Money.ZERO);
  const withShare = (
    s: { code: string; primary: boolean; approvedConsumption: Money; consumptionBasis: Money },
    overspendShare: Money,
  ): OverspendShare => ({ ...s, overspendShare, fundsAfterShare: s.approvedConsumption.minus(overspendShare) });
  let shares = members.map((m, i) =>
    withShare({ code: m.code, primary: m.primary, approvedConsumption: m.approvedConsumption, consumptionBasis: basis(m) }, parts[i]),
  );
  let position = primaryPosition(inputs, shares);
  let floorReapportioned = Money.ZERO;
  if (inputs.reapportionFloorShortfall && !position.floor.met) {
    // The option: primary units' shares move to the others' (by consumption) until the floor is met.
    const bearing = shares.filter((x) => x.primary && x.overspendShare.isPositive());
    const takers = shares.filter((x) => !x.primary && x.consumptionBasis.isPositive());
    const bearable = Money.sum(bearing.map((x) => x.overspendShare));
    const moved = position.floor.shortfall.lt(bearable) ? position.floor.shortfall : bearable;
    if (moved.isPositive() && takers.length > 0) {
      const change = new Map<string, Money>();
      for (const { part, amount } of splitInCodeOrder(moved, bearing, (x) => x.overspendShare.toDecimal()))
        change.set(part.code, amount.negated());
      for (const { part, amount } of splitInCodeOrder(moved, takers, (x) => x.consumptionBasis.toDecimal())) change.set(part.code, amount);
      shares = shares.map((s) => withShare(s, s.overspendShare.plus(change.get(s.code) ?? Money.ZERO)));
      position = primaryPosition(inputs, shares);
      floorReapportioned = moved;
    }
  }
  return { totalExpenditure, overspend, shares, ...position, floorReapportioned, overspendUnapportioned };
}

/** Seed for the surplus proposal's primary weighting (SPEC §7 default ×1.5). */
export const DEFAULT_SURPLUS_PRIMARY_WEIGHT = new Dec('1.5');

export interface SurplusShare {
  code: string;
  primary: boolean;
  approvedConsumption: Money;
  surplusShare: Money; // by weighted consumption share
  /** Moved to primary units to reach the floor (+), taken from the others' surplus shares (−). */
  floorTopUp: Money;
  fundsAfterShare: Money; // E_i + surplus share + top-up
}

export interface SurplusDistribution {
  totalExpenditure: Money;
  surplus: Money; // S = M − E, zero when there is none
  shares: SurplusShare[]; // in code order
  primaryAfterShares: Money;
  primaryShareOfPackage: Dec;
  /** After the top-up; a remaining shortfall is a violation the surplus could not cover. */
  floor: PrimaryFloorCheck;
  /**
   * Surplus the proposal cannot share because no member unit has consumption: the whole of S,
   * retained by the community (结余留用) for the surplus plan to distribute; zero otherwise.
   */
  surplusUnallocated: Money;
}

/**
 * Default surplus proposal (结余留用): S = M − E by consumption share with primary units
 * weighted (×1.5 by default). If primary funds still fall below the floor, the shortfall is
 * topped up from the surplus first: moved from the other units' surplus shares (in proportion
 * to them) to the primary units (in proportion to their consumption). What the surplus cannot
 * cover stays as the floor's shortfall. When no member unit has consumption, the proposal
 * has no share to go by: the whole surplus is left unallocated (retained by the community)
 * for the surplus plan to decide, and the floor's shortfall is reported as it stands.
 */
export function proposeSurplusDistribution(inputs: YearEndInputs & { primaryWeight?: Rate }): SurplusDistribution {
  const { members, totalExpenditure } = checkYearEnd(inputs);
  const weight = toRate(inputs.primaryWeight ?? DEFAULT_SURPLUS_PRIMARY_WEIGHT, 'primaryWeight', '100');
  if (weight.lt(1)) {
    throw new DomainError(
      'RATE_INVALID',
      'unprocessable',
      `primaryWeight ${weight.toString()} would tilt the surplus away from primary institutions`,
      [{ field: 'primaryWeight', rule: 'atLeastOne', message: weight.toString() }],
    );
  }
  const left = inputs.communityPackage.minus(totalExpenditure);
  const surplus = left.isPositive() ? left : Money.ZERO;
  const weighted = (m: MemberConsumption) => m.approvedConsumption.toDecimal().times(m.primary ? weight : 1);
  // No consumption to share S by: the proposal shares nothing and tops up nothing; the whole
  // surplus waits, retained, for the surplus plan (§9.3) to say where it goes.
  const surplusUnallocated = surplus.isPositive() && members.every((m) => weighted(m).isZero()) ? surplus : Money.ZERO;
  const proposal =
    surplus.isPositive() && surplusUnallocated.isZero()
      ? splitInCodeOrder(surplus, members, weighted).map((s) => s.amount)
      : members.map(() => Money.ZERO);
  const topUp = floorTopUp(inputs, members, proposal);
  const shares = members.map((m, i) => ({
    code: m.code,
    primary: m.primary,
    approvedConsumption: m.approvedConsumption,
    surplusShare: proposal[i],
    floorTopUp: topUp[i],
    fundsAfterShare: m.approvedConsumption.plus(proposal[i]).plus(topUp[i]),
  }));
  return { totalExpenditure, surplus, shares, ...primaryPosition(inputs, shares), surplusUnallocated };
}

/** Per member (code order): what moves from non-primary surplus shares to primary units. */
function floorTopUp(inputs: YearEndInputs, members: readonly MemberConsumption[], proposal: readonly Money[]): Money[] {
  const primaryFunds = Money.sum(members.map((m, i) => (m.primary ? m.approvedConsumption.plus(proposal[i]) : Money.ZERO)));
  const { shortfall } = primaryFloorShortfall(inputs.communityPackage, primaryFunds, inputs.primaryFloorRate);
  const donors = members
    .map((m, i) => ({ code: m.code, share: proposal[i] }))
    .filter((d, i) => !members[i].primary && d.share.isPositive());
  const takers = members.filter((m) => m.primary);
  const available = Money.sum(donors.map((d) => d.share));
  const moved = shortfall.lt(available) ? shortfall : available;
  const topUp = new Map<string, Money>();
  if (moved.isPositive() && takers.length > 0) {
    for (const { part, amount } of splitInCodeOrder(moved, donors, (d) => d.share.toDecimal())) topUp.set(part.code, amount.negated());
    const byConsumption = takers.some((t) => t.approvedConsumption.isPositive());
    for (const { part, amount } of splitInCodeOrder(moved, takers, (t) => (byConsumption ? t.approvedConsumption.toDecimal() : new Dec(1))))
      topUp.set(part.code, amount);
  }
  return members.map((m) => topUp.get(m.code) ?? Money.ZERO);
}

function primaryPosition(inputs: YearEndInputs, shares: readonly { primary: boolean; fundsAfterShare: Money }[]) {
  const primaryAfterShares = Money.sum(shares.filter((s) => s.primary).map((s) => s.fundsAfterShare));
  return {
    primaryAfterShares,
    primaryShareOfPackage: primaryAfterShares.toDecimal().dividedBy(inputs.communityPackage.toDecimal()),
    floor: primaryFloorShortfall(inputs.communityPackage, primaryAfterShares, inputs.primaryFloorRate),
  };
}

/** Checks the year-end inputs; returns the members in code order and E. */
function checkYearEnd(inputs: YearEndInputs): { members: MemberConsumption[]; totalExpenditure: Money } {
  const errors: ErrorDetail[] = [];
  if (!inputs.communityPackage.isPositive())
    errors.push({ field: 'communityPackage', rule: 'positive', message: `M must be positive, not ${inputs.communityPackage}` });
  if (inputs.outOfCountyExpenditure.isNegative())
    errors.push({
      field: 'outOfCountyExpenditure',
      rule: 'nonNegative',
      message: `out-of-county expenditure cannot be negative (${inputs.outOfCountyExpenditure})`,
    });
  if (inputs.members.length === 0) errors.push({ field: 'members', rule: 'notEmpty', message: 'a community has at least one member unit' });
  const seen = new Set<string>();
  inputs.members.forEach((m, i) => {
    if (m.approvedConsumption.isNegative())
      errors.push({
        field: `members.${i}.approvedConsumption`,
        rule: 'nonNegative',
        message: `${m.code}: consumption cannot be negative (${m.approvedConsumption})`,
      });
    if (seen.has(m.code)) errors.push({ field: `members.${i}.code`, rule: 'unique', message: `${m.code} is listed twice` });
    seen.add(m.code);
  });
  toRate(inputs.primaryFloorRate, 'primaryFloorRate');
  if (errors.length) throw new DomainError('YEAR_END_INPUT_INVALID', 'unprocessable', errors.map((e) => e.message).join('; '), errors);
  const members = [...inputs.members].sort((a, b) => compareCodes(a.code, b.code));
  const totalExpenditure = Money.sum(members.map((m) => m.approvedConsumption)).plus(inputs.outOfCountyExpenditure);
  return { members, totalExpenditure };
}
