import { DomainError, ErrorDetail } from './domain-error';
import { SettlementRecordInput, VISIT_TYPES, VisitType } from './settlement-record';

/**
 * The national medical-insurance platform's settlement extract (结算信息, the settlement table
 * of the national interface) as an intake format beside ours (docs/national-format.md). A row
 * is mapped to our settlement record; only resident-insurance settlements at the county's units
 * count, other rows are reported with the reason and not stored. The code tables (险种类型
 * insutype, 医疗类别 med_type, 清算类别 clr_type) and the units' national codes are data, passed in.
 */

/** The national fields read; any other column of the extract is ignored (the extract has many). */
export const NATIONAL_FIELDS = [
  'setl_id',
  'mdtrt_id',
  'psn_no',
  'insutype',
  'med_type',
  'setl_time',
  'begndate',
  'enddate',
  'medfee_sumamt',
  'inscp_scp_amt',
  'hifp_pay',
  'hifmi_pay',
  'maf_pay',
  'psn_cash_pay',
  'fixmedins_code',
  'refd_setl_flag',
  'init_setl_id',
  'clr_type',
  'dise_codg',
] as const;
export type NationalField = (typeof NATIONAL_FIELDS)[number];

/** Fields every national row must carry. */
export const NATIONAL_REQUIRED: readonly NationalField[] = [
  'setl_id',
  'psn_no',
  'insutype',
  'med_type',
  'setl_time',
  'medfee_sumamt',
  'inscp_scp_amt',
  'hifp_pay',
  'hifmi_pay',
  'maf_pay',
  'psn_cash_pay',
  'fixmedins_code',
];

/** Other spellings of the diagnosis column found in exports: 主诊断编码 as diag_code or dise_no. */
const ALIASES: Readonly<Record<string, NationalField>> = { diag_code: 'dise_codg', dise_no: 'dise_codg', maindiag_code: 'dise_codg' };

export const NATIONAL_CODE_KINDS = ['insutype', 'med_type', 'clr_type'] as const;
export type NationalCodeKind = (typeof NATIONAL_CODE_KINDS)[number];

/** A code table's name in a path: one of the three tables, else a 400 naming the parameter. */
export function assertNationalCodeKind(kind: string): asserts kind is NationalCodeKind {
  if (!(NATIONAL_CODE_KINDS as readonly string[]).includes(kind))
    throw new DomainError('VALIDATION_FAILED', 'unprocessable', `kind must be one of ${NATIONAL_CODE_KINDS.join(', ')}`, [
      { field: 'kind', rule: 'isIn', message: `kind must be one of ${NATIONAL_CODE_KINDS.join(', ')}` },
    ]);
}

/**
 * One entry of a code table. `counts`: a row with this code is claimed under the county's
 * capitation (insutype: resident basic insurance; med_type/clr_type: care at a unit). `visitType`:
 * for med_type, the visit type it maps to.
 */
export interface NationalCode {
  kind: NationalCodeKind;
  code: string;
  name: string;
  counts: boolean;
  visitType: VisitType | null;
}

export interface NationalContext {
  codes: readonly NationalCode[];
  /** The county's units by their national code (fixmedins_code) → our institution code. */
  unitOfNationalCode: ReadonlyMap<string, string>;
}

/** A row that is not stored: counted in the answer with its reason. */
export interface ReportedRow {
  row: number;
  externalId: string | null;
  rule: 'otherInsurance' | 'notCounted' | 'notCountyUnit';
  reason: string;
}

export type NationalMapping = { record: SettlementRecordInput } | { reported: Omit<ReportedRow, 'row'> } | { errors: ErrorDetail[] };

/** The national field a header names (field name or alias), or undefined. */
export function nationalFieldOf(header: string): NationalField | undefined {
  const h = header.trim().toLowerCase();
  if ((NATIONAL_FIELDS as readonly string[]).includes(h)) return h as NationalField;
  return ALIASES[h];
}

/**
 * Whether a header row (or the keys of a JSON record) is the national layout: it names
 * `setl_id` and `medfee_sumamt`, which our own layout never does.
 */
export function isNationalLayout(headers: readonly string[]): boolean {
  const fields = new Set(headers.map(nationalFieldOf));
  return fields.has('setl_id') && fields.has('medfee_sumamt');
}

/** Normalises a row's keys to national field names; unknown columns are dropped. */
export function nationalRowOf(values: Readonly<Record<string, unknown>>): Partial<Record<NationalField, string>> {
  const out: Partial<Record<NationalField, string>> = {};
  for (const [k, v] of Object.entries(values)) {
    const field = nationalFieldOf(k);
    if (field === undefined || v === undefined || v === null) continue;
    const text = typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : null;
    if (text === null || text === '') continue;
    out[field] = text;
  }
  return out;
}

/** 'YYYY-MM-DD HH:mm:ss', 'YYYY-MM-DD' or 'YYYYMMDD…' → 'YYYY-MM-DD' (checked later as a date). */
export function nationalDate(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  const dashed = /^(\d{4}-\d{2}-\d{2})(?:[ T].*)?$/.exec(t);
  if (dashed) return dashed[1];
  const compact = /^(\d{4})(\d{2})(\d{2})(?:\d{6})?$/.exec(t);
  if (compact) return `${compact[1]}-${compact[2]}-${compact[3]}`;
  return t;
}

/**
 * Maps one national row. Order of judgement: missing fields and unknown codes are errors
 * (naming the national field); then insutype, clr_type and med_type decide whether the row
 * counts (reported when not); then the unit must be one of the county's (reported when not).
 * The record then goes through our record checks like any other.
 */
export function mapNationalRow(row: Partial<Record<NationalField, string>>, ctx: NationalContext): NationalMapping {
  const errors: ErrorDetail[] = [];
  for (const f of NATIONAL_REQUIRED) if (row[f] === undefined) errors.push({ field: f, rule: 'required', message: `${f} is required` });
  const externalId = row.setl_id ?? null;
  const code = (kind: NationalCodeKind): NationalCode | null => {
    const given = row[kind];
    if (given === undefined) return null;
    const found = ctx.codes.find((c) => c.kind === kind && c.code === given);
    if (!found) errors.push({ field: kind, rule: 'knownCode', message: `${kind} ${given} is not in the ${kind} code table` });
    return found ?? null;
  };
  const insutype = code('insutype');
  const medType = code('med_type');
  const clrType = code('clr_type');
  const refund = row.refd_setl_flag;
  if (refund !== undefined && refund !== '0' && refund !== '1')
    errors.push({ field: 'refd_setl_flag', rule: 'isIn', message: 'refd_setl_flag must be 0 (settlement) or 1 (refund)' });
  if (refund === '1' && row.init_setl_id === undefined)
    errors.push({
      field: 'init_setl_id',
      rule: 'requiredForRefund',
      message: 'a refund (refd_setl_flag 1) names its original in init_setl_id',
    });
  if (errors.length) return { errors };

  if (!insutype!.counts)
    return {
      reported: { externalId, rule: 'otherInsurance', reason: `insutype ${insutype!.code} ${insutype!.name} is not resident insurance` },
    };
  if (clrType && !clrType.counts)
    return {
      reported: { externalId, rule: 'notCounted', reason: `clr_type ${clrType.code} ${clrType.name} is not claimed by the county's units` },
    };
  if (!medType!.counts || medType!.visitType === null)
    return {
      reported: {
        externalId,
        rule: 'notCounted',
        reason: `med_type ${medType!.code} ${medType!.name} is not claimed by the county's units`,
      },
    };
  const unitCode = ctx.unitOfNationalCode.get(row.fixmedins_code!);
  if (unitCode === undefined)
    return {
      reported: { externalId, rule: 'notCountyUnit', reason: `fixmedins_code ${row.fixmedins_code} is not one of the county's units` },
    };

  const visitType = medType!.visitType;
  const begin = nationalDate(row.begndate);
  const end = nationalDate(row.enddate);
  const record: SettlementRecordInput = {
    externalId: row.setl_id,
    unitCode,
    insuredId: row.psn_no,
    visitType,
    settlementDate: nationalDate(row.setl_time),
    totalCost: row.medfee_sumamt,
    coveredCost: row.inscp_scp_amt,
    fundPaid: row.hifp_pay,
    criticalIllnessPaid: row.hifmi_pay,
    medicalAidPaid: row.maf_pay,
    selfPaid: row.psn_cash_pay,
  };
  if (visitType === 'INPATIENT') {
    record.admissionDate = begin;
    record.dischargeDate = end;
  } else {
    record.visitDate = begin ?? nationalDate(row.setl_time);
  }
  if (row.dise_codg !== undefined) record.diagnosisCode = row.dise_codg;
  if (refund === '1') record.refundOf = row.init_setl_id;
  return { record };
}

/** Checks an entry of a code table as an administrator edits it. */
export function checkNationalCode(input: {
  kind?: unknown;
  code?: unknown;
  name?: unknown;
  counts?: unknown;
  visitType?: unknown;
}): ErrorDetail[] {
  const errors: ErrorDetail[] = [];
  if (typeof input.kind !== 'string' || !(NATIONAL_CODE_KINDS as readonly string[]).includes(input.kind))
    errors.push({ field: 'kind', rule: 'isIn', message: `kind must be one of ${NATIONAL_CODE_KINDS.join(', ')}` });
  if (typeof input.code !== 'string' || !/^[0-9A-Za-z]{1,16}$/.test(input.code))
    errors.push({ field: 'code', rule: 'format', message: 'code is 1-16 letters or digits' });
  if (typeof input.name !== 'string' || input.name.trim() === '' || input.name.length > 100)
    errors.push({ field: 'name', rule: 'length', message: 'name is 1-100 characters' });
  if (typeof input.counts !== 'boolean') errors.push({ field: 'counts', rule: 'boolean', message: 'counts is true or false' });
  const vt = input.visitType;
  if (vt !== undefined && vt !== null && !(typeof vt === 'string' && (VISIT_TYPES as readonly string[]).includes(vt)))
    errors.push({ field: 'visitType', rule: 'isIn', message: `visitType is one of ${VISIT_TYPES.join(', ')} or null` });
  if (input.kind === 'med_type' && input.counts === true && (vt === undefined || vt === null))
    errors.push({ field: 'visitType', rule: 'requiredWhenCounted', message: 'a counted med_type maps to a visit type' });
  return errors;
}

/** Refuses an invalid code table entry, naming every broken rule. */
export function assertNationalCodeValid(errors: ErrorDetail[]): void {
  if (errors.length) throw new DomainError('NATIONAL_CODE_INVALID', 'unprocessable', 'the code table entry is not valid', errors);
}
