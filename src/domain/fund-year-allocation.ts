import { DomainError, ErrorDetail } from './domain-error';
import { splitByLargestRemainder, splitInCodeOrder } from './largest-remainder';
import { Dec, Money } from './money';
import { Rate, toRate } from './rate';

/** Inputs of SPEC §3 for one county and fund year. */
export interface FundYearInputs {
  insuredCount: bigint | string; // N 当年筹资人数
  perCapitaStandard: Money; // S 筹资标准 (individual + subsidy)
  interest: Money; // I 利息
  criticalIllnessPremiumPerPerson: Money; // c 个人当年大病医疗保险费
  familyDoctorFee: Money; // Dfd 家庭医生签约服务费
  policyAdjustmentExpenditure: Money; // P 当年因政策调整所需支出的资金
}

/** The rates of SPEC §3, from the county's parameter set for the year. */
export interface AllocationRates {
  adjustmentReserveRate: Rate; // 调剂金 share of F
  communityBaseShareRate: Rate; // 医共体 base share of B
  increasePoolRate: Rate; // 医共体预算增加资金 pool share of B
  privatePoolRate: Rate; // 民营定点医疗机构 share of B
}

/**
 * SPEC §3 defaults. Only a seed for a new county's parameter set: allocation always uses the
 * rates stored for the county and year.
 */
export const DEFAULT_ALLOCATION_RATES: Readonly<Record<keyof AllocationRates, Dec>> = Object.freeze({
  adjustmentReserveRate: new Dec('0.15'),
  communityBaseShareRate: new Dec('0.765'),
  increasePoolRate: new Dec('0.085'),
  privatePoolRate: new Dec('0.15'),
});

export interface FundYearAllocation {
  raisedTotal: Money; // F 筹资总额
  adjustmentReserve: Money; // A 调剂金
  criticalIllnessFund: Money; // C 大病保险基金
  netBase: Money; // B
  communityBaseShare: Money; // B × 76.5% by default
  increasePool: Money; // B × 8.5% by default
  communityIncrease: Money; // R 医共体预算增加资金
  communityPackage: Money; // M 医共体预算资金总额
  privatePool: Money; // B × 15% by default
}

const MONEY_INPUTS = [
  'perCapitaStandard',
  'interest',
  'criticalIllnessPremiumPerPerson',
  'familyDoctorFee',
  'policyAdjustmentExpenditure',
] as const;

/**
 * SPEC §3: F = N×S + I; A = F × reserve rate; C = N × c; B = F − A − Dfd − C (> 0); the three
 * shares of B are one largest-remainder split; R = increase pool − P (≥ 0); M = base share + R.
 * Each product is rounded half up once, to the fen.
 */
export function allocateFundYear(inputs: FundYearInputs, rates: AllocationRates): FundYearAllocation {
  const n = insuredCount(inputs.insuredCount);
  const negative: ErrorDetail[] = MONEY_INPUTS.filter((f) => inputs[f].isNegative()).map((f) => ({
    field: f,
    rule: 'nonNegative',
    message: `${f} cannot be negative (${inputs[f]})`,
  }));
  if (negative.length)
    throw new DomainError('ALLOCATION_INPUT_INVALID', 'unprocessable', negative.map((d) => d.message).join('; '), negative);
  const r = allocationRates(rates);

  const raisedTotal = Money.roundHalfUp(inputs.perCapitaStandard.times(n).plus(inputs.interest.toDecimal()));
  const adjustmentReserve = Money.roundHalfUp(raisedTotal.times(r.adjustmentReserveRate));
  const criticalIllnessFund = Money.roundHalfUp(inputs.criticalIllnessPremiumPerPerson.times(n));
  const netBase = raisedTotal.minus(adjustmentReserve).minus(inputs.familyDoctorFee).minus(criticalIllnessFund);
  if (!netBase.isPositive()) {
    const formula = `B = F − A − Dfd − C = ${raisedTotal} − ${adjustmentReserve} − ${inputs.familyDoctorFee} − ${criticalIllnessFund} = ${netBase}`;
    throw new DomainError('NET_BASE_NOT_POSITIVE', 'unprocessable', `the net base B must be positive: ${formula}`, [
      { field: 'familyDoctorFee', rule: 'netBasePositive', message: formula },
      { field: 'criticalIllnessPremiumPerPerson', rule: 'netBasePositive', message: formula },
    ]);
  }
  const [communityBaseShare, increasePool, privatePool] = splitByLargestRemainder(netBase, [
    r.communityBaseShareRate,
    r.increasePoolRate,
    r.privatePoolRate,
  ]);
  const communityIncrease = increasePool.minus(inputs.policyAdjustmentExpenditure);
  if (communityIncrease.isNegative()) {
    throw new DomainError(
      'COMMUNITY_INCREASE_NEGATIVE',
      'unprocessable',
      `policy adjustment expenditure P = ${inputs.policyAdjustmentExpenditure} exceeds the increase pool ${increasePool}: R would be ${communityIncrease}`,
      [
        {
          field: 'policyAdjustmentExpenditure',
          rule: 'notAboveIncreasePool',
          message: `R = increase pool − P = ${increasePool} − ${inputs.policyAdjustmentExpenditure} < 0; P may be at most ${increasePool}`,
        },
      ],
    );
  }
  return {
    raisedTotal,
    adjustmentReserve,
    criticalIllnessFund,
    netBase,
    communityBaseShare,
    increasePool,
    communityIncrease,
    communityPackage: communityBaseShare.plus(communityIncrease),
    privatePool,
  };
}

/** Reads and checks the rates; the three shares of B must sum to exactly 1. */
export function allocationRates(rates: AllocationRates): Record<keyof AllocationRates, Dec> {
  const r = {
    adjustmentReserveRate: toRate(rates.adjustmentReserveRate, 'adjustmentReserveRate'),
    communityBaseShareRate: toRate(rates.communityBaseShareRate, 'communityBaseShareRate'),
    increasePoolRate: toRate(rates.increasePoolRate, 'increasePoolRate'),
    privatePoolRate: toRate(rates.privatePoolRate, 'privatePoolRate'),
  };
  const shares = r.communityBaseShareRate.plus(r.increasePoolRate).plus(r.privatePoolRate);
  if (!shares.eq(1)) {
    const message = `the three shares of the net base must sum to 1, not ${shares.toString()}`;
    throw new DomainError('ALLOCATION_RATES_INVALID', 'unprocessable', message, [
      { field: 'communityBaseShareRate', rule: 'sharesSumToOne', message },
      { field: 'increasePoolRate', rule: 'sharesSumToOne', message },
      { field: 'privatePoolRate', rule: 'sharesSumToOne', message },
    ]);
  }
  return r;
}

function insuredCount(value: bigint | string): string {
  const text = typeof value === 'bigint' ? value.toString() : value;
  if (!/^\d{1,12}$/.test(text)) {
    throw new DomainError('ALLOCATION_INPUT_INVALID', 'unprocessable', `insuredCount must be a whole number of people, not "${text}"`, [
      { field: 'insuredCount', rule: 'nonNegativeInteger', message: text },
    ]);
  }
  return text;
}

/** Several communities in one county share M by enrolled population, largest remainder in code order. */
export function splitPackageBetweenCommunities(
  communityPackage: Money,
  communities: readonly { code: string; enrolledPopulation: bigint | string }[],
): { code: string; package: Money }[] {
  const populations = communities.map((c, i) => {
    const text = typeof c.enrolledPopulation === 'bigint' ? c.enrolledPopulation.toString() : c.enrolledPopulation;
    if (!/^\d{1,12}$/.test(text)) {
      throw new DomainError(
        'ENROLLED_POPULATION_INVALID',
        'unprocessable',
        `${c.code}: enrolled population must be a whole number, not "${text}"`,
        [{ field: `communities.${i}.enrolledPopulation`, rule: 'nonNegativeInteger', message: text }],
      );
    }
    return { code: c.code, population: new Dec(text) };
  });
  if (populations.length > 0 && populations.every((p) => p.population.isZero())) {
    throw new DomainError(
      'ENROLLED_POPULATION_INVALID',
      'unprocessable',
      'M is split by enrolled population, and every community has none',
      [{ field: 'communities', rule: 'somePopulation', message: 'at least one community must have enrolled people' }],
    );
  }
  return splitInCodeOrder(communityPackage, populations, (p) => p.population).map(({ part, amount }) => ({
    code: part.code,
    package: amount,
  }));
}

/** An allocation is drafted for an existing, active county (COUNTY_NOT_FOUND otherwise). */
export function assertAllocationCounty(countyCode: string, county: { active: boolean } | null): void {
  if (!county || !county.active)
    throw new DomainError('COUNTY_NOT_FOUND', 'unprocessable', `county ${countyCode} does not exist`, [
      { field: 'countyCode', rule: 'exists', message: countyCode },
    ]);
}

/**
 * One allocation per county and fund year: drafting it again is a retry (answered with the
 * existing draft) only while that draft has the same inputs; otherwise ALLOCATION_EXISTS.
 */
export function assertAllocationRetry(
  countyCode: string,
  fundYear: number,
  existing: { id: number; state: string },
  sameInputs: boolean,
): void {
  if (!(existing.state === 'DRAFT' && sameInputs))
    throw new DomainError(
      'ALLOCATION_EXISTS',
      'conflict',
      `county ${countyCode} already has allocation ${existing.id} for ${fundYear}; edit that draft or file a correction`,
      [{ field: 'fundYear', rule: 'oneAllocationPerYear', message: `allocation ${existing.id}` }],
    );
}

/** Only a draft allocation changes; an approved one is corrected by a new version. */
export function assertAllocationEditable(id: number, state: string): void {
  if (state !== 'DRAFT')
    throw new DomainError(
      'DOCUMENT_NOT_EDITABLE',
      'conflict',
      `allocation ${id} is ${state}; only a draft can change (file a correction instead)`,
      [{ field: 'state', rule: 'draftOnly', message: state }],
    );
}

/** Only an approved or published allocation is corrected, and by one open correction at a time. */
export function assertAllocationCorrectable(id: number, state: string, openCorrectionId: number | null): void {
  if (state !== 'APPROVED' && state !== 'PUBLISHED') {
    throw new DomainError(
      'NOT_CORRECTABLE',
      'conflict',
      `allocation ${id} is ${state}; only an approved or published allocation is corrected`,
      [{ field: 'state', rule: 'approvedOnly', message: state }],
    );
  }
  if (openCorrectionId !== null)
    throw new DomainError('CORRECTION_OPEN', 'conflict', `correction ${openCorrectionId} of allocation ${id} is already in progress`, [
      { field: 'id', rule: 'oneOpenCorrection', message: String(openCorrectionId) },
    ]);
}

export interface CommunityEnrolment {
  communityCode: string;
  enrolledPopulation: string;
}

/**
 * The enrolled population of each active community of the county, which splits the package:
 * given for every community exactly once, or, with a single community, the whole insured count.
 */
export function enrolmentByCommunity(
  countyCode: string,
  communities: readonly { code: string }[],
  given: readonly CommunityEnrolment[] | undefined,
  insuredCount: string,
): CommunityEnrolment[] {
  if (communities.length === 0)
    throw new DomainError('NO_COMMUNITY', 'unprocessable', `county ${countyCode} has no active medical community to receive the package`, [
      { field: 'countyCode', rule: 'hasCommunity', message: countyCode },
    ]);
  const enrolment = given ?? (communities.length === 1 ? [{ communityCode: communities[0].code, enrolledPopulation: insuredCount }] : null);
  if (!enrolment)
    throw new DomainError(
      'ENROLMENT_REQUIRED',
      'unprocessable',
      `county ${countyCode} has ${communities.length} communities: give each one's enrolled population`,
      [{ field: 'communities', rule: 'required', message: communities.map((c) => c.code).join(', ') }],
    );
  const codes = new Set(communities.map((c) => c.code));
  const givenCodes = enrolment.map((g) => g.communityCode);
  if (givenCodes.length !== codes.size || givenCodes.some((c) => !codes.has(c)) || new Set(givenCodes).size !== givenCodes.length) {
    throw new DomainError(
      'ENROLMENT_MISMATCH',
      'unprocessable',
      `list every active community of ${countyCode} exactly once: ${[...codes].join(', ')}`,
      [{ field: 'communities', rule: 'everyCommunityOnce', message: [...codes].join(', ') }],
    );
  }
  return [...enrolment];
}

/** The published allocation (公示) of a county and year, or NOT_PUBLISHED (404). */
export function assertPublished<T>(allocation: T | null, countyCode: string, fundYear: number): T {
  if (!allocation) throw new DomainError('NOT_PUBLISHED', 'not_found', `no published allocation for ${countyCode} ${fundYear}`);
  return allocation;
}
