import { DomainError } from './domain-error';
import { periodOf, quarterDates } from './claim-cycle';
import { BurnThresholds, readBurn } from './fund-monitoring';
import { compareCodes } from './largest-remainder';
import { InstitutionType, isPrimaryInstitution } from './institution-registry';
import { Dec, Money } from './money';
import { isOutsideTownship, OutOfCountyGroup, RecordGroup } from './performance-assessment';
import { VISIT_TYPES, VisitType } from './settlement-record';
import { defineStateMachine } from './state-machine';
import { IsoDate } from './working-days';

/**
 * The quarterly fund analysis (基金运行分析, SPEC §6, seed 002 打包付费 §四(四)): patient flow,
 * fund flow, risk and year-on-year for one community and quarter, drafted after the quarter
 * ends, commented on and submitted by the lead unit to the bureau.
 */

export const FUND_ANALYSIS_STATES = ['DRAFT', 'SUBMITTED'] as const;
export type FundAnalysisState = (typeof FUND_ANALYSIS_STATES)[number];
export type FundAnalysisAction = 'refresh' | 'edit' | 'submit';
/** Figures are refreshed and the commentary edited while a draft; once submitted the document is fixed. */
export const FUND_ANALYSIS_LIFECYCLE = defineStateMachine<FundAnalysisState, FundAnalysisAction>({
  name: 'fund analysis',
  transitions: [
    { from: 'DRAFT', action: 'refresh', to: 'DRAFT' },
    { from: 'DRAFT', action: 'edit', to: 'DRAFT' },
    { from: 'DRAFT', action: 'submit', to: 'SUBMITTED' },
  ],
});

// ---------------------------------------------------------------- quarters

export interface QuarterPeriods {
  /** First and last claim period of the quarter, 'YYYY-MM'. */
  from: string;
  to: string;
  /** Last day of the quarter. */
  lastDay: IsoDate;
}

export function quarterPeriods(fundYear: number, quarter: number): QuarterPeriods {
  const { first, last } = quarterDates(fundYear, quarter);
  return { from: periodOf(first), to: periodOf(last), lastDay: last };
}

/** An analysis is drafted once its quarter is over: refused (422) for a quarter still running or to come. */
export function assertQuarterEnded(fundYear: number, quarter: number, today: IsoDate): QuarterPeriods {
  if (!Number.isInteger(quarter) || quarter < 1 || quarter > 4) {
    throw new DomainError('VALIDATION_FAILED', 'unprocessable', `quarter must be 1 to 4, not ${quarter}`, [
      { field: 'quarter', rule: 'quarter', message: String(quarter) },
    ]);
  }
  const periods = quarterPeriods(fundYear, quarter);
  if (today <= periods.lastDay) {
    throw new DomainError(
      'QUARTER_NOT_ENDED',
      'unprocessable',
      `Q${quarter} ${fundYear} ends on ${periods.lastDay}; its fund analysis is drafted after the quarter ends`,
      [{ field: 'quarter', rule: 'quarterEnded', message: `Q${quarter} ${fundYear} has not ended (today is ${today})` }],
    );
  }
  return periods;
}

// ---------------------------------------------------------------- the document

/** The lead unit submits an analysis with its commentary: at least the summary (分析说明). */
export function assertAnalysisComplete(narrative: { summary: string | null }): void {
  if (!narrative.summary?.trim()) {
    throw new DomainError(
      'ANALYSIS_INCOMPLETE',
      'unprocessable',
      'the lead unit’s summary (分析说明) is required before the analysis is submitted',
      [{ field: 'summary', rule: 'requiredToSubmit', message: 'summary is empty' }],
    );
  }
}

/** Approved records and out-of-county settlements of a span of claim periods. */
export interface PeriodFlows {
  groups: readonly RecordGroup[];
  outOfCounty: readonly OutOfCountyGroup[];
}

export interface FlowCount {
  /** Outpatient, chronic & special disease and maternity visits; null where the source has no visit type. */
  visits: number | null;
  admissions: number;
}

export interface PatientFlow {
  /** 乡镇内: township health centres and their village clinics. */
  inTownship: FlowCount;
  /** 县级医院: the lead unit and the other county-level hospitals. */
  countyHospitals: FlowCount;
  /** 县域内: every member unit (in-township + county hospitals). */
  inCounty: FlowCount;
  /** 县外: each out-of-county settlement counted as an admission (they carry no visit type). */
  outOfCounty: FlowCount;
  /** In-county admissions ÷ all admissions, four decimals. */
  inCountyAdmissionRate: string | null;
  /** Admissions outside the patient's insured township, where the record names it. */
  outsideTownshipAdmissions: number;
}

export type FundCategory = VisitType | 'OUT_OF_COUNTY';
export const FUND_CATEGORY_LABELS: Record<FundCategory, string> = {
  OUTPATIENT: '门诊',
  INPATIENT: '住院',
  CHRONIC_SPECIAL: '慢特病门诊',
  MATERNITY: '生育',
  OUT_OF_COUNTY: '县外异地',
};

export interface UnitFundFlow {
  unitCode: string;
  unitName: string;
  unitType: InstitutionType;
  primary: boolean;
  visits: number;
  admissions: number;
  /** Approved fund_paid (accepted, not deducted). */
  approved: string;
}

export interface FundFlow {
  byUnit: UnitFundFlow[];
  byCategory: { category: FundCategory; label: string; amount: string; share: string | null }[];
  inCounty: string;
  outOfCounty: string;
  total: string;
  outOfCountyShare: string | null;
  /** Approved at township health centres and village clinics. */
  primary: string;
}

export interface FundRisk {
  /** Months of the fund year covered at the quarter's end. */
  elapsedMonths: number;
  communityPackage: string | null;
  yearToDate: { memberApproved: string; primaryApproved: string; outOfCounty: string };
  /** The monthly monitoring reading at the quarter's end; null without an approved package M. */
  burn: {
    expenditure: string;
    budgetToDate: string;
    burnRatio: string;
    level: string;
    projectedExpenditure: string;
    projectedOverspend: string;
    primaryShareToDate: string;
    projectedPrimaryShare: string;
    primaryFloorRate: string;
    primaryBelowFloor: boolean;
  } | null;
  alerts: string[];
}

export interface YearOnYearItem {
  item: string;
  label: string;
  current: string;
  previous: string | null;
  change: string | null;
  /** Change ÷ previous, four decimals; null when the previous figure is zero or missing. */
  changeRate: string | null;
}

export interface YearOnYear {
  previousFundYear: number;
  /** False when the same quarter of the previous year has no records. */
  available: boolean;
  items: YearOnYearItem[];
}

export interface FundAnalysisContent {
  communityCode: string;
  fundYear: number;
  quarter: number;
  periods: { from: string; to: string };
  patientFlow: PatientFlow;
  fundFlow: FundFlow;
  risk: FundRisk;
  yearOnYear: YearOnYear;
}

export interface FundAnalysisInputs {
  communityCode: string;
  fundYear: number;
  quarter: number;
  quarterFlows: PeriodFlows;
  /** The same quarter of the previous fund year; null when it has no data. */
  previousYearFlows: PeriodFlows | null;
  /** January to the quarter's end, for the burn reading. */
  yearToDateFlows: PeriodFlows;
  communityPackage: Money | null;
  thresholds: BurnThresholds;
  primaryFloorRate: string;
}

interface Totals {
  inTownship: FlowCount & { visits: number };
  countyHospitals: FlowCount & { visits: number };
  outOfCountyAdmissions: number;
  outsideTownshipAdmissions: number;
  byUnit: Map<string, UnitFundFlow & { amount: Money }>;
  byCategory: Record<FundCategory, Money>;
  inCounty: Money;
  outOfCounty: Money;
  primary: Money;
}

function totalsOf(flows: PeriodFlows): Totals {
  const t: Totals = {
    inTownship: { visits: 0, admissions: 0 },
    countyHospitals: { visits: 0, admissions: 0 },
    outOfCountyAdmissions: 0,
    outsideTownshipAdmissions: 0,
    byUnit: new Map(),
    byCategory: {
      OUTPATIENT: Money.ZERO,
      INPATIENT: Money.ZERO,
      CHRONIC_SPECIAL: Money.ZERO,
      MATERNITY: Money.ZERO,
      OUT_OF_COUNTY: Money.ZERO,
    },
    inCounty: Money.ZERO,
    outOfCounty: Money.ZERO,
    primary: Money.ZERO,
  };
  for (const g of flows.groups) {
    const primary = isPrimaryInstitution(g.unit.type);
    const level = primary ? t.inTownship : t.countyHospitals;
    const inpatient = g.visitType === 'INPATIENT';
    if (inpatient) level.admissions += g.records;
    else level.visits += g.records;
    if (inpatient && isOutsideTownship(g.insuredTownshipCode, g.unit)) t.outsideTownshipAdmissions += g.records;
    const unit = t.byUnit.get(g.unit.code) ?? {
      unitCode: g.unit.code,
      unitName: g.unit.name,
      unitType: g.unit.type,
      primary,
      visits: 0,
      admissions: 0,
      approved: '',
      amount: Money.ZERO,
    };
    if (inpatient) unit.admissions += g.records;
    else unit.visits += g.records;
    unit.amount = unit.amount.plus(g.fundPaid);
    t.byUnit.set(g.unit.code, unit);
    t.byCategory[g.visitType] = t.byCategory[g.visitType].plus(g.fundPaid);
    t.inCounty = t.inCounty.plus(g.fundPaid);
    if (primary) t.primary = t.primary.plus(g.fundPaid);
  }
  for (const g of flows.outOfCounty) {
    t.outOfCountyAdmissions += g.settlements;
    t.outOfCounty = t.outOfCounty.plus(g.fundPaid);
  }
  t.byCategory.OUT_OF_COUNTY = t.outOfCounty;
  return t;
}

const PLACES = 4;
const share = (part: Dec | number, whole: Dec | number): string | null =>
  new Dec(whole).isZero() ? null : new Dec(part).dividedBy(whole).toFixed(PLACES);

function patientFlowOf(t: Totals): PatientFlow {
  const inCounty = {
    visits: t.inTownship.visits + t.countyHospitals.visits,
    admissions: t.inTownship.admissions + t.countyHospitals.admissions,
  };
  return {
    inTownship: { ...t.inTownship },
    countyHospitals: { ...t.countyHospitals },
    inCounty,
    outOfCounty: { visits: null, admissions: t.outOfCountyAdmissions },
    inCountyAdmissionRate: share(inCounty.admissions, inCounty.admissions + t.outOfCountyAdmissions),
    outsideTownshipAdmissions: t.outsideTownshipAdmissions,
  };
}

function fundFlowOf(t: Totals): FundFlow {
  const total = t.inCounty.plus(t.outOfCounty);
  const categories: FundCategory[] = [...VISIT_TYPES, 'OUT_OF_COUNTY'];
  return {
    byUnit: [...t.byUnit.values()]
      .sort((a, b) => compareCodes(a.unitCode, b.unitCode))
      .map(({ amount, ...u }) => ({ ...u, approved: amount.toString() })),
    byCategory: categories.map((category) => ({
      category,
      label: FUND_CATEGORY_LABELS[category],
      amount: t.byCategory[category].toString(),
      share: share(t.byCategory[category].toDecimal(), total.toDecimal()),
    })),
    inCounty: t.inCounty.toString(),
    outOfCounty: t.outOfCounty.toString(),
    total: total.toString(),
    outOfCountyShare: share(t.outOfCounty.toDecimal(), total.toDecimal()),
    primary: t.primary.toString(),
  };
}

function riskOf(inputs: FundAnalysisInputs): FundRisk {
  const ytd = totalsOf(inputs.yearToDateFlows);
  const elapsedMonths = inputs.quarter * 3;
  const yearToDate = {
    memberApproved: ytd.inCounty.toString(),
    primaryApproved: ytd.primary.toString(),
    outOfCounty: ytd.outOfCounty.toString(),
  };
  const m = inputs.communityPackage;
  if (m === null || !m.isPositive()) {
    return {
      elapsedMonths,
      communityPackage: m?.toString() ?? null,
      yearToDate,
      burn: null,
      alerts: [`no approved package M for ${inputs.fundYear}: the burn ratio cannot be read`],
    };
  }
  const r = readBurn({
    communityPackage: m,
    elapsedMonths,
    memberApproved: ytd.inCounty,
    primaryApproved: ytd.primary,
    outOfCounty: ytd.outOfCounty,
    thresholds: inputs.thresholds,
    primaryFloorRate: inputs.primaryFloorRate,
  });
  const alerts: string[] = [];
  if (r.level !== 'NORMAL')
    alerts.push(
      `burn ratio ${r.burnRatio} is at ${r.level} level; projected year-end expenditure ${r.projectedExpenditure}, overspend ${r.projectedOverspend}`,
    );
  if (r.primaryBelowFloor) alerts.push(`projected primary share ${r.projectedPrimaryShare} is below the floor ${r.primaryFloorRate}`);
  return {
    elapsedMonths,
    communityPackage: m.toString(),
    yearToDate,
    burn: {
      expenditure: r.expenditure.toString(),
      budgetToDate: r.budgetToDate.toString(),
      burnRatio: r.burnRatio,
      level: r.level,
      projectedExpenditure: r.projectedExpenditure.toString(),
      projectedOverspend: r.projectedOverspend.toString(),
      primaryShareToDate: r.primaryShareToDate,
      projectedPrimaryShare: r.projectedPrimaryShare,
      primaryFloorRate: r.primaryFloorRate,
      primaryBelowFloor: r.primaryBelowFloor,
    },
    alerts,
  };
}

const YOY_ITEMS: { item: string; label: string; kind: 'count' | 'money'; of: (t: Totals) => Dec }[] = [
  { item: 'inTownshipVisits', label: '乡镇内门诊人次', kind: 'count', of: (t) => new Dec(t.inTownship.visits) },
  { item: 'inTownshipAdmissions', label: '乡镇内住院人次', kind: 'count', of: (t) => new Dec(t.inTownship.admissions) },
  { item: 'countyHospitalVisits', label: '县级医院门诊人次', kind: 'count', of: (t) => new Dec(t.countyHospitals.visits) },
  { item: 'countyHospitalAdmissions', label: '县级医院住院人次', kind: 'count', of: (t) => new Dec(t.countyHospitals.admissions) },
  { item: 'outOfCountyAdmissions', label: '县外住院人次', kind: 'count', of: (t) => new Dec(t.outOfCountyAdmissions) },
  { item: 'inCountyFund', label: '县域内基金支出', kind: 'money', of: (t) => t.inCounty.toDecimal() },
  { item: 'outOfCountyFund', label: '县外基金支出', kind: 'money', of: (t) => t.outOfCounty.toDecimal() },
  { item: 'primaryFund', label: '基层医疗机构基金支出', kind: 'money', of: (t) => t.primary.toDecimal() },
  { item: 'totalFund', label: '基金支出合计', kind: 'money', of: (t) => t.inCounty.plus(t.outOfCounty).toDecimal() },
];

function yearOnYearOf(fundYear: number, now: Totals, before: Totals | null): YearOnYear {
  return {
    previousFundYear: fundYear - 1,
    available: before !== null,
    items: YOY_ITEMS.map(({ item, label, kind, of }) => {
      const show = (d: Dec) => d.toFixed(kind === 'money' ? 2 : 0);
      const current = of(now);
      const previous = before ? of(before) : null;
      return {
        item,
        label,
        current: show(current),
        previous: previous === null ? null : show(previous),
        change: previous === null ? null : show(current.minus(previous)),
        changeRate: previous === null || previous.isZero() ? null : current.minus(previous).dividedBy(previous).toFixed(PLACES),
      };
    }),
  };
}

/** Builds the analysis document's figures from the quarter's aggregates. */
export function buildFundAnalysis(inputs: FundAnalysisInputs): FundAnalysisContent {
  const periods = quarterPeriods(inputs.fundYear, inputs.quarter);
  const now = totalsOf(inputs.quarterFlows);
  const before = inputs.previousYearFlows ? totalsOf(inputs.previousYearFlows) : null;
  return {
    communityCode: inputs.communityCode,
    fundYear: inputs.fundYear,
    quarter: inputs.quarter,
    periods: { from: periods.from, to: periods.to },
    patientFlow: patientFlowOf(now),
    fundFlow: fundFlowOf(now),
    risk: riskOf(inputs),
    yearOnYear: yearOnYearOf(inputs.fundYear, now, before),
  };
}
