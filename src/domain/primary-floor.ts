import { DomainError } from './domain-error';
import { Money } from './money';

export interface PrimaryFloorCheck {
  floorRate: string;
  required: Money;
  shortfall: Money;
  met: boolean;
}

/** 基层医疗机构资金占比: primary funds must reach floor × M (20% in 2020, 25% from 2021 by default). */
export function primaryFloorShortfall(communityPackage: Money, primaryFunds: Money, floorRate: string): PrimaryFloorCheck {
  const required = Money.roundHalfUp(communityPackage.times(floorRate));
  const gap = required.minus(primaryFunds);
  return { floorRate, required, shortfall: gap.isPositive() ? gap : Money.ZERO, met: !gap.isPositive() };
}

/** Plan categories of SPEC §3.1. */
export const PLAN_CATEGORIES = ['OUT_OF_COUNTY', 'OUTPATIENT', 'INPATIENT', 'CHRONIC_SPECIAL'] as const;
export type PlanCategory = (typeof PLAN_CATEGORIES)[number];

export interface PlanLine {
  category: PlanCategory;
  /** Member unit the funds are planned for; none for out-of-county spending (县外异地). */
  institutionCode: string | null;
  primary: boolean;
  amount: Money;
}

export interface PlanWarning {
  code: 'PRIMARY_BELOW_LAST_YEAR';
  message: string;
}

export interface PlanCheck {
  total: Money;
  primaryTotal: Money;
  floor: PrimaryFloorCheck;
  warnings: PlanWarning[];
}

/**
 * SPEC §3.1: the plan total equals M exactly; planned primary funds reach the floor
 * (rejection naming floor, required amount and shortfall); below last year's actual primary
 * funds is a warning only (原则上高于上年水平).
 */
export function checkCommunityBudgetPlan(lines: readonly PlanLine[], communityPackage: Money, floorRate: string, lastYearPrimaryActual: Money | null): PlanCheck {
  const total = Money.sum(lines.map((l) => l.amount));
  if (!total.eq(communityPackage)) {
    const diff = communityPackage.minus(total);
    throw new DomainError('PLAN_TOTAL_MISMATCH', 'unprocessable', `the plan totals ${total} but the community package M is ${communityPackage} (${diff.isNegative() ? 'over' : 'short'} by ${diff.isNegative() ? diff.negated() : diff})`, [
      { field: 'lines', rule: 'sumEqualsPackage', message: `lines sum to ${total}, M is ${communityPackage}` },
    ]);
  }
  const primaryTotal = Money.sum(lines.filter((l) => l.primary).map((l) => l.amount));
  const floor = primaryFloorShortfall(communityPackage, primaryTotal, floorRate);
  if (!floor.met) {
    throw new DomainError(
      'PRIMARY_FLOOR_NOT_MET',
      'unprocessable',
      `primary institutions are planned ${primaryTotal}; the floor of ${floorRate} × M requires ${floor.required}, short by ${floor.shortfall}`,
      [{ field: 'lines', rule: 'primaryFloor', message: `floor ${floorRate}, required ${floor.required}, planned ${primaryTotal}, shortfall ${floor.shortfall}` }],
    );
  }
  const warnings: PlanWarning[] = [];
  if (lastYearPrimaryActual && primaryTotal.lt(lastYearPrimaryActual)) {
    warnings.push({ code: 'PRIMARY_BELOW_LAST_YEAR', message: `planned primary funds ${primaryTotal} are below last year's actual ${lastYearPrimaryActual}` });
  }
  return { total, primaryTotal, floor, warnings };
}
