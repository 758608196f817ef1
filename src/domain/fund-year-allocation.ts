import { DomainError } from './domain-error';
import { splitByLargestRemainder } from './largest-remainder';
import { Dec, Money } from './money';
import { PolicyParameters } from './policy-parameters';

/** Inputs of SPEC §3 for one county and fund year. */
export interface FundYearInputs {
  insuredCount: bigint; // N 当年筹资人数
  perCapitaStandard: Money; // S 筹资标准
  interest: Money; // I 利息
  criticalIllnessPremiumPerPerson: Money; // c 个人当年大病医疗保险费
  familyDoctorFee: Money; // Dfd 家庭医生签约服务费
  policyAdjustmentExpenditure: Money; // P 当年因政策调整所需支出的资金
}

export interface FundYearAllocation {
  raisedTotal: Money; // F 筹资总额
  adjustmentReserve: Money; // A 调剂金
  criticalIllnessFund: Money; // C 大病保险基金
  netBase: Money; // B
  communityBaseShare: Money; // B × 76.5%
  increasePool: Money; // B × 8.5%
  communityIncrease: Money; // R 医共体预算增加资金
  communityPackage: Money; // M 医共体预算资金总额
  privatePool: Money; // B × 15%
}

type Rates = Pick<PolicyParameters, 'adjustmentReserveRate' | 'communityBaseShareRate' | 'increasePoolRate' | 'privatePoolRate'>;

/**
 * SPEC §3: F = N×S + I; A = F × reserve rate; C = N × c; B = F − A − Dfd − C (> 0); the three
 * shares of B are one largest-remainder split; R = increase pool − P (≥ 0); M = base share + R.
 */
export function allocateFundYear(inputs: FundYearInputs, rates: Rates): FundYearAllocation {
  const n = inputs.insuredCount.toString();
  const raisedTotal = Money.roundHalfUp(inputs.perCapitaStandard.times(n).plus(inputs.interest.toDecimal()));
  const adjustmentReserve = Money.roundHalfUp(raisedTotal.times(rates.adjustmentReserveRate));
  const criticalIllnessFund = Money.roundHalfUp(inputs.criticalIllnessPremiumPerPerson.times(n));
  const netBase = raisedTotal.minus(adjustmentReserve).minus(inputs.familyDoctorFee).minus(criticalIllnessFund);
  if (!netBase.isPositive()) {
    throw new DomainError('NET_BASE_NOT_POSITIVE', 'unprocessable', `the net base B = F − A − Dfd − C is ${netBase}; it must be positive`, [
      { field: 'familyDoctorFee', rule: 'netBasePositive', message: `B = ${raisedTotal} − ${adjustmentReserve} − ${inputs.familyDoctorFee} − ${criticalIllnessFund} = ${netBase}` },
    ]);
  }
  const [communityBaseShare, increasePool, privatePool] = splitByLargestRemainder(netBase, [
    new Dec(rates.communityBaseShareRate),
    new Dec(rates.increasePoolRate),
    new Dec(rates.privatePoolRate),
  ]);
  const communityIncrease = increasePool.minus(inputs.policyAdjustmentExpenditure);
  if (communityIncrease.isNegative()) {
    throw new DomainError('COMMUNITY_INCREASE_NEGATIVE', 'unprocessable', `policy adjustment expenditure ${inputs.policyAdjustmentExpenditure} exceeds the increase pool ${increasePool}: R would be ${communityIncrease}`, [
      { field: 'policyAdjustmentExpenditure', rule: 'notAboveIncreasePool', message: `at most ${increasePool}` },
    ]);
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

/** Several communities in one county share M by enrolled population, largest remainder in code order. */
export function splitPackageBetweenCommunities(communityPackage: Money, communities: readonly { code: string; enrolledPopulation: bigint }[]): { code: string; package: Money }[] {
  const ordered = [...communities].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const parts = splitByLargestRemainder(communityPackage, ordered.map((c) => new Dec(c.enrolledPopulation.toString())));
  return ordered.map((c, i) => ({ code: c.code, package: parts[i] }));
}
