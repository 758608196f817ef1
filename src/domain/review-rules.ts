import { ReviewReasonCode } from './claim-cycle';
import { DomainError, ErrorDetail } from './domain-error';
import { Dec } from './money';
import { isValidDate } from './settlement-record';

const invalid = (details: ErrorDetail[]) =>
  new DomainError('VALIDATION_FAILED', 'unprocessable', `the rule set is not valid: ${details[0].message}`, details);

/**
 * Rule-based pre-review (智能审核): a county's rule set, as data, run over settlement records
 * before the lead unit reviews them. Each rule is a pure function of the records it is given;
 * each hit names the rule, its severity, the records involved, the evidence and a suggested
 * deduction in fen. Thresholds are parameters of the rule set, never constants here.
 *
 * What the settlement record holds limits the rules: it carries the stay's admission and
 * discharge dates, the visit date, the settlement date, one diagnosis code and the amounts,
 * but no items, no department and no prescriptions — so the rules work at the settlement level.
 */

export const RULE_IDS = [
  'DUPLICATE_SETTLEMENT', // 重复结算
  'SPLIT_ADMISSION', // 分解住院
  'LENGTH_OF_STAY', // 住院天数异常
  'COST_OUTLIER', // 次均费用异常
  'OUTPATIENT_FREQUENCY', // 门诊频次异常
  'NON_ADMITTING_UNIT', // 无住院资质机构收治住院
  'AFTER_FUND_YEAR', // 跨基金年度结算
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export const SEVERITIES = ['VIOLATION', 'SUSPICIOUS'] as const; // 明确违规 / 高度可疑
export type Severity = (typeof SEVERITIES)[number];

export interface RuleDefinition {
  id: RuleId;
  name: string;
  severity: Severity;
  enabled: boolean;
  params: Record<string, number>;
}

/** The parameters each rule takes, with their defaults and the bounds a saved value must respect. */
export const RULE_PARAMS: Readonly<Record<RuleId, Readonly<Record<string, { default: number; min: number; max: number }>>>> = {
  DUPLICATE_SETTLEMENT: {},
  SPLIT_ADMISSION: { readmissionDays: { default: 15, min: 1, max: 90 } },
  LENGTH_OF_STAY: { minDays: { default: 1, min: 0, max: 30 }, maxDays: { default: 60, min: 1, max: 365 } },
  COST_OUTLIER: { multipleOfMedian: { default: 3, min: 1.5, max: 20 }, minCases: { default: 20, min: 5, max: 10_000 } },
  OUTPATIENT_FREQUENCY: { maxVisits: { default: 8, min: 2, max: 100 }, windowDays: { default: 30, min: 1, max: 366 } },
  NON_ADMITTING_UNIT: {},
  AFTER_FUND_YEAR: { graceDays: { default: 31, min: 0, max: 366 } },
};

/** The reason code a rejection takes when the lead accepts a hit of the rule. */
export const RULE_REASON: Readonly<Record<RuleId, ReviewReasonCode>> = {
  DUPLICATE_SETTLEMENT: 'DUPLICATE_SETTLEMENT',
  SPLIT_ADMISSION: 'UNREASONABLE_TREATMENT',
  LENGTH_OF_STAY: 'UNREASONABLE_TREATMENT',
  COST_OUTLIER: 'OVER_STANDARD',
  OUTPATIENT_FREQUENCY: 'UNREASONABLE_TREATMENT',
  NON_ADMITTING_UNIT: 'OUT_OF_CATALOGUE',
  AFTER_FUND_YEAR: 'OTHER',
};

/** A county's first rule set: every rule enabled with its default parameters. */
export function defaultRuleSet(): RuleDefinition[] {
  const names: Record<RuleId, [string, Severity]> = {
    DUPLICATE_SETTLEMENT: ['重复结算', 'VIOLATION'],
    SPLIT_ADMISSION: ['分解住院', 'SUSPICIOUS'],
    LENGTH_OF_STAY: ['住院天数异常', 'SUSPICIOUS'],
    COST_OUTLIER: ['次均费用异常', 'SUSPICIOUS'],
    OUTPATIENT_FREQUENCY: ['门诊频次异常', 'SUSPICIOUS'],
    NON_ADMITTING_UNIT: ['无住院资质机构收治住院', 'VIOLATION'],
    AFTER_FUND_YEAR: ['跨基金年度结算', 'VIOLATION'],
  };
  return RULE_IDS.map((id) => ({
    id,
    name: names[id][0],
    severity: names[id][1],
    enabled: true,
    params: Object.fromEntries(Object.entries(RULE_PARAMS[id]).map(([k, p]) => [k, p.default])),
  }));
}

/** Checks a rule set as saved by the bureau: each rule once, known parameters within bounds. Throws 422 with every problem. */
export function checkRuleSet(input: unknown): RuleDefinition[] {
  const errors: ErrorDetail[] = [];
  const fail = (field: string, rule: string, message: string) => errors.push({ field, rule, message });
  if (!Array.isArray(input)) throw invalid([{ field: 'rules', rule: 'isArray', message: 'rules must be an array' }]);
  const seen = new Set<string>();
  const out: RuleDefinition[] = [];
  input.forEach((raw: unknown, i) => {
    const r = (raw ?? {}) as Partial<Record<keyof RuleDefinition, unknown>>;
    const at = `rules.${i}`;
    if (typeof r.id !== 'string' || !(RULE_IDS as readonly string[]).includes(r.id)) {
      fail(`${at}.id`, 'isIn', `id must be one of ${RULE_IDS.join(', ')}`);
      return;
    }
    const id = r.id as RuleId;
    if (seen.has(id)) fail(`${at}.id`, 'unique', `rule ${id} appears twice`);
    seen.add(id);
    if (typeof r.name !== 'string' || !r.name.trim() || r.name.length > 64) fail(`${at}.name`, 'length', 'name must be 1-64 characters');
    if (typeof r.severity !== 'string' || !(SEVERITIES as readonly string[]).includes(r.severity))
      fail(`${at}.severity`, 'isIn', `severity must be one of ${SEVERITIES.join(', ')}`);
    if (typeof r.enabled !== 'boolean') fail(`${at}.enabled`, 'isBoolean', 'enabled must be true or false');
    const params = (r.params ?? {}) as Record<string, unknown>;
    const values: Record<string, number> = {};
    for (const key of Object.keys(params))
      if (!(key in RULE_PARAMS[id])) fail(`${at}.params.${key}`, 'unknownParameter', `${key} is not a parameter of ${id}`);
    for (const [key, bounds] of Object.entries(RULE_PARAMS[id])) {
      const v = params[key];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < bounds.min || v > bounds.max)
        fail(`${at}.params.${key}`, 'range', `${key} must be a number from ${bounds.min} to ${bounds.max}`);
      else values[key] = v;
    }
    if (id === 'LENGTH_OF_STAY' && (values.minDays ?? 0) > (values.maxDays ?? Infinity))
      fail(`${at}.params.minDays`, 'notAboveMax', 'minDays must not exceed maxDays');
    out.push({ id, name: String(r.name ?? '').trim(), severity: r.severity as Severity, enabled: r.enabled === true, params: values });
  });
  if (errors.length) throw invalid(errors);
  return out;
}

/** A settlement record as the rules see it. */
export interface ReviewRecord {
  id: string;
  insuredHash: string;
  unitCode: string;
  /** Whether the unit may admit inpatients (a village clinic may not). */
  unitAdmits: boolean;
  visitType: 'OUTPATIENT' | 'INPATIENT' | 'CHRONIC_SPECIAL' | 'MATERNITY';
  admissionDate: string | null;
  dischargeDate: string | null;
  visitDate: string | null;
  settlementDate: string;
  diagnosisCode: string | null;
  totalFen: bigint;
  fundFen: bigint;
}

export interface RuleHit {
  ruleId: RuleId;
  ruleName: string;
  severity: Severity;
  /** The records involved; the first is the one the deduction concerns. */
  recordIds: string[];
  evidence: Record<string, unknown>;
  deductionFen: bigint;
}

const DAY = 86_400_000;
const dayNo = (d: string) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10))) / DAY;
const careStart = (r: ReviewRecord) => (r.visitType === 'INPATIENT' ? r.admissionDate : r.visitDate) ?? r.settlementDate;
const careEnd = (r: ReviewRecord) => (r.visitType === 'INPATIENT' ? r.dischargeDate : r.visitDate) ?? r.settlementDate;
const byStart = (a: ReviewRecord, b: ReviewRecord) =>
  careStart(a) < careStart(b) ? -1 : careStart(a) > careStart(b) ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

function groupBy(records: readonly ReviewRecord[], key: (r: ReviewRecord) => string | null): Map<string, ReviewRecord[]> {
  const groups = new Map<string, ReviewRecord[]>();
  for (const r of records) {
    const k = key(r);
    if (k === null) continue;
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  return groups;
}

const hit = (rule: RuleDefinition, recordIds: string[], evidence: Record<string, unknown>, deductionFen: bigint): RuleHit => ({
  ruleId: rule.id,
  ruleName: rule.name,
  severity: rule.severity,
  recordIds,
  evidence,
  deductionFen: deductionFen < 0n ? 0n : deductionFen,
});

/**
 * 重复结算: the same person settled twice at the same unit for care that overlaps — two stays
 * whose dates overlap, or two visits of the same type on the same day with the same diagnosis
 * and the same cost. The later record is the duplicate; its fund payment is the deduction.
 */
export function duplicateSettlement(records: readonly ReviewRecord[], rule: RuleDefinition): RuleHit[] {
  const hits: RuleHit[] = [];
  const groups = groupBy(records, (r) => `${r.insuredHash}|${r.unitCode}|${r.visitType === 'INPATIENT' ? 'I' : 'V'}`);
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    group.sort(byStart);
    for (let i = 1; i < group.length; i++) {
      const r = group[i];
      for (let j = i - 1; j >= 0; j--) {
        const e = group[j];
        if (r.visitType === 'INPATIENT') {
          // earlier stays that end after this one starts overlap it (a discharge day may be the next admission day)
          const overlaps = careStart(r) < careEnd(e) || careStart(r) === careStart(e);
          if (!overlaps) {
            if (dayNo(careStart(r)) - dayNo(careStart(e)) > 400) break;
            continue;
          }
        } else {
          if (careStart(e) !== careStart(r)) break;
          if (e.visitType !== r.visitType || e.diagnosisCode !== r.diagnosisCode || e.totalFen !== r.totalFen) continue;
        }
        hits.push(
          hit(
            rule,
            [r.id, e.id],
            { first: { from: careStart(e), to: careEnd(e) }, second: { from: careStart(r), to: careEnd(r) }, unit: r.unitCode },
            r.fundFen,
          ),
        );
        break;
      }
    }
  }
  return hits;
}

/**
 * 分解住院: a stay at the same unit, with the same diagnosis, beginning within `readmissionDays`
 * days after the person's previous discharge (overlapping stays are duplicates, not this).
 * The later stay's fund payment is the suggested deduction.
 */
export function splitAdmission(records: readonly ReviewRecord[], rule: RuleDefinition): RuleHit[] {
  const days = rule.params.readmissionDays;
  const hits: RuleHit[] = [];
  const groups = groupBy(records, (r) =>
    r.visitType === 'INPATIENT' && r.diagnosisCode && r.admissionDate && r.dischargeDate
      ? `${r.insuredHash}|${r.unitCode}|${r.diagnosisCode}`
      : null,
  );
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    group.sort(byStart);
    for (let i = 1; i < group.length; i++) {
      const prev = group[i - 1];
      const r = group[i];
      if (careStart(r) < careEnd(prev)) continue; // overlap: a duplicate
      const gap = dayNo(careStart(r)) - dayNo(careEnd(prev));
      if (gap <= days)
        hits.push(
          hit(
            rule,
            [r.id, prev.id],
            { diagnosisCode: r.diagnosisCode, previousDischarge: careEnd(prev), admission: careStart(r), gapDays: gap, limitDays: days },
            r.fundFen,
          ),
        );
    }
  }
  return hits;
}

/** 住院天数异常: a stay shorter than `minDays` or longer than `maxDays` (days = discharge − admission). */
export function lengthOfStay(records: readonly ReviewRecord[], rule: RuleDefinition): RuleHit[] {
  const { minDays, maxDays } = rule.params;
  const hits: RuleHit[] = [];
  for (const r of records) {
    if (r.visitType !== 'INPATIENT' || !r.admissionDate || !r.dischargeDate) continue;
    const stay = dayNo(r.dischargeDate) - dayNo(r.admissionDate);
    if (stay >= minDays && stay <= maxDays) continue;
    // too short: the whole stay is in question; too long: the days beyond the limit, pro rata
    const deduction = stay < minDays ? r.fundFen : (r.fundFen * BigInt(stay - maxDays)) / BigInt(stay);
    hits.push(hit(rule, [r.id], { stayDays: stay, minDays, maxDays }, deduction));
  }
  return hits;
}

/** What rules compare a record with beyond the records given: the county's costs per stay by diagnosis. */
export interface RuleContext {
  /** Every inpatient stay's total cost (fen) of the county's period by diagnosis, sorted ascending. */
  costsByDiagnosis?: ReadonlyMap<string, readonly bigint[]>;
}

/** The costs per stay by diagnosis of the records, sorted ascending (the distribution costOutlier compares with). */
export function costsByDiagnosis(
  records: readonly Pick<ReviewRecord, 'visitType' | 'diagnosisCode' | 'totalFen'>[],
): Map<string, bigint[]> {
  const out = new Map<string, bigint[]>();
  for (const r of records) {
    if (r.visitType !== 'INPATIENT' || !r.diagnosisCode) continue;
    const list = out.get(r.diagnosisCode);
    if (list) list.push(r.totalFen);
    else out.set(r.diagnosisCode, [r.totalFen]);
  }
  for (const list of out.values()) list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return out;
}

/** The median of sorted fen amounts (the lower middle for an even count). */
function median(sorted: readonly bigint[]): bigint {
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/**
 * 次均费用异常: an inpatient stay whose total cost exceeds `multipleOfMedian` × the median cost of
 * the county's stays with the same diagnosis in the records given (needs `minCases` stays of
 * the diagnosis). The suggested deduction is the fund's share of the excess over that limit.
 */
export function costOutlier(records: readonly ReviewRecord[], rule: RuleDefinition, ctx: RuleContext = {}): RuleHit[] {
  const { multipleOfMedian, minCases } = rule.params;
  const hits: RuleHit[] = [];
  const groups = groupBy(records, (r) => (r.visitType === 'INPATIENT' && r.diagnosisCode ? r.diagnosisCode : null));
  // The multiple in hundredths, read from its decimal text (no binary rounding: 2.675 stays 267.5 → 268).
  const multipleCents = BigInt(new Dec(String(multipleOfMedian)).times(100).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toFixed(0));
  const distribution = ctx.costsByDiagnosis ?? costsByDiagnosis(records);
  for (const [diagnosis, group] of groups) {
    const costs = distribution.get(diagnosis) ?? [];
    if (costs.length < minCases) continue;
    const med = median(costs);
    const limit = (med * multipleCents) / 100n;
    for (const r of group) {
      if (r.totalFen <= limit) continue;
      const excess = r.totalFen - limit;
      const deduction = r.totalFen === 0n ? 0n : (r.fundFen * excess) / r.totalFen;
      hits.push(
        hit(
          rule,
          [r.id],
          {
            diagnosisCode: diagnosis,
            cases: group.length,
            medianFen: String(med),
            limitFen: String(limit),
            totalFen: String(r.totalFen),
            multipleOfMedian,
          },
          deduction,
        ),
      );
    }
  }
  return hits;
}

/**
 * 门诊频次异常: a person's outpatient visits (any unit of the county) more than `maxVisits` within
 * any `windowDays` days. One hit per visit beyond the limit, naming it first and then the earlier
 * visits of its window; its fund payment is the suggested deduction. (Hits per visit, so a visit
 * that arrives in a later batch gets its own hit while earlier hits stand.)
 */
export function outpatientFrequency(records: readonly ReviewRecord[], rule: RuleDefinition): RuleHit[] {
  const { maxVisits, windowDays } = rule.params;
  const hits: RuleHit[] = [];
  const groups = groupBy(records, (r) => (r.visitType === 'OUTPATIENT' && r.visitDate ? r.insuredHash : null));
  for (const group of groups.values()) {
    if (group.length <= maxVisits) continue;
    group.sort(byStart);
    let start = 0;
    for (let i = 0; i < group.length; i++) {
      const d = dayNo(careStart(group[i]));
      while (d - dayNo(careStart(group[start])) >= windowDays) start++;
      if (i - start + 1 <= maxVisits) continue;
      const window = group.slice(start, i);
      hits.push(
        hit(
          rule,
          [group[i].id, ...window.map((r) => r.id)],
          { visitsInWindow: i - start + 1, maxVisits, windowDays, from: careStart(group[start]), to: careStart(group[i]) },
          group[i].fundFen,
        ),
      );
    }
  }
  return hits;
}

/** 无住院资质机构收治住院: an inpatient stay settled by a unit that may not admit (a village clinic). */
export function nonAdmittingUnit(records: readonly ReviewRecord[], rule: RuleDefinition): RuleHit[] {
  return records
    .filter((r) => r.visitType === 'INPATIENT' && !r.unitAdmits)
    .map((r) => hit(rule, [r.id], { unit: r.unitCode, visitType: r.visitType }, r.fundFen));
}

/**
 * 跨基金年度结算: care in one fund year (a calendar year) settled more than `graceDays` days after
 * that year ended, so charged to a later year's fund. The whole fund payment is in question.
 */
export function afterFundYear(records: readonly ReviewRecord[], rule: RuleDefinition): RuleHit[] {
  const grace = rule.params.graceDays;
  const hits: RuleHit[] = [];
  for (const r of records) {
    const care = careEnd(r);
    const yearEnd = `${care.slice(0, 4)}-12-31`;
    const late = dayNo(r.settlementDate) - dayNo(yearEnd);
    if (late > grace)
      hits.push(
        hit(
          rule,
          [r.id],
          {
            careDate: care,
            fundYear: Number(care.slice(0, 4)),
            settlementDate: r.settlementDate,
            daysAfterYearEnd: late,
            graceDays: grace,
          },
          r.fundFen,
        ),
      );
  }
  return hits;
}

const RULES: Readonly<Record<RuleId, (records: readonly ReviewRecord[], rule: RuleDefinition, ctx: RuleContext) => RuleHit[]>> = {
  DUPLICATE_SETTLEMENT: duplicateSettlement,
  SPLIT_ADMISSION: splitAdmission,
  LENGTH_OF_STAY: lengthOfStay,
  COST_OUTLIER: costOutlier,
  OUTPATIENT_FREQUENCY: outpatientFrequency,
  NON_ADMITTING_UNIT: nonAdmittingUnit,
  AFTER_FUND_YEAR: afterFundYear,
};

/**
 * Runs every enabled rule of the set over the records. `only`: keep only hits that involve one
 * of these records (the records of the batch just received, reviewed against the county's others).
 * The rules comparing a person's records need that person's records only; the cost rule compares
 * with `ctx.costsByDiagnosis` when given (the county's whole period), else with the records given.
 */
export function runRules(
  records: readonly ReviewRecord[],
  rules: readonly RuleDefinition[],
  only?: ReadonlySet<string>,
  ctx: RuleContext = {},
): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const rule of rules) {
    if (!rule.enabled) continue;
    for (const h of RULES[rule.id](records, rule, ctx)) if (!only || h.recordIds.some((id) => only.has(id))) hits.push(h);
  }
  return hits;
}

/** The key that makes a hit unique: its rule and its records, so running the rules again adds nothing. */
export function hitKey(h: Pick<RuleHit, 'ruleId' | 'recordIds'>): string {
  // a visit beyond the limit is one hit, whatever its window held when it was found
  if (h.ruleId === 'OUTPATIENT_FREQUENCY') return `${h.ruleId}:${h.recordIds[0]}`;
  return `${h.ruleId}:${[...h.recordIds].sort().join(',')}`;
}

// ---------------------------------------------------------------- a hit's life

export const HIT_STATUSES = ['OPEN', 'ANSWERED', 'ACCEPTED', 'DISMISSED'] as const;
export type HitStatus = (typeof HIT_STATUSES)[number];
export type HitAction = 'answer' | 'accept' | 'dismiss';

/**
 * What may happen to a hit: the member unit answers it (申诉) while it is open or answered (a
 * new answer replaces the last); the lead unit accepts or dismisses it once, open or answered.
 * A dismissal and an answer need text. Refused with 409 (state) or 422 (text).
 */
export function decideHitAction(hitId: string, status: HitStatus, action: HitAction, text: string | null | undefined): HitStatus {
  if (status === 'ACCEPTED' || status === 'DISMISSED')
    throw new DomainError('RULE_HIT_DECIDED', 'conflict', `hit ${hitId} was already ${status.toLowerCase()}`, [
      {
        field: '',
        rule: 'hitOpen',
        message: `hit ${hitId} is ${status}; it can no longer be ${action === 'answer' ? 'answered' : 'decided'}`,
      },
    ]);
  const t = (text ?? '').trim();
  if ((action === 'answer' || action === 'dismiss') && !t)
    throw invalid([
      {
        field: action === 'answer' ? 'answer' : 'note',
        rule: 'required',
        message: `${action === 'answer' ? 'an answer' : 'a dismissal'} needs text`,
      },
    ]);
  if (t.length > (action === 'answer' ? 2000 : 500))
    throw invalid([{ field: action === 'answer' ? 'answer' : 'note', rule: 'maxLength', message: 'the text is too long' }]);
  return action === 'answer' ? 'ANSWERED' : action === 'accept' ? 'ACCEPTED' : 'DISMISSED';
}

/**
 * The actions a reader may take on an undecided hit: the claimant answers; the reviewer dismisses,
 * and accepts while the claim is under pre-review (accepting rejects the record there).
 */
export function hitActions(status: HitStatus, reader: { claimant: boolean; reviewer: boolean; underReview: boolean }): HitAction[] {
  if (status === 'ACCEPTED' || status === 'DISMISSED') return [];
  return [
    ...(reader.claimant ? (['answer'] as const) : []),
    ...(reader.reviewer && reader.underReview ? (['accept'] as const) : []),
    ...(reader.reviewer ? (['dismiss'] as const) : []),
  ];
}

/** The rejection note an accepted hit writes on its record. */
export function rejectionNote(h: { ruleId: string; ruleName: string; evidence: Record<string, unknown>; note?: string | null }): string {
  const text = `${h.ruleName} (${h.ruleId}): ${JSON.stringify(h.evidence)}${h.note?.trim() ? ` — ${h.note.trim()}` : ''}`;
  return text.length > 500 ? `${text.slice(0, 499)}…` : text;
}

/** A new rule-set version comes into force on a date, today or later: the past is never reviewed again under other rules. */
export function checkEffectiveFrom(date: string, today: string): void {
  if (!isValidDate(date) || date < today)
    throw invalid([{ field: 'effectiveFrom', rule: 'notInPast', message: `effectiveFrom must be a date YYYY-MM-DD, ${today} or later` }]);
}
