import { expenditureToDate, primaryShareToDate, projectedPrimaryShare } from './consumption';
import { DomainError, ErrorDetail } from './domain-error';
import { Dec, Money } from './money';
import { Rate, toRate } from './rate';

/**
 * Monthly monitoring (月监测, SPEC §6): how fast a community burns its package, where the year
 * is heading, how much reaches primary care, and how many months the county fund can pay.
 */
export type BurnLevel = 'NORMAL' | 'WATCH' | 'WARNING' | 'ALARM';

export interface BurnThresholds {
  watch: Rate; // default 1.05
  warning: Rate; // default 1.10
  alarm: Rate; // default 1.20
}

export interface BurnInputs {
  communityPackage: Money; // M
  /** Months of the fund year covered by the readings, 1 to 12. */
  elapsedMonths: number;
  /** Bureau-approved claims of the member units so far. */
  memberApproved: Money;
  /** Of which approved for township health centres and village clinics. */
  primaryApproved: Money;
  /** Out-of-county (县外) settlements imported so far. */
  outOfCounty: Money;
  thresholds: BurnThresholds;
  primaryFloorRate: Rate;
}

export interface BurnReading {
  expenditure: Money; // member approved + out-of-county
  budgetToDate: Money; // M × elapsed ÷ 12, half up
  /** expenditure ÷ (M × elapsed ÷ 12), four decimals, half up. */
  burnRatio: string;
  level: BurnLevel;
  projectedExpenditure: Money; // expenditure × 12 ÷ elapsed, half up
  projectedOverspend: Money; // projected − M, zero when within M
  /** Primary approved ÷ expenditure to date (SPEC §13), four decimals. */
  primaryShareToDate: string;
  /** Projected primary funds (primary × 12 ÷ elapsed) ÷ M, four decimals. */
  projectedPrimaryShare: string;
  primaryFloorRate: string;
  /** The projected primary share falls short of the floor. */
  primaryBelowFloor: boolean;
}

const RATIO_PLACES = 4;

/** Burn ratio, projection and primary share after an approval (SPEC §6). */
export function readBurn(inputs: BurnInputs): BurnReading {
  checkMonths(inputs.elapsedMonths);
  const errors: ErrorDetail[] = [];
  if (!inputs.communityPackage.isPositive())
    errors.push({ field: 'communityPackage', rule: 'positive', message: `M must be positive, not ${inputs.communityPackage}` });
  for (const field of ['memberApproved', 'primaryApproved', 'outOfCounty'] as const) {
    if (inputs[field].isNegative()) errors.push({ field, rule: 'nonNegative', message: `${field} cannot be negative (${inputs[field]})` });
  }
  if (inputs.primaryApproved.gt(inputs.memberApproved))
    errors.push({ field: 'primaryApproved', rule: 'withinMembers', message: 'primary approved cannot exceed member approved' });
  if (errors.length) throw new DomainError('MONITORING_INPUT_INVALID', 'unprocessable', errors.map((e) => e.message).join('; '), errors);
  const watch = toRate(inputs.thresholds.watch, 'burnWatch', '100');
  const warning = toRate(inputs.thresholds.warning, 'burnWarning', '100');
  const alarm = toRate(inputs.thresholds.alarm, 'burnAlarm', '100');
  const floor = toRate(inputs.primaryFloorRate, 'primaryFloorRate');

  const m = inputs.communityPackage.toDecimal();
  const share = new Dec(inputs.elapsedMonths).dividedBy(12);
  const expenditure = expenditureToDate(inputs);
  const exactBudget = m.times(share);
  const ratio = expenditure.toDecimal().dividedBy(exactBudget);
  const level: BurnLevel = ratio.gte(alarm) ? 'ALARM' : ratio.gte(warning) ? 'WARNING' : ratio.gte(watch) ? 'WATCH' : 'NORMAL';
  const projectedExpenditure = Money.roundHalfUp(expenditure.toDecimal().dividedBy(share));
  const over = projectedExpenditure.minus(inputs.communityPackage);
  const projectedPrimary = projectedPrimaryShare(inputs.primaryApproved, inputs.elapsedMonths, inputs.communityPackage);
  return {
    expenditure,
    budgetToDate: Money.roundHalfUp(exactBudget),
    burnRatio: ratio.toFixed(RATIO_PLACES),
    level,
    projectedExpenditure,
    projectedOverspend: over.isPositive() ? over : Money.ZERO,
    primaryShareToDate: primaryShareToDate(inputs.primaryApproved, expenditure).toFixed(RATIO_PLACES),
    projectedPrimaryShare: projectedPrimary.toFixed(RATIO_PLACES),
    primaryFloorRate: floor.toString(),
    primaryBelowFloor: projectedPrimary.lt(floor),
  };
}

export interface PaymentCapacityInputs {
  /** Accumulated balance of the county fund (累计结余). */
  fundBalance: Money;
  /** The county fund's expenditure over the elapsed months. */
  expenditureToDate: Money;
  elapsedMonths: number;
  warningMonths: Rate; // default 3
}

export interface PaymentCapacity {
  averageMonthlyExpenditure: Money;
  /** Balance ÷ average monthly expenditure, two decimals; null when nothing has been spent. */
  months: string | null;
  warning: boolean;
  /**
   * Resident premiums are collected mostly in the fourth quarter (集中征缴), so a reading taken
   * before October understates the year's capacity: shown, flagged, and read with that in mind.
   */
  seasonal: boolean;
}

/** 可支付月数 of the county fund (SPEC §6): accumulated balance ÷ average monthly expenditure. */
export function paymentCapacity(inputs: PaymentCapacityInputs): PaymentCapacity {
  checkMonths(inputs.elapsedMonths);
  if (inputs.expenditureToDate.isNegative()) {
    throw new DomainError('MONITORING_INPUT_INVALID', 'unprocessable', 'expenditure cannot be negative', [
      { field: 'expenditureToDate', rule: 'nonNegative', message: inputs.expenditureToDate.toString() },
    ]);
  }
  const threshold = toRate(inputs.warningMonths, 'paymentCapacityWarningMonths', '1000');
  const average = inputs.expenditureToDate.toDecimal().dividedBy(inputs.elapsedMonths);
  const seasonal = inputs.elapsedMonths < 10;
  if (average.isZero()) return { averageMonthlyExpenditure: Money.ZERO, months: null, warning: false, seasonal };
  const months = inputs.fundBalance.toDecimal().dividedBy(average);
  return { averageMonthlyExpenditure: Money.roundHalfUp(average), months: months.toFixed(2), warning: months.lt(threshold), seasonal };
}

function checkMonths(elapsedMonths: number): void {
  if (!Number.isInteger(elapsedMonths) || elapsedMonths < 1 || elapsedMonths > 12) {
    throw new DomainError('MONITORING_INPUT_INVALID', 'unprocessable', `elapsed months must be 1 to 12, not ${elapsedMonths}`, [
      { field: 'elapsedMonths', rule: 'monthOfYear', message: String(elapsedMonths) },
    ]);
  }
}
