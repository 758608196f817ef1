import { DomainError, ErrorDetail } from './domain-error';
import { compareCodes } from './largest-remainder';
import { Dec, Money } from './money';
import { formatRate, Rate, toRate } from './rate';

/**
 * Seed for the primary-care floor (基层医疗机构资金占比) of a new parameter set: 20% up to
 * 2020, 25% from 2021 (seed 002: "2020年…不低于20%，到2021年…不低于25%"). The floor in force is
 * the one stored for the county and year.
 */
export function defaultPrimaryFloorRate(fundYear: number): Dec {
  if (!Number.isInteger(fundYear))
    throw new DomainError('FUND_YEAR_INVALID', 'unprocessable', `fund year ${fundYear} is not a year`, [
      { field: 'fundYear', rule: 'integer', message: String(fundYear) },
    ]);
  return new Dec(fundYear <= 2020 ? '0.20' : '0.25');
}

export interface PrimaryFloorCheck {
  floorRate: string;
  required: Money; // floor × M, half up
  shortfall: Money; // ≥ 0
  met: boolean;
}

/** Primary funds must reach floor × M, rounded half up to the fen. */
export function primaryFloorShortfall(communityPackage: Money, plannedPrimary: Money, floorRate: Rate): PrimaryFloorCheck {
  const rate = toRate(floorRate, 'primaryFloorRate');
  const required = Money.roundHalfUp(communityPackage.times(rate));
  const gap = required.minus(plannedPrimary);
  return {
    floorRate: typeof floorRate === 'string' ? floorRate : formatRate(rate),
    required,
    shortfall: gap.isPositive() ? gap : Money.ZERO,
    met: !gap.isPositive(),
  };
}

/** Plan categories of SPEC §3.1: 县外异地, 门诊, 住院, 慢特病门诊. */
export const PLAN_CATEGORIES = ['OUT_OF_COUNTY', 'OUTPATIENT', 'INPATIENT', 'CHRONIC_SPECIAL'] as const;
export type PlanCategory = (typeof PLAN_CATEGORIES)[number];

export interface PlanLine {
  category: PlanCategory;
  /** Member unit the funds are planned for; none for out-of-county spending (县外异地). */
  institutionCode: string | null;
  /** A township health centre or village clinic (基层医疗机构). */
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
  byCategory: Record<PlanCategory, Money>;
  /** Funds per member unit, in code order; out-of-county lines have no unit and are not here. */
  byUnit: { institutionCode: string; primary: boolean; amount: Money }[];
  floor: PrimaryFloorCheck;
  warnings: PlanWarning[];
}

/**
 * SPEC §3.1 (基金收支预算): the plan totals M exactly; planned primary funds reach the floor,
 * or the plan is refused naming floor, required amount and shortfall; primary funds below
 * last year's actual are a warning only (原则上高于上年水平).
 */
export function checkCommunityBudgetPlan(
  lines: readonly PlanLine[],
  communityPackage: Money,
  floorRate: Rate,
  lastYearPrimaryActual: Money | null,
): PlanCheck {
  checkLines(lines);
  const total = Money.sum(lines.map((l) => l.amount));
  if (!total.eq(communityPackage)) {
    const diff = communityPackage.minus(total);
    throw new DomainError(
      'PLAN_TOTAL_MISMATCH',
      'unprocessable',
      `the plan totals ${total} but the community package M is ${communityPackage} (${diff.isNegative() ? 'over' : 'short'} by ${diff.isNegative() ? diff.negated() : diff})`,
      [{ field: 'lines', rule: 'sumEqualsPackage', message: `lines sum to ${total}, M is ${communityPackage}` }],
    );
  }
  const primaryTotal = Money.sum(lines.filter((l) => l.primary).map((l) => l.amount));
  const floor = primaryFloorShortfall(communityPackage, primaryTotal, floorRate);
  if (!floor.met) {
    throw new DomainError(
      'PRIMARY_FLOOR_NOT_MET',
      'unprocessable',
      `primary institutions are planned ${primaryTotal}; the floor of ${floor.floorRate} × M requires ${floor.required}, short by ${floor.shortfall}`,
      [
        {
          field: 'lines',
          rule: 'primaryFloor',
          message: `floor ${floor.floorRate}, required ${floor.required}, planned ${primaryTotal}, shortfall ${floor.shortfall}`,
        },
      ],
    );
  }
  const warnings: PlanWarning[] = [];
  if (lastYearPrimaryActual && primaryTotal.lt(lastYearPrimaryActual)) {
    warnings.push({
      code: 'PRIMARY_BELOW_LAST_YEAR',
      message: `planned primary funds ${primaryTotal} are below last year's actual ${lastYearPrimaryActual}`,
    });
  }
  return { total, primaryTotal, byCategory: totalsByCategory(lines), byUnit: totalsByUnit(lines), floor, warnings };
}

export interface PlanPreview {
  total: Money;
  /** M − total: zero when the plan totals M (positive: still to plan; negative: planned over M). */
  unplanned: Money;
  primaryTotal: Money;
  /** Planned primary funds ÷ M, four decimals. */
  primaryShare: string;
  floor: PrimaryFloorCheck;
  byCategory: Record<PlanCategory, Money>;
  warnings: PlanWarning[];
}

/**
 * The figures a plan would have, without refusing it (the editor's live floor meter): the same
 * totals, floor and warnings as checkCommunityBudgetPlan, where a plan that misses M or the floor
 * is reported rather than refused. Malformed lines are still refused.
 */
export function previewCommunityBudgetPlan(
  lines: readonly PlanLine[],
  communityPackage: Money,
  floorRate: Rate,
  lastYearPrimaryActual: Money | null,
): PlanPreview {
  checkLines(lines);
  const primaryTotal = Money.sum(lines.filter((l) => l.primary).map((l) => l.amount));
  const floor = primaryFloorShortfall(communityPackage, primaryTotal, floorRate);
  const { total, byCategory, primaryShare } = planFigures(lines, communityPackage, primaryTotal, floor.required);
  const warnings: PlanWarning[] = [];
  if (lastYearPrimaryActual && primaryTotal.lt(lastYearPrimaryActual)) {
    warnings.push({
      code: 'PRIMARY_BELOW_LAST_YEAR',
      message: `planned primary funds ${primaryTotal} are below last year's actual ${lastYearPrimaryActual}`,
    });
  }
  return { total, unplanned: communityPackage.minus(total), primaryTotal, primaryShare, floor, byCategory, warnings };
}

function checkLines(lines: readonly PlanLine[]): void {
  const errors: ErrorDetail[] = [];
  lines.forEach((l, i) => {
    if (!(PLAN_CATEGORIES as readonly string[]).includes(l.category))
      errors.push({
        field: `lines.${i}.category`,
        rule: 'planCategory',
        message: `${l.category} is not one of ${PLAN_CATEGORIES.join(', ')}`,
      });
    if (l.amount.isNegative())
      errors.push({ field: `lines.${i}.amount`, rule: 'nonNegative', message: `a planned amount cannot be negative (${l.amount})` });
    if (l.category === 'OUT_OF_COUNTY' && (l.primary || l.institutionCode !== null))
      errors.push({
        field: `lines.${i}.institutionCode`,
        rule: 'noUnitForOutOfCounty',
        message: 'out-of-county funds are not planned for a member unit',
      });
    if (l.category !== 'OUT_OF_COUNTY' && !l.institutionCode)
      errors.push({ field: `lines.${i}.institutionCode`, rule: 'required', message: `${l.category} funds are planned for a member unit` });
  });
  const primaryOf = new Map<string, boolean>();
  lines.forEach((l, i) => {
    if (!l.institutionCode) return;
    const seen = primaryOf.get(l.institutionCode);
    if (seen !== undefined && seen !== l.primary)
      errors.push({
        field: `lines.${i}.primary`,
        rule: 'consistentUnit',
        message: `${l.institutionCode} is marked primary on one line and not on another`,
      });
    primaryOf.set(l.institutionCode, l.primary);
  });
  if (errors.length) throw new DomainError('PLAN_INVALID', 'unprocessable', errors.map((e) => e.message).join('; '), errors);
}

function totalsByCategory(lines: readonly PlanLine[]): Record<PlanCategory, Money> {
  const totals = Object.fromEntries(PLAN_CATEGORIES.map((c) => [c, Money.ZERO])) as Record<PlanCategory, Money>;
  for (const l of lines) totals[l.category] = totals[l.category].plus(l.amount);
  return totals;
}

function totalsByUnit(lines: readonly PlanLine[]): PlanCheck['byUnit'] {
  const units = new Map<string, { institutionCode: string; primary: boolean; amount: Money }>();
  for (const l of lines) {
    if (!l.institutionCode) continue;
    const u = units.get(l.institutionCode) ?? { institutionCode: l.institutionCode, primary: l.primary, amount: Money.ZERO };
    units.set(l.institutionCode, { ...u, amount: u.amount.plus(l.amount) });
  }
  return [...units.values()].sort((a, b) => compareCodes(a.institutionCode, b.institutionCode));
}

/** A plan is drafted for an existing, active medical community (COMMUNITY_NOT_FOUND otherwise). */
export function assertPlanCommunity<T>(communityCode: string, community: T | null): T {
  if (!community)
    throw new DomainError('COMMUNITY_NOT_FOUND', 'unprocessable', `medical community ${communityCode} does not exist`, [
      { field: 'communityCode', rule: 'exists', message: communityCode },
    ]);
  return community;
}

/** The plan divides the package M of the approved allocation, so one must be in force and give the community a package. */
export function assertPlanFunded<A extends { id: number }>(
  fundYear: number,
  communityCode: string,
  allocation: A | null,
  packageOf: (allocation: A) => Money | null,
): { allocation: A; communityPackage: Money } {
  if (!allocation)
    throw new DomainError(
      'NO_APPROVED_ALLOCATION',
      'unprocessable',
      `there is no approved allocation for ${fundYear} yet: the plan divides its package M`,
      [{ field: 'fundYear', rule: 'allocationApproved', message: String(fundYear) }],
    );
  const communityPackage = packageOf(allocation);
  if (!communityPackage)
    throw new DomainError('NO_PACKAGE', 'unprocessable', `allocation ${allocation.id} gives community ${communityCode} no package`);
  return { allocation, communityPackage };
}

/** Only a draft plan (new, or returned by the bureau) has its lines changed; a submitted or approved one is refused. */
export function assertPlanEditable(id: number, state: string): void {
  if (state !== 'DRAFT')
    throw new DomainError(
      'DOCUMENT_NOT_EDITABLE',
      'conflict',
      `budget plan ${id} is ${state}; only a draft can change (draft a new version instead)`,
      [{ field: 'state', rule: 'draftOnly', message: state }],
    );
}

/** One open plan per community and year: a new version waits until the last one is returned or approved. */
export function assertNoOpenPlan(fundYear: number, latest: { id: number; state: string } | null): void {
  if (latest && (latest.state === 'DRAFT' || latest.state === 'SUBMITTED')) {
    throw new DomainError(
      'PLAN_OPEN',
      'conflict',
      `plan ${latest.id} for ${fundYear} is still ${latest.state}: return or approve it first`,
      [{ field: 'fundYear', rule: 'oneOpenPlan', message: String(latest.id) }],
    );
  }
}

/** A plan line as requested: a category, the member unit (none for out-of-county), an amount. */
export interface RequestedPlanLine {
  category: PlanCategory;
  institutionCode?: string | null;
  amount: string;
}

/** What the plan rules know of a member unit named on a line. */
export interface PlanMember {
  id: number;
  communityId: number | null;
  active: boolean;
  /** A township health centre or village clinic. */
  primary: boolean;
}

/**
 * Resolves the plan's lines against the community's members: out-of-county funds name no unit;
 * every other line names an active member of this community. PLAN_INVALID lists every bad line.
 */
export function resolvePlanLines(
  lines: readonly RequestedPlanLine[],
  members: ReadonlyMap<string, PlanMember>,
  communityId: number,
): (PlanLine & { institutionId: number | null })[] {
  const errors: ErrorDetail[] = [];
  const resolved = lines.map((l, i) => {
    const field = `lines.${i}.institutionCode`;
    if (l.category === 'OUT_OF_COUNTY') {
      if (l.institutionCode)
        errors.push({ field, rule: 'noUnitForOutOfCounty', message: 'out-of-county funds are not planned for a member unit' });
      return { category: l.category, institutionCode: null, institutionId: null, primary: false, amount: Money.of(l.amount) };
    }
    const m = l.institutionCode ? members.get(l.institutionCode) : undefined;
    if (!l.institutionCode) errors.push({ field, rule: 'required', message: `${l.category} funds are planned for a member unit` });
    else if (!m || !m.active || m.communityId !== communityId)
      errors.push({ field, rule: 'memberOfCommunity', message: `${l.institutionCode} is not an active member of this community` });
    return {
      category: l.category,
      institutionCode: l.institutionCode ?? null,
      institutionId: m?.id ?? null,
      primary: m ? m.primary : false,
      amount: Money.of(l.amount),
    };
  });
  if (errors.length) throw new DomainError('PLAN_INVALID', 'unprocessable', errors.map((e) => e.message).join('; '), errors);
  return resolved;
}

/** The figures a stored plan shows: totals by category, the primary share of M, and whether the floor is met. */
export function planFigures(
  lines: readonly { category: PlanCategory; amount: Money }[],
  communityPackage: Money,
  primaryTotal: Money,
  floorRequired: Money,
): { total: Money; byCategory: Record<PlanCategory, Money>; primaryShare: string; floorMet: boolean } {
  const byCategory: Record<PlanCategory, Money> = {
    OUT_OF_COUNTY: Money.ZERO,
    OUTPATIENT: Money.ZERO,
    INPATIENT: Money.ZERO,
    CHRONIC_SPECIAL: Money.ZERO,
  };
  for (const l of lines) byCategory[l.category] = byCategory[l.category].plus(l.amount);
  return {
    total: Money.sum(lines.map((l) => l.amount)),
    byCategory,
    primaryShare: communityPackage.isZero() ? '0.0000' : primaryTotal.toDecimal().dividedBy(communityPackage.toDecimal()).toFixed(4),
    floorMet: primaryTotal.gte(floorRequired),
  };
}
