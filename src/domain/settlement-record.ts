import { periodOf } from './claim-cycle';
import { ErrorDetail } from './domain-error';

/**
 * A settlement record (即时结算记录, SPEC §4): one patient settlement at the point of care,
 * which a member unit later claims back. Checked here as plain values; amounts are handled
 * as integer fen (bigint), parsed from their decimal text without floating point.
 */
export const VISIT_TYPES = ['OUTPATIENT', 'INPATIENT', 'CHRONIC_SPECIAL', 'MATERNITY'] as const;
export type VisitType = (typeof VISIT_TYPES)[number];

export const AMOUNT_FIELDS = ['totalCost', 'coveredCost', 'fundPaid', 'criticalIllnessPaid', 'medicalAidPaid', 'selfPaid'] as const;
export type AmountField = (typeof AMOUNT_FIELDS)[number];

/** A record as submitted (JSON body, CSV or XLSX row): every value still text or absent. */
export interface SettlementRecordInput {
  externalId?: unknown;
  unitCode?: unknown;
  insuredId?: unknown;
  insuredTownshipCode?: unknown;
  visitType?: unknown;
  admissionDate?: unknown;
  dischargeDate?: unknown;
  visitDate?: unknown;
  settlementDate?: unknown;
  totalCost?: unknown;
  coveredCost?: unknown;
  fundPaid?: unknown;
  criticalIllnessPaid?: unknown;
  medicalAidPaid?: unknown;
  selfPaid?: unknown;
  diagnosisCode?: unknown;
  clinicalPathway?: unknown;
  referralNo?: unknown;
  /** A refund (退费/冲销): the externalId of the settlement it refunds; its amounts are then ≤ 0. */
  refundOf?: unknown;
}

export const SETTLEMENT_RECORD_FIELDS = [
  'externalId',
  'unitCode',
  'insuredId',
  'insuredTownshipCode',
  'visitType',
  'admissionDate',
  'dischargeDate',
  'visitDate',
  'settlementDate',
  ...AMOUNT_FIELDS,
  'diagnosisCode',
  'clinicalPathway',
  'referralNo',
  'refundOf',
] as const;

export type SettlementRecordField = (typeof SETTLEMENT_RECORD_FIELDS)[number];

/**
 * The Chinese column header of each field, as township HIS exports and finance offices name
 * them; an uploaded file may use these or the field names (docs/settlement-records.md).
 */
export const SETTLEMENT_RECORD_COLUMN_NAMES: Readonly<Record<SettlementRecordField, string>> = {
  externalId: '结算流水号',
  unitCode: '机构编码',
  insuredId: '参保人编号',
  insuredTownshipCode: '参保人所属乡镇编码',
  visitType: '就诊类型',
  admissionDate: '入院日期',
  dischargeDate: '出院日期',
  visitDate: '就诊日期',
  settlementDate: '结算日期',
  totalCost: '医疗费用总额',
  coveredCost: '政策范围内费用',
  fundPaid: '统筹基金支付',
  criticalIllnessPaid: '大病保险支付',
  medicalAidPaid: '医疗救助支付',
  selfPaid: '个人支付',
  diagnosisCode: '诊断编码',
  clinicalPathway: '临床路径',
  referralNo: '转诊单号',
  refundOf: '原结算流水号',
};

/** The visit types by their Chinese names, accepted as well as the codes. */
export const VISIT_TYPE_NAMES: Readonly<Record<string, VisitType>> = {
  门诊: 'OUTPATIENT',
  住院: 'INPATIENT',
  门诊慢特病: 'CHRONIC_SPECIAL',
  生育: 'MATERNITY',
};

/** A record that passed every check, in canonical form. */
export interface SettlementRecord {
  externalId: string;
  unitCode: string;
  insuredId: string;
  insuredTownshipCode: string | null;
  visitType: VisitType;
  admissionDate: string | null;
  dischargeDate: string | null;
  visitDate: string | null;
  settlementDate: string;
  amounts: Record<AmountField, bigint>; // fen
  diagnosisCode: string | null;
  clinicalPathway: boolean;
  referralNo: string | null;
  /** The original settlement's externalId when this record refunds it (amounts ≤ 0). */
  refundOf: string | null;
}

export interface RecordContext {
  /** Units the submitter may claim for: itself and, for a township, its village clinics. */
  allowedUnits: ReadonlySet<string>;
  /** Today in Asia/Shanghai ('YYYY-MM-DD'): no date may lie after it. */
  today: string;
}

const AMOUNT = /^(\d{1,16})(?:\.(\d{1,2}))?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ICD10 = /^[A-Z]\d{2}(\.[0-9A-Z]{1,4})?$/;
const EXTERNAL_ID = /^[\x21-\x7E]{1,64}$/;
const CODE = /^[A-Z0-9][A-Z0-9-]{1,31}$/;

/** Decimal text in yuan → fen; null when it is not a non-negative amount with at most two decimals. */
export function parseFen(text: string): bigint | null {
  const m = AMOUNT.exec(text);
  if (!m) return null;
  return BigInt(m[1]) * 100n + BigInt((m[2] ?? '').padEnd(2, '0'));
}

export function isValidDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && y >= 1990;
}

/** A field's text; only clinicalPathway may also come as a JSON boolean. Other kinds are refused by `typeProblems`. */
const text = (v: unknown): string | null =>
  v === undefined || v === null ? null : typeof v === 'string' ? v.trim() : typeof v === 'boolean' ? String(v) : null;

/**
 * Every value is text (or absent): a number or boolean is never turned into text, and an object
 * or array is never dropped. Amounts sent as numbers have their own rule (amountAsText).
 */
function typeProblems(input: SettlementRecordInput): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  for (const field of SETTLEMENT_RECORD_FIELDS) {
    const v = input[field];
    if (v === undefined || v === null || typeof v === 'string') continue;
    if (field === 'clinicalPathway' && typeof v === 'boolean') continue;
    if (typeof v === 'number' && (AMOUNT_FIELDS as readonly string[]).includes(field)) continue;
    const kind = Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
    problems.push({ field, rule: 'string', message: `${field} must be text, not ${kind}` });
  }
  return problems;
}

/**
 * Every rule of SPEC §4 for one record. Returns the canonical record, or every broken rule
 * with the field it concerns (never just the first).
 */
export function checkSettlementRecord(
  input: SettlementRecordInput,
  ctx: RecordContext,
): { record: SettlementRecord } | { errors: ErrorDetail[] } {
  // A field of the wrong kind is reported once, as such, and read as absent by the rules below.
  const errors: ErrorDetail[] = typeProblems(input);
  const wrongKind = new Set(errors.map((e) => e.field));
  const fail = (field: string, rule: string, message: string) => errors.push({ field, rule, message });
  const required = (field: keyof SettlementRecordInput): string | null => {
    const v = wrongKind.has(field) ? null : text(input[field]);
    if ((v === null || v === '') && !wrongKind.has(field)) fail(field, 'required', `${field} is required`);
    return v === '' ? null : v;
  };
  const optional = (field: keyof SettlementRecordInput): string | null => {
    const v = wrongKind.has(field) ? null : text(input[field]);
    return v === null || v === '' ? null : v;
  };
  const date = (field: keyof SettlementRecordInput, value: string | null): string | null => {
    if (value === null) return null;
    if (!isValidDate(value)) {
      fail(field, 'date', `${field} "${value}" is not a valid date YYYY-MM-DD`);
      return null;
    }
    if (value > ctx.today) fail(field, 'notInFuture', `${field} ${value} lies in the future`);
    return value;
  };

  const externalId = required('externalId');
  if (externalId !== null && !EXTERNAL_ID.test(externalId))
    fail('externalId', 'format', 'externalId must be 1-64 printable ASCII characters');
  const unitCode = required('unitCode');
  if (unitCode !== null && !ctx.allowedUnits.has(unitCode))
    fail('unitCode', 'submitterOrVillage', `unit ${unitCode} is neither the submitter nor one of its village clinics`);
  const insuredId = required('insuredId');
  if (insuredId !== null && !/^[0-9A-Za-z]{6,32}$/.test(insuredId)) fail('insuredId', 'format', 'insuredId must be 6-32 letters or digits');
  const insuredTownshipCode = optional('insuredTownshipCode');
  if (insuredTownshipCode !== null && !CODE.test(insuredTownshipCode))
    fail('insuredTownshipCode', 'format', 'insuredTownshipCode must be an institution code');

  const visitTypeGiven = required('visitType');
  const visitTypeText = visitTypeGiven === null ? null : (VISIT_TYPE_NAMES[visitTypeGiven] ?? visitTypeGiven);
  const visitType =
    visitTypeText !== null && (VISIT_TYPES as readonly string[]).includes(visitTypeText) ? (visitTypeText as VisitType) : null;
  if (visitTypeText !== null && visitType === null)
    fail('visitType', 'isIn', `visitType must be one of ${VISIT_TYPES.join(', ')} (or ${Object.keys(VISIT_TYPE_NAMES).join('、')})`);

  const admissionDate = date('admissionDate', optional('admissionDate'));
  const dischargeDate = date('dischargeDate', optional('dischargeDate'));
  const visitDate = date('visitDate', optional('visitDate'));
  const settlementDate = date('settlementDate', required('settlementDate'));
  if (visitType === 'INPATIENT') {
    if (!optional('admissionDate'))
      fail('admissionDate', 'requiredForInpatient', 'an inpatient record needs admissionDate and dischargeDate');
    if (!optional('dischargeDate'))
      fail('dischargeDate', 'requiredForInpatient', 'an inpatient record needs admissionDate and dischargeDate');
    if (admissionDate && dischargeDate && dischargeDate < admissionDate)
      fail('dischargeDate', 'afterAdmission', 'dischargeDate is before admissionDate');
    if (dischargeDate && settlementDate && settlementDate < dischargeDate)
      fail('settlementDate', 'afterCare', 'settlementDate is before dischargeDate');
  } else if (visitType !== null) {
    if (!optional('visitDate')) fail('visitDate', 'requiredForVisit', `a ${visitType} record needs visitDate`);
    if (visitDate && settlementDate && settlementDate < visitDate)
      fail('settlementDate', 'afterCare', 'settlementDate is before visitDate');
  }

  const refundOf = optional('refundOf');
  if (refundOf !== null && !EXTERNAL_ID.test(refundOf)) fail('refundOf', 'format', 'refundOf must be 1-64 printable ASCII characters');
  if (refundOf !== null && refundOf === externalId) fail('refundOf', 'notItself', 'a refund cannot refund itself');
  const amounts = {} as Record<AmountField, bigint>;
  for (const field of AMOUNT_FIELDS) {
    // A JSON number is a binary float: amounts travel as decimal text ("120.50").
    if (typeof input[field] === 'number') {
      fail(field, 'amountAsText', `${field} must be sent as text in yuan (e.g. "120.50"), not as a number`);
      continue;
    }
    const v = required(field);
    if (v === null) continue;
    // A refund carries its amounts negative (or zero); '-0.00' is read as zero.
    const negative = refundOf !== null && v.startsWith('-');
    const fen = parseFen(negative ? v.slice(1) : v);
    if (fen === null)
      fail(
        field,
        'amount',
        refundOf === null
          ? `${field} must be a non-negative amount with at most two decimals, not "${v}"`
          : `${field} of a refund must be a negative (or zero) amount with at most two decimals, not "${v}"`,
      );
    else if (refundOf !== null && !negative && fen !== 0n)
      fail(field, 'refundNegative', `${field} of a refund must be negative or zero, not "${v}"`);
    else amounts[field] = negative ? -fen : fen;
  }
  if (AMOUNT_FIELDS.every((f) => amounts[f] !== undefined)) {
    const parts = amounts.fundPaid + amounts.criticalIllnessPaid + amounts.medicalAidPaid + amounts.selfPaid;
    if (parts !== amounts.totalCost)
      fail('totalCost', 'paymentsSumToTotal', 'fundPaid + criticalIllnessPaid + medicalAidPaid + selfPaid must equal totalCost');
    // Compared by size, so the rules read the same for a refund's negative amounts.
    const abs = (x: bigint) => (x < 0n ? -x : x);
    if (abs(amounts.fundPaid) > abs(amounts.coveredCost)) fail('fundPaid', 'notAboveCovered', 'fundPaid exceeds coveredCost');
    if (abs(amounts.coveredCost) > abs(amounts.totalCost)) fail('coveredCost', 'notAboveTotal', 'coveredCost exceeds totalCost');
    if (refundOf !== null && amounts.totalCost === 0n) fail('totalCost', 'refundNotZero', 'a refund returns some amount');
  }

  const diagnosisCode = optional('diagnosisCode');
  if (diagnosisCode !== null && !ICD10.test(diagnosisCode))
    fail('diagnosisCode', 'icd10', `diagnosisCode "${diagnosisCode}" is not an ICD-10 code such as J18.9`);
  const pathway = optional('clinicalPathway');
  if (pathway !== null && !['true', 'false', '1', '0', '是', '否'].includes(pathway))
    fail('clinicalPathway', 'boolean', 'clinicalPathway must be true or false (是/否)');
  const referralNo = optional('referralNo');
  if (referralNo !== null && referralNo.length > 64) fail('referralNo', 'maxLength', 'referralNo is at most 64 characters');

  if (errors.length) return { errors };
  return {
    record: {
      externalId: externalId!,
      unitCode: unitCode!,
      insuredId: insuredId!,
      insuredTownshipCode,
      visitType: visitType!,
      admissionDate,
      dischargeDate,
      visitDate,
      settlementDate: settlementDate!,
      amounts,
      diagnosisCode,
      clinicalPathway: pathway === 'true' || pathway === '1' || pathway === '是',
      referralNo,
      refundOf,
    },
  };
}

/** The masked form of an insured person's id kept beside its keyed hash: first 3 and last 2 characters. */
export function maskInsuredId(id: string): string {
  return id.length <= 5 ? '*'.repeat(id.length) : `${id.slice(0, 3)}${'*'.repeat(id.length - 5)}${id.slice(-2)}`;
}

/** The claim period a settlement belongs to ('YYYY-MM' of its settlement date). */
export function settlementPeriod(record: Pick<SettlementRecord, 'settlementDate'>): string {
  return periodOf(record.settlementDate);
}
