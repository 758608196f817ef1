import { DomainError, ErrorDetail } from './domain-error';
import { InstitutionType, isPrimaryInstitution } from './institution-registry';
import { Dec, Money } from './money';
import { VisitType } from './settlement-record';
import { projectedPrimaryShare } from './consumption';

/**
 * Performance assessment of a medical community (绩效考核, SPEC §8, seed 002 §5, §22): seven
 * indicators per fund year, computed from approved settlement records and out-of-county
 * settlements, with values the bureau enters where records cannot give them, compared with the
 * previous year and weighted into a score of 0–100 that decides the release of the quality
 * deposit at year end. Weights and targets are stored per county and year, edited by the bureau.
 */

export const INDICATORS = [
  'inCountyInpatientRate', // 县域内住院率
  'outOfCountyInpatientCount', // 县外住院人次
  'outsideTownshipInpatientCount', // 参保地乡镇外住院人次
  'inpatientCompensationRatio', // 住院实际补偿比
  'clinicalPathwayRate', // 临床路径执行率
  'outOfCountyReferralRate', // 县外规范转诊率
  'primaryShare', // 基层医疗机构基金占比
] as const;
export type IndicatorName = (typeof INDICATORS)[number];

export const INDICATOR_LABELS: Record<IndicatorName, string> = {
  inCountyInpatientRate: '县域内住院率',
  outOfCountyInpatientCount: '县外住院人次',
  outsideTownshipInpatientCount: '乡镇外住院人次',
  inpatientCompensationRatio: '住院实际补偿比',
  clinicalPathwayRate: '临床路径执行率',
  outOfCountyReferralRate: '县外转诊率',
  primaryShare: '基层医疗机构基金占比',
};

/**
 * How an indicator meets its target: a rate at or above a target (the in-county rate, pathway,
 * referral, primary share against the floor, compensation against the prefecture average), or a
 * count that falls year on year.
 */
export type IndicatorRule = 'atLeastTarget' | 'fallsYearOnYear';
export const INDICATOR_RULES: Record<IndicatorName, IndicatorRule> = {
  inCountyInpatientRate: 'atLeastTarget',
  outOfCountyInpatientCount: 'fallsYearOnYear',
  outsideTownshipInpatientCount: 'fallsYearOnYear',
  inpatientCompensationRatio: 'atLeastTarget',
  clinicalPathwayRate: 'atLeastTarget',
  outOfCountyReferralRate: 'atLeastTarget',
  primaryShare: 'atLeastTarget',
};

// ---------------------------------------------------------------- the bureau's scheme

/** Points per indicator (two decimals at most), together exactly 100. */
export type AssessmentWeights = Record<IndicatorName, string>;

/**
 * Targets the bureau sets. The compensation ratio's target is the prefecture average the bureau
 * enters per community and year; the primary share's is the year's primary-care floor.
 */
export interface AssessmentTargets {
  inCountyInpatientRate: string; // SPEC §8: ≥ 90%
  clinicalPathwayRate: string;
  outOfCountyReferralRate: string;
}
export const TARGET_NAMES = [
  'inCountyInpatientRate',
  'clinicalPathwayRate',
  'outOfCountyReferralRate',
] as const satisfies readonly (keyof AssessmentTargets)[];

export interface AssessmentScheme {
  weights: AssessmentWeights;
  targets: AssessmentTargets;
}

/**
 * Defaults where SPEC gives no figure: weights leaning on the package's two aims (care stays in
 * the county, money reaches primary care); a clinical pathway target of 50%; every out-of-county
 * admission referred (打包付费 §五(四)), so that the referral points are weight × rate.
 */
export function defaultAssessmentScheme(): AssessmentScheme {
  return {
    weights: {
      inCountyInpatientRate: '20.00',
      outOfCountyInpatientCount: '15.00',
      outsideTownshipInpatientCount: '10.00',
      inpatientCompensationRatio: '15.00',
      clinicalPathwayRate: '10.00',
      outOfCountyReferralRate: '10.00',
      primaryShare: '20.00',
    },
    targets: { inCountyInpatientRate: '0.90', clinicalPathwayRate: '0.50', outOfCountyReferralRate: '1.00' },
  };
}

/** Points as text: 0 to 100 with at most two decimals. */
export const WEIGHT_TEXT = /^\d{1,3}(\.\d{1,2})?$/;
/** A share as text: 0 to 1 with at most four decimals. */
export const RATE_TEXT = /^\d(\.\d{1,4})?$/;

/** Checks every weight and target; weights must sum to exactly 100. Returns the canonical form. */
export function validateAssessmentScheme(scheme: AssessmentScheme): AssessmentScheme {
  const errors: ErrorDetail[] = [];
  const weights = {} as AssessmentWeights;
  let sum = new Dec(0);
  for (const name of INDICATORS) {
    const text = scheme.weights[name];
    if (typeof text !== 'string' || !WEIGHT_TEXT.test(text) || new Dec(text).gt(100)) {
      errors.push({
        field: `weights.${name}`,
        rule: 'weight',
        message: `weights.${name} must be points from 0 to 100 with at most two decimals, as text ("20.00")`,
      });
      continue;
    }
    weights[name] = new Dec(text).toFixed(2);
    sum = sum.plus(text);
  }
  const unknown = Object.keys(scheme.weights).filter((k) => !(INDICATORS as readonly string[]).includes(k));
  for (const k of unknown) errors.push({ field: `weights.${k}`, rule: 'unknownIndicator', message: `${k} is not an indicator` });
  if (errors.length === 0 && !sum.eq(100))
    errors.push({ field: 'weights', rule: 'sumTo100', message: `the weights must sum to 100, not ${sum.toFixed(2)}` });
  const targets = {} as AssessmentTargets;
  for (const name of TARGET_NAMES) {
    const text = scheme.targets[name];
    if (typeof text !== 'string' || !RATE_TEXT.test(text) || new Dec(text).gt(1)) {
      errors.push({
        field: `targets.${name}`,
        rule: 'rate',
        message: `targets.${name} must be a share from 0 to 1 with at most four decimals ("0.90")`,
      });
      continue;
    }
    targets[name] = formatShare(new Dec(text));
  }
  if (errors.length) throw new DomainError('ASSESSMENT_SCHEME_INVALID', 'unprocessable', errors.map((e) => e.message).join('; '), errors);
  return { weights, targets };
}

// ---------------------------------------------------------------- what records give

/** A member unit where care happened, as the township rule needs it. */
export interface CareUnit {
  code: string;
  name: string;
  type: InstitutionType;
  /** The township a village clinic hangs under; null otherwise. */
  parentCode: string | null;
}

/** Approved settlement records (accepted, not deducted) sharing one unit, visit type, insured township and pathway flag. */
export interface RecordGroup {
  unit: CareUnit;
  visitType: VisitType;
  insuredTownshipCode: string | null;
  clinicalPathway: boolean;
  records: number;
  fundPaid: Money;
  totalCost: Money;
}

/** Out-of-county settlements (县外), with or without an approved referral holding the stay (县外转诊). */
export interface OutOfCountyGroup {
  referred: boolean;
  settlements: number;
  fundPaid: Money;
  totalCost: Money;
}

/** The township a unit's care counts as given in: itself, a village clinic's township, none for county hospitals. */
export function careTownshipOf(unit: CareUnit): string | null {
  if (unit.type === 'TOWNSHIP_CENTER') return unit.code;
  if (unit.type === 'VILLAGE_CLINIC') return unit.parentCode;
  return null;
}

/** Care outside the patient's insured township (参保地乡镇外); unknown when the record names no township. */
export function isOutsideTownship(insuredTownshipCode: string | null, unit: CareUnit): boolean {
  return insuredTownshipCode !== null && insuredTownshipCode !== careTownshipOf(unit);
}

/** A fund year's figures behind the indicators. */
export interface YearFigures {
  /** Approved inpatient records of the member units. */
  inpatientRecords: number;
  /** In-county admissions: the inpatient records, or the count the bureau entered. */
  inCountyInpatients: number;
  /**
   * Out-of-county settlements carry no visit type. Each one is counted as an admission: the
   * bureau settles out-of-county inpatient care directly while most out-of-county outpatient
   * spending is not pooled; where that does not hold the bureau enters the count.
   */
  outOfCountyInpatients: number;
  outsideTownshipInpatients: number;
  inpatientFundPaid: Money;
  inpatientTotalCost: Money;
  clinicalPathwayInpatients: number;
  outOfCountySettlements: number;
  outOfCountyReferred: number;
  primaryApproved: Money;
  /** M of the community for the year; null without an approved allocation. */
  communityPackage: Money | null;
}

export function recordedFigures(
  groups: readonly RecordGroup[],
  outOfCounty: readonly OutOfCountyGroup[],
  communityPackage: Money | null,
): YearFigures {
  const f: YearFigures = {
    inpatientRecords: 0,
    inCountyInpatients: 0,
    outOfCountyInpatients: 0,
    outsideTownshipInpatients: 0,
    inpatientFundPaid: Money.ZERO,
    inpatientTotalCost: Money.ZERO,
    clinicalPathwayInpatients: 0,
    outOfCountySettlements: 0,
    outOfCountyReferred: 0,
    primaryApproved: Money.ZERO,
    communityPackage,
  };
  for (const g of groups) {
    if (isPrimaryInstitution(g.unit.type)) f.primaryApproved = f.primaryApproved.plus(g.fundPaid);
    if (g.visitType !== 'INPATIENT') continue;
    f.inpatientRecords += g.records;
    f.inpatientFundPaid = f.inpatientFundPaid.plus(g.fundPaid);
    f.inpatientTotalCost = f.inpatientTotalCost.plus(g.totalCost);
    if (g.clinicalPathway) f.clinicalPathwayInpatients += g.records;
    if (isOutsideTownship(g.insuredTownshipCode, g.unit)) f.outsideTownshipInpatients += g.records;
  }
  for (const g of outOfCounty) {
    f.outOfCountySettlements += g.settlements;
    if (g.referred) f.outOfCountyReferred += g.settlements;
  }
  f.inCountyInpatients = f.inpatientRecords;
  f.outOfCountyInpatients = f.outOfCountySettlements;
  return f;
}

// ---------------------------------------------------------------- what the bureau enters

/** Values the bureau enters per community and year; null = not entered (the records decide). */
export interface EnteredValues {
  /** 州平均住院实际补偿比: the compensation ratio's target. */
  prefectureCompensationRatio: string | null;
  inCountyInpatientCount: number | null;
  outOfCountyInpatientCount: number | null;
  outsideTownshipInpatientCount: number | null;
}
export const ENTERED_VALUE_NAMES = [
  'prefectureCompensationRatio',
  'inCountyInpatientCount',
  'outOfCountyInpatientCount',
  'outsideTownshipInpatientCount',
] as const satisfies readonly (keyof EnteredValues)[];
export const NO_ENTERED_VALUES: EnteredValues = {
  prefectureCompensationRatio: null,
  inCountyInpatientCount: null,
  outOfCountyInpatientCount: null,
  outsideTownshipInpatientCount: null,
};
const MAX_COUNT = 1_000_000_000;

export function validateEnteredValues(v: EnteredValues): EnteredValues {
  const errors: ErrorDetail[] = [];
  const ratio = v.prefectureCompensationRatio;
  if (ratio !== null && (typeof ratio !== 'string' || !RATE_TEXT.test(ratio) || new Dec(ratio).gt(1))) {
    errors.push({
      field: 'prefectureCompensationRatio',
      rule: 'rate',
      message: 'prefectureCompensationRatio must be a share from 0 to 1 with at most four decimals ("0.6500")',
    });
  }
  for (const name of ['inCountyInpatientCount', 'outOfCountyInpatientCount', 'outsideTownshipInpatientCount'] as const) {
    const n = v[name];
    if (n !== null && (!Number.isInteger(n) || n < 0 || n >= MAX_COUNT))
      errors.push({ field: name, rule: 'count', message: `${name} must be a whole number of admissions from 0` });
  }
  if (errors.length) throw new DomainError('ENTERED_VALUES_INVALID', 'unprocessable', errors.map((e) => e.message).join('; '), errors);
  return { ...v, prefectureCompensationRatio: ratio === null ? null : formatShare(new Dec(ratio)) };
}

/** The year's figures with the bureau's entered counts in place of the recorded ones. */
export function effectiveFigures(recorded: YearFigures, entered: EnteredValues): YearFigures {
  return {
    ...recorded,
    inCountyInpatients: entered.inCountyInpatientCount ?? recorded.inCountyInpatients,
    outOfCountyInpatients: entered.outOfCountyInpatientCount ?? recorded.outOfCountyInpatients,
    outsideTownshipInpatients: entered.outsideTownshipInpatientCount ?? recorded.outsideTownshipInpatients,
  };
}

// ---------------------------------------------------------------- indicators and score

const RATE_PLACES = 4;

/** Exact indicator values of one year; null where the denominator is zero (no data). */
export function indicatorValues(f: YearFigures): Record<IndicatorName, Dec | null> {
  const ratio = (num: Dec | number, den: Dec | number): Dec | null => (new Dec(den).isZero() ? null : new Dec(num).dividedBy(den));
  return {
    inCountyInpatientRate: ratio(f.inCountyInpatients, f.inCountyInpatients + f.outOfCountyInpatients),
    outOfCountyInpatientCount: new Dec(f.outOfCountyInpatients),
    outsideTownshipInpatientCount: new Dec(f.outsideTownshipInpatients),
    inpatientCompensationRatio: ratio(f.inpatientFundPaid.toDecimal(), f.inpatientTotalCost.toDecimal()),
    // The pathway flag is on the records, so its denominator is the records, whatever count the bureau entered.
    clinicalPathwayRate: ratio(f.clinicalPathwayInpatients, f.inpatientRecords),
    outOfCountyReferralRate: ratio(f.outOfCountyReferred, f.outOfCountySettlements),
    // The year's primary share of M: the projected primary share (SPEC §13) over all twelve months.
    primaryShare:
      f.communityPackage === null || f.communityPackage.isZero() ? null : projectedPrimaryShare(f.primaryApproved, 12, f.communityPackage),
  };
}

/** Why an indicator earned what it did. */
export type IndicatorStatus = 'MET' | 'BELOW_TARGET' | 'DID_NOT_FALL' | 'NO_DATA' | 'NO_TARGET' | 'NO_PREVIOUS_YEAR';

export interface IndicatorResult {
  name: IndicatorName;
  label: string;
  rule: IndicatorRule;
  /** Rates as shares with four decimals ("0.9231"); counts as whole numbers ("12"). */
  value: string | null;
  previous: string | null;
  change: string | null;
  /** The rate to reach; for a count, last year's figure to fall below. */
  target: string | null;
  status: IndicatorStatus;
  met: boolean;
  weight: string;
  points: string;
  /** Whether a bureau-entered value replaced what the records give. */
  entered: boolean;
}

export interface AssessedYear {
  recorded: YearFigures;
  entered: EnteredValues;
}

export interface PerformanceInputs {
  current: AssessedYear;
  /** The previous fund year, assessed the same way; null when that year has no data. */
  previous: AssessedYear | null;
  scheme: AssessmentScheme;
  /** The year's primary-care floor: the primary share's target. */
  primaryFloorRate: string;
}

export interface PerformanceResult {
  /** Sum of the indicators' points, 0.00–100.00. */
  score: string;
  indicators: IndicatorResult[];
}

/**
 * Scores each indicator (SPEC §8), keeping the rule simple enough to check by hand:
 * - a rate earns its full weight at or above its target, otherwise weight × value ÷ target;
 * - a count earns its full weight when it fell below last year's figure (or is zero), otherwise nothing;
 * - an indicator that cannot be computed (no data, no target entered, no previous year to fall below) earns nothing.
 * Points are rounded half up to 0.01; the score is their sum.
 */
export function assessPerformance(inputs: PerformanceInputs): PerformanceResult {
  const scheme = validateAssessmentScheme(inputs.scheme);
  const entered = validateEnteredValues(inputs.current.entered);
  const now = indicatorValues(effectiveFigures(inputs.current.recorded, entered));
  const before = inputs.previous
    ? indicatorValues(effectiveFigures(inputs.previous.recorded, validateEnteredValues(inputs.previous.entered)))
    : null;
  const targets: Record<IndicatorName, Dec | null> = {
    inCountyInpatientRate: new Dec(scheme.targets.inCountyInpatientRate),
    outOfCountyInpatientCount: before?.outOfCountyInpatientCount ?? null,
    outsideTownshipInpatientCount: before?.outsideTownshipInpatientCount ?? null,
    inpatientCompensationRatio: entered.prefectureCompensationRatio === null ? null : new Dec(entered.prefectureCompensationRatio),
    clinicalPathwayRate: new Dec(scheme.targets.clinicalPathwayRate),
    outOfCountyReferralRate: new Dec(scheme.targets.outOfCountyReferralRate),
    primaryShare: new Dec(inputs.primaryFloorRate),
  };
  const enteredFor: Partial<Record<IndicatorName, boolean>> = {
    inCountyInpatientRate: entered.inCountyInpatientCount !== null || entered.outOfCountyInpatientCount !== null,
    outOfCountyInpatientCount: entered.outOfCountyInpatientCount !== null,
    outsideTownshipInpatientCount: entered.outsideTownshipInpatientCount !== null,
  };
  const indicators = INDICATORS.map((name): IndicatorResult => {
    const rule = INDICATOR_RULES[name];
    const weight = new Dec(scheme.weights[name]);
    const value = now[name];
    const previous = before?.[name] ?? null;
    const target = targets[name];
    const { status, fraction } = rule === 'atLeastTarget' ? scoreRate(value, target) : scoreCount(value, target);
    const show = (d: Dec | null) => (d === null ? null : rule === 'fallsYearOnYear' ? d.toFixed(0) : d.toFixed(RATE_PLACES));
    return {
      name,
      label: INDICATOR_LABELS[name],
      rule,
      value: show(value),
      previous: show(previous),
      change: value === null || previous === null ? null : show(value.minus(previous)),
      target: show(target),
      status,
      met: status === 'MET',
      weight: weight.toFixed(2),
      points: weight.times(fraction).toDecimalPlaces(2, Dec.ROUND_HALF_UP).toFixed(2),
      entered: enteredFor[name] ?? false,
    };
  });
  const score = indicators.reduce((s, i) => s.plus(i.points), new Dec(0));
  return { score: score.toFixed(2), indicators };
}

function scoreRate(value: Dec | null, target: Dec | null): { status: IndicatorStatus; fraction: Dec } {
  if (value === null) return { status: 'NO_DATA', fraction: new Dec(0) };
  if (target === null) return { status: 'NO_TARGET', fraction: new Dec(0) };
  if (value.gte(target)) return { status: 'MET', fraction: new Dec(1) };
  return { status: 'BELOW_TARGET', fraction: value.dividedBy(target) };
}

function scoreCount(value: Dec | null, previous: Dec | null): { status: IndicatorStatus; fraction: Dec } {
  if (value === null) return { status: 'NO_DATA', fraction: new Dec(0) };
  if (value.isZero()) return { status: 'MET', fraction: new Dec(1) };
  if (previous === null) return { status: 'NO_PREVIOUS_YEAR', fraction: new Dec(0) };
  return value.lt(previous) ? { status: 'MET', fraction: new Dec(1) } : { status: 'DID_NOT_FALL', fraction: new Dec(0) };
}

/** A share as text with at least two and at most four decimals ("0.90", "0.6523"). */
function formatShare(d: Dec): string {
  return d.toFixed(Math.min(RATE_PLACES, Math.max(2, d.decimalPlaces())));
}
