import { DomainError, ErrorDetail } from './domain-error';
import { compareCodes, splitInCodeOrder } from './largest-remainder';
import { Dec, Money } from './money';
import { Rate, toRate } from './rate';

/** A region of the province's adjustment fund: a prefecture, or a county pooling on its own (SPEC §12.2). */
export interface AdjustmentFundRegion {
  code: string;
  income: Money; // 当年基金收入
  insured: bigint | string; // 参保人数
  collectionRate: Rate; // 基金征收率
  assessmentScore: Dec | string; // 医改考核得分: weighs the year-end second distribution
}

/** The province's rates for the year (stored per level and year; SPEC §12.2 defaults below). */
export interface ProvincialFundTerms {
  contributionRate: Rate; // 上缴: share of each region's income
  contributorCap: Rate; // 净上缴 above this share of income is returned
  recipientCap: Rate; // 净拨付 above this share of income is withheld into the provincial risk fund
  secondDistributionRate: Rate; // share of each net recipient's capped receipt held for the second distribution
}

/** SPEC §12.2 defaults: a seed for the province's parameter set, never read in place of it. */
export const DEFAULT_PROVINCIAL_FUND_TERMS: Readonly<Record<keyof ProvincialFundTerms, Dec>> = Object.freeze({
  contributionRate: new Dec('0.20'),
  contributorCap: new Dec('0.09'),
  recipientCap: new Dec('0.20'),
  secondDistributionRate: new Dec('0.05'),
});

export interface RegionAdjustment {
  code: string;
  income: Money;
  contribution: Money; // contributionRate × income, half up
  distributionWeight: Dec; // insured × collection rate, exact
  received: Money; // its largest-remainder share of all contributions
  net: Money; // received − contribution: negative for a net contributor (净上缴), positive for a net recipient (净拨付)
  /** The cap on its side, half up: contributorCap × income for a net contributor, recipientCap × income for a net recipient. */
  cap: Money;
  returned: Money; // 返还: a net contributor's net contribution above its cap
  withheld: Money; // 留存: a net recipient's net receipt above its cap, into the provincial risk fund
  netAfterCaps: Money; // net + returned − withheld
  held: Money; // 集中: secondDistributionRate × a net recipient's capped receipt, half up
  secondDistribution: Money; // its share of all held amounts at year end, by assessment score
  finalNet: Money; // netAfterCaps − held + secondDistribution
}

export interface ProvincialAdjustment {
  regions: RegionAdjustment[]; // in code order
  totalContributions: Money; // = Σ received
  totalReturned: Money;
  totalWithheld: Money;
  /** What the caps leave with the province: withheld in, returned out (the risk fund's change; Σ finalNet is its negation). */
  provincialRiskFundChange: Money;
  totalHeld: Money; // = Σ secondDistribution
}

/**
 * SPEC §12.2 (省级调剂金): each region contributes its rate of income; all contributions go
 * back by insured × collection rate (largest remainder in code order); net contributions
 * above the contributor cap are returned, net receipts above the recipient cap are withheld;
 * a share of each net recipient's capped receipt is held and goes back at year end to the net
 * recipients by assessment score (largest remainder in code order).
 */
export function adjustProvincialFund(regions: readonly AdjustmentFundRegion[], terms: ProvincialFundTerms): ProvincialAdjustment {
  const rates = provincialFundRates(terms);
  const checked = checkRegions(regions);
  const contributions = checked.map((r) => Money.roundHalfUp(r.income.times(rates.contributionRate)));
  const totalContributions = Money.sum(contributions);
  if (totalContributions.isPositive() && checked.every((r) => r.weight.isZero())) {
    throw new DomainError(
      'PROVINCIAL_FUND_INPUT_INVALID',
      'unprocessable',
      `the contributions ${totalContributions} cannot be distributed: no region has insured people collected`,
      [{ field: 'regions', rule: 'someDistributionWeight', message: 'every insured × collection rate is zero' }],
    );
  }
  const received = totalContributions.isZero()
    ? checked.map(() => Money.ZERO)
    : splitInCodeOrder(totalContributions, checked, (r) => r.weight).map((s) => s.amount);

  const capped = checked.map((r, i) => {
    const net = received[i].minus(contributions[i]);
    const cap = net.isNegative()
      ? Money.roundHalfUp(r.income.times(rates.contributorCap))
      : net.isPositive()
        ? Money.roundHalfUp(r.income.times(rates.recipientCap))
        : Money.ZERO;
    const returned = excess(net.negated(), cap);
    const withheld = excess(net, cap);
    const netAfterCaps = net.plus(returned).minus(withheld);
    const held = netAfterCaps.isPositive() ? Money.roundHalfUp(netAfterCaps.times(rates.secondDistributionRate)) : Money.ZERO;
    return { ...r, contribution: contributions[i], received: received[i], net, cap, returned, withheld, netAfterCaps, held };
  });

  const totalHeld = Money.sum(capped.map((r) => r.held));
  const second = distributeHeldByScore(
    totalHeld,
    capped.filter((r) => r.net.isPositive()).map((r) => ({ code: r.code, assessmentScore: r.score })),
  );
  const adjusted: RegionAdjustment[] = capped.map((r) => {
    const secondDistribution = second.get(r.code) ?? Money.ZERO;
    return {
      code: r.code,
      income: r.income,
      contribution: r.contribution,
      distributionWeight: r.weight,
      received: r.received,
      net: r.net,
      cap: r.cap,
      returned: r.returned,
      withheld: r.withheld,
      netAfterCaps: r.netAfterCaps,
      held: r.held,
      secondDistribution,
      finalNet: r.netAfterCaps.minus(r.held).plus(secondDistribution),
    };
  });
  const totalReturned = Money.sum(adjusted.map((r) => r.returned));
  const totalWithheld = Money.sum(adjusted.map((r) => r.withheld));
  return {
    regions: adjusted,
    totalContributions,
    totalReturned,
    totalWithheld,
    provincialRiskFundChange: totalWithheld.minus(totalReturned),
    totalHeld,
  };
}

/**
 * The year-end second distribution (二次分配): the held total goes to the net recipients in
 * proportion to their assessment scores, largest remainder in code order. Returns each
 * recipient's amount by code.
 */
export function distributeHeldByScore(
  totalHeld: Money,
  recipients: readonly { code: string; assessmentScore: Dec | string }[],
): Map<string, Money> {
  const scored = recipients.map((r, i) => ({ code: r.code, score: assessmentScore(r.assessmentScore, `recipients.${i}.assessmentScore`) }));
  if (!totalHeld.isPositive()) return new Map(scored.map((r) => [r.code, Money.ZERO]));
  if (scored.every((r) => r.score.isZero())) {
    throw new DomainError(
      'PROVINCIAL_FUND_INPUT_INVALID',
      'unprocessable',
      `the held ${totalHeld} cannot be distributed: no net recipient has an assessment score above zero`,
      [{ field: 'regions', rule: 'someRecipientScore', message: 'every net recipient scores zero' }],
    );
  }
  return new Map(splitInCodeOrder(totalHeld, scored, (r) => r.score).map((s) => [s.part.code, s.amount]));
}

/** Reads and checks the province's rates. */
export function provincialFundRates(terms: ProvincialFundTerms): Record<keyof ProvincialFundTerms, Dec> {
  return {
    contributionRate: toRate(terms.contributionRate, 'contributionRate'),
    contributorCap: toRate(terms.contributorCap, 'contributorCap'),
    recipientCap: toRate(terms.recipientCap, 'recipientCap'),
    secondDistributionRate: toRate(terms.secondDistributionRate, 'secondDistributionRate'),
  };
}

/** How far `amount` exceeds `cap`, or zero. */
function excess(amount: Money, cap: Money): Money {
  return amount.gt(cap) ? amount.minus(cap) : Money.ZERO;
}

const SCORE_TEXT = /^\d+(\.\d+)?$/;

function assessmentScore(value: Dec | string, field: string): Dec {
  const ok = typeof value === 'string' ? SCORE_TEXT.test(value) : Dec.isDecimal(value) && value.isFinite() && !value.isNegative();
  if (!ok) {
    throw new DomainError('PROVINCIAL_FUND_INPUT_INVALID', 'unprocessable', `${field}: ${String(value)} is not a score of zero or more`, [
      { field, rule: 'nonNegativeScore', message: String(value) },
    ]);
  }
  return new Dec(value);
}

/** Checks the regions; returns them in code order with exact weights and scores. */
function checkRegions(regions: readonly AdjustmentFundRegion[]) {
  const errors: ErrorDetail[] = [];
  if (regions.length === 0) errors.push({ field: 'regions', rule: 'notEmpty', message: 'the fund needs at least one region' });
  const seen = new Set<string>();
  regions.forEach((r, i) => {
    if (r.income.isNegative())
      errors.push({ field: `regions.${i}.income`, rule: 'nonNegative', message: `${r.code}: income cannot be negative (${r.income})` });
    const insured = typeof r.insured === 'bigint' ? r.insured.toString() : r.insured;
    if (!/^\d{1,12}$/.test(insured))
      errors.push({
        field: `regions.${i}.insured`,
        rule: 'nonNegativeInteger',
        message: `${r.code}: "${insured}" is not a number of people`,
      });
    if (seen.has(r.code)) errors.push({ field: `regions.${i}.code`, rule: 'unique', message: `${r.code} is listed twice` });
    seen.add(r.code);
  });
  if (errors.length)
    throw new DomainError('PROVINCIAL_FUND_INPUT_INVALID', 'unprocessable', errors.map((e) => e.message).join('; '), errors);
  return regions
    .map((r, i) => ({
      code: r.code,
      income: r.income,
      weight: new Dec(r.insured.toString()).times(toRate(r.collectionRate, `regions.${i}.collectionRate`)),
      score: assessmentScore(r.assessmentScore, `regions.${i}.assessmentScore`),
    }))
    .sort((a, b) => compareCodes(a.code, b.code));
}
