import { DomainError, ErrorDetail } from './domain-error';
import { DEFAULT_ALLOCATION_RATES } from './fund-year-allocation';
import { Dec } from './money';
import { DEFAULT_SURPLUS_PRIMARY_WEIGHT } from './overspend-apportionment';
import { defaultPrimaryFloorRate } from './primary-floor';
import { formatRate } from './rate';

/**
 * The rates and thresholds SPEC calls *default*: stored per county and fund year, edited by
 * the bureau. Values are exact decimals kept as strings ("0.765", never 76.5).
 */
export interface PolicyParameters {
  adjustmentReserveRate: string; // 调剂金 share of F
  communityBaseShareRate: string; // 医共体 base share of B
  increasePoolRate: string; // 医共体预算增加资金 pool share of B
  privatePoolRate: string; // 民营定点 share of B
  primaryFloorRate: string; // 基层医疗机构 floor of M
  memberCutoffDay: string; // member claims due by this day of the next month
  declarationDay: string; // lead declares by this day of the next month (每月5日前)
  passDownWorkingDays: string; // 5 working days
  bureauPaymentWorkingDays: string; // 20 working days after the declaration deadline
  qualityDepositRate: string; // 质量保证金 withheld from community disbursements (default off)
  privateQualityDepositRate: string;
  quarterlyAdvanceRate: string; // 按季度预拨: share of M/4 advanced at each quarter start (0 = monthly mode)
  burnWatch: string;
  burnWarning: string;
  burnAlarm: string;
  paymentCapacityWarningMonths: string; // 可支付月数
  surplusPrimaryWeight: string; // 结余留用: primary units' consumption weighted ×1.5 in the default proposal
  attributeOutOfCountyToLead: string; // 1: out-of-county spending counts as the lead unit's consumption at year end; 0: shared through O
  reapportionFloorShortfall: string; // 1: an overspent year moves primary units' shares to the others until the floor is met; 0: report the violation
  privateSurplusRewardRate: string; // private institution within budget: share of the unspent budget paid as a reward
  privateOverspendShareRate: string; // private institution over budget: share of the overspend the bureau bears …
  privateOverspendLimitRate: string; // … within this share of the budget
  applySampleExtrapolation: string; // 1: a sample's rejection rate is applied to the claim's unsampled records as a deduction (外推扣款); 0: shown only
}

export type PolicyParameterName = keyof PolicyParameters;

/** Defaults of SPEC §3–§6; the primary floor is 20% up to 2020 and 25% from 2021 (seed 002). */
export function defaultPolicyParameters(fundYear: number): PolicyParameters {
  return {
    adjustmentReserveRate: formatRate(DEFAULT_ALLOCATION_RATES.adjustmentReserveRate),
    communityBaseShareRate: formatRate(DEFAULT_ALLOCATION_RATES.communityBaseShareRate),
    increasePoolRate: formatRate(DEFAULT_ALLOCATION_RATES.increasePoolRate),
    privatePoolRate: formatRate(DEFAULT_ALLOCATION_RATES.privatePoolRate),
    primaryFloorRate: formatRate(defaultPrimaryFloorRate(fundYear)),
    memberCutoffDay: '3',
    declarationDay: '5',
    passDownWorkingDays: '5',
    bureauPaymentWorkingDays: '20',
    qualityDepositRate: '0',
    privateQualityDepositRate: '0.05',
    quarterlyAdvanceRate: '0',
    burnWatch: '1.05',
    burnWarning: '1.10',
    burnAlarm: '1.20',
    paymentCapacityWarningMonths: '3',
    surplusPrimaryWeight: DEFAULT_SURPLUS_PRIMARY_WEIGHT.toString(),
    attributeOutOfCountyToLead: '0',
    reapportionFloorShortfall: '0',
    privateSurplusRewardRate: '0.5',
    privateOverspendShareRate: '0.5',
    privateOverspendLimitRate: '0.10',
    applySampleExtrapolation: '0',
  };
}

const RATES: PolicyParameterName[] = [
  'adjustmentReserveRate',
  'communityBaseShareRate',
  'increasePoolRate',
  'privatePoolRate',
  'primaryFloorRate',
  'qualityDepositRate',
  'privateQualityDepositRate',
  'quarterlyAdvanceRate',
  'privateSurplusRewardRate',
  'privateOverspendShareRate',
  'privateOverspendLimitRate',
];
const DAYS: PolicyParameterName[] = ['memberCutoffDay', 'declarationDay'];
const COUNTS: PolicyParameterName[] = ['passDownWorkingDays', 'bureauPaymentWorkingDays'];
const RATIOS: PolicyParameterName[] = ['burnWatch', 'burnWarning', 'burnAlarm', 'paymentCapacityWarningMonths', 'surplusPrimaryWeight'];
export const POLICY_PARAMETER_NAMES = Object.keys(defaultPolicyParameters(2021)) as PolicyParameterName[];

function decimal(value: string): Dec | null {
  if (!/^\d{1,6}(\.\d{1,6})?$/.test(value)) return null;
  return new Dec(value);
}

/** Checks every value and the relations between them; throws one error listing every problem. */
export function validatePolicyParameters(p: PolicyParameters): PolicyParameters {
  const errors: ErrorDetail[] = [];
  const value = (name: PolicyParameterName) => decimal(p[name]);
  for (const name of POLICY_PARAMETER_NAMES) {
    const v = value(name);
    if (v === null) {
      errors.push({ field: name, rule: 'decimal', message: `${name} must be a non-negative decimal with at most 6 places` });
      continue;
    }
    if (RATES.includes(name) && v.gt(1)) errors.push({ field: name, rule: 'rate', message: `${name} is a rate between 0 and 1` });
    if (DAYS.includes(name) && (!v.isInteger() || v.lt(1) || v.gt(28)))
      errors.push({ field: name, rule: 'dayOfMonth', message: `${name} must be a day from 1 to 28` });
    if (COUNTS.includes(name) && (!v.isInteger() || v.lt(1) || v.gt(60)))
      errors.push({ field: name, rule: 'workingDays', message: `${name} must be 1 to 60 working days` });
    if (RATIOS.includes(name) && v.isZero()) errors.push({ field: name, rule: 'positive', message: `${name} must be positive` });
    if (name === 'surplusPrimaryWeight' && v.lt(1))
      errors.push({
        field: name,
        rule: 'atLeastOne',
        message: 'the surplus proposal must tilt towards primary institutions: weight at least 1',
      });
    if (
      (name === 'attributeOutOfCountyToLead' || name === 'reapportionFloorShortfall' || name === 'applySampleExtrapolation') &&
      !v.eq(0) &&
      !v.eq(1)
    )
      errors.push({ field: name, rule: 'zeroOrOne', message: `${name} is 1 (the lead unit's) or 0 (shared)` });
  }
  if (errors.length === 0) {
    const shares = value('communityBaseShareRate')!.plus(value('increasePoolRate')!).plus(value('privatePoolRate')!);
    if (!shares.eq(1))
      errors.push({
        field: 'communityBaseShareRate',
        rule: 'sharesSumToOne',
        message: `the three shares of the net base must sum to 1, not ${shares.toString()}`,
      });
    if (!(value('burnWatch')!.lt(value('burnWarning')!) && value('burnWarning')!.lt(value('burnAlarm')!))) {
      errors.push({ field: 'burnWarning', rule: 'ascending', message: 'burn thresholds must rise: watch < warning < alarm' });
    }
    if (value('memberCutoffDay')!.gt(value('declarationDay')!)) {
      errors.push({
        field: 'memberCutoffDay',
        rule: 'beforeDeclaration',
        message: 'the member cut-off cannot fall after the declaration day',
      });
    }
  }
  if (errors.length) throw new DomainError('POLICY_PARAMETERS_INVALID', 'unprocessable', errors.map((e) => e.message).join('; '), errors);
  return p;
}

/**
 * A new fund year starts from the previous year's parameters (names added since then take
 * their defaults). The primary-care floor rises from 20% (2020) to 25% (2021 on): a carried
 * floor is never lower than the new year's default.
 */
export function carryForwardParameters(previous: Partial<PolicyParameters>, fundYear: number): PolicyParameters {
  const defaults = defaultPolicyParameters(fundYear);
  const carried: PolicyParameters = { ...defaults, ...previous };
  if (new Dec(carried.primaryFloorRate).lt(defaults.primaryFloorRate)) carried.primaryFloorRate = defaults.primaryFloorRate;
  return carried;
}

/**
 * The parameters as the policy code reads them: rates and thresholds as decimals, days as
 * whole numbers, switches as booleans. Parsed once where the parameters are loaded; nothing
 * downstream compares strings such as `'1'`.
 */
export interface PolicyTerms {
  adjustmentReserveRate: Dec;
  communityBaseShareRate: Dec;
  increasePoolRate: Dec;
  privatePoolRate: Dec;
  primaryFloorRate: Dec;
  memberCutoffDay: number;
  declarationDay: number;
  passDownWorkingDays: number;
  bureauPaymentWorkingDays: number;
  qualityDepositRate: Dec;
  privateQualityDepositRate: Dec;
  quarterlyAdvanceRate: Dec;
  burnWatch: Dec;
  burnWarning: Dec;
  burnAlarm: Dec;
  paymentCapacityWarningMonths: Dec;
  surplusPrimaryWeight: Dec;
  attributeOutOfCountyToLead: boolean;
  reapportionFloorShortfall: boolean;
  privateSurplusRewardRate: Dec;
  privateOverspendShareRate: Dec;
  privateOverspendLimitRate: Dec;
  /** A sample's extrapolated deduction is applied (on) or only shown (off, the default). */
  applySampleExtrapolation: boolean;
}

/** Parses stored (validated) parameters into typed terms. */
export function policyTerms(p: PolicyParameters): PolicyTerms {
  const d = (name: PolicyParameterName) => new Dec(p[name]);
  const n = (name: PolicyParameterName) => Number.parseInt(p[name], 10);
  const flag = (name: PolicyParameterName) => new Dec(p[name]).eq(1);
  return {
    adjustmentReserveRate: d('adjustmentReserveRate'),
    communityBaseShareRate: d('communityBaseShareRate'),
    increasePoolRate: d('increasePoolRate'),
    privatePoolRate: d('privatePoolRate'),
    primaryFloorRate: d('primaryFloorRate'),
    memberCutoffDay: n('memberCutoffDay'),
    declarationDay: n('declarationDay'),
    passDownWorkingDays: n('passDownWorkingDays'),
    bureauPaymentWorkingDays: n('bureauPaymentWorkingDays'),
    qualityDepositRate: d('qualityDepositRate'),
    privateQualityDepositRate: d('privateQualityDepositRate'),
    quarterlyAdvanceRate: d('quarterlyAdvanceRate'),
    burnWatch: d('burnWatch'),
    burnWarning: d('burnWarning'),
    burnAlarm: d('burnAlarm'),
    paymentCapacityWarningMonths: d('paymentCapacityWarningMonths'),
    surplusPrimaryWeight: d('surplusPrimaryWeight'),
    attributeOutOfCountyToLead: flag('attributeOutOfCountyToLead'),
    reapportionFloorShortfall: flag('reapportionFloorShortfall'),
    privateSurplusRewardRate: d('privateSurplusRewardRate'),
    privateOverspendShareRate: d('privateOverspendShareRate'),
    privateOverspendLimitRate: d('privateOverspendLimitRate'),
    applySampleExtrapolation: flag('applySampleExtrapolation'),
  };
}
