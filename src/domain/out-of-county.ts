import { isPeriod } from './claim-cycle';
import { DomainError, ErrorDetail } from './domain-error';
import { Money } from './money';
import { isValidDate } from './settlement-record';

/**
 * Out-of-county settlements (县外异地就医, SPEC §4 step 7): paid by the bureau directly and
 * imported monthly; they count against the community's package M.
 */
export const OUT_OF_COUNTY_FIELDS = [
  'externalId',
  'hospitalName',
  'insuredId',
  'settlementDate',
  'admissionDate',
  'totalCost',
  'fundPaid',
  'referralNo',
] as const;

export interface OutOfCountySettlement {
  externalId: string;
  hospitalName: string;
  insuredId: string;
  settlementDate: string;
  /** An inpatient stay's admission date (a referral's window must hold it); absent for other settlements. */
  admissionDate: string | null;
  totalCost: Money;
  fundPaid: Money;
  referralNo: string | null;
}

/** The day a referral's window must hold: the admission of a stay, else the settlement. */
export function stayDateOf(s: { admissionDate: string | null; settlementDate: string }): string {
  return s.admissionDate ?? s.settlementDate;
}

const MAX_LENGTH = { externalId: 64, hospitalName: 200, insuredId: 64 } as const;

/** Every rule for one imported record, or every broken rule with its field. `period`: the import's month, when valid. */
export function checkOutOfCountySettlement(
  raw: unknown,
  ctx: { today: string; period: string | null },
): { record: OutOfCountySettlement } | { errors: ErrorDetail[] } {
  const errors: ErrorDetail[] = [];
  const bad = (field: string, rule: string, message: string) => errors.push({ field, rule, message });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    bad('', 'object', 'each record must be an object');
    return { errors };
  }
  const r = raw as Record<string, unknown>;
  const unknown = Object.keys(r).filter((k) => !(OUT_OF_COUNTY_FIELDS as readonly string[]).includes(k));
  if (unknown.length) {
    unknown.forEach((k) => bad(k, 'unknownField', `${k} is not an out-of-county settlement field`));
    return { errors };
  }
  for (const f of ['externalId', 'hospitalName', 'insuredId'] as const) {
    const v = r[f];
    if (typeof v !== 'string' || !v.trim() || v.length > MAX_LENGTH[f]) bad(f, 'required', `${f} must be a non-empty string`);
  }
  for (const f of ['totalCost', 'fundPaid'] as const) {
    const v = r[f];
    if (typeof v !== 'string' || !Money.isValid(v) || Money.of(v).isNegative())
      bad(f, 'amount', `${f} must be a non-negative amount in yuan, as a string with at most two decimals`);
  }
  const date = r.settlementDate;
  if (typeof date !== 'string' || !isValidDate(date)) bad('settlementDate', 'date', 'settlementDate must be a valid YYYY-MM-DD date');
  else if (date > ctx.today) bad('settlementDate', 'notFuture', `settlementDate ${date} is in the future`);
  else if (ctx.period !== null && date.slice(0, 7) !== ctx.period)
    bad('settlementDate', 'inPeriod', `settlementDate ${date} is not in ${ctx.period}`);
  const admission = r.admissionDate;
  if (admission !== undefined && admission !== null) {
    if (typeof admission !== 'string' || !isValidDate(admission))
      bad('admissionDate', 'date', 'admissionDate must be a valid YYYY-MM-DD date');
    else if (typeof date === 'string' && isValidDate(date) && admission > date)
      bad('admissionDate', 'beforeSettlement', `admissionDate ${admission} is after settlementDate ${date}`);
  }
  if (r.referralNo !== undefined && r.referralNo !== null && typeof r.referralNo !== 'string')
    bad('referralNo', 'string', 'referralNo must be a string');
  if (errors.length) return { errors };
  const record: OutOfCountySettlement = {
    externalId: r.externalId as string,
    hospitalName: r.hospitalName as string,
    insuredId: r.insuredId as string,
    settlementDate: date as string,
    admissionDate: (admission as string | null | undefined) ?? null,
    totalCost: Money.of(r.totalCost as string),
    fundPaid: Money.of(r.fundPaid as string),
    referralNo: (r.referralNo as string | null | undefined) ?? null,
  };
  if (record.fundPaid.gt(record.totalCost)) {
    bad('fundPaid', 'notAboveTotal', 'fundPaid cannot exceed totalCost');
    return { errors };
  }
  return { record };
}

/** A checked record with its row in the request and its content hash (re-imports are recognised by it). */
export type CheckedOutOfCountySettlement = OutOfCountySettlement & { row: number; hash: string };

/**
 * Checks a month's import: a valid period, at least one record, every record valid and each
 * externalId once. One bad record rejects the import, listing every problem by row.
 * `hashOf`: the content hash of a valid record.
 */
export function checkOutOfCountyBatch(
  period: string,
  records: readonly unknown[],
  today: string,
  hashOf: (record: OutOfCountySettlement) => string,
): CheckedOutOfCountySettlement[] {
  const errors: ErrorDetail[] = [];
  const checked: CheckedOutOfCountySettlement[] = [];
  const seen = new Set<string>();
  if (!isPeriod(period)) errors.push({ field: 'period', rule: 'period', message: 'period must be YYYY-MM' });
  records.forEach((raw, i) => {
    const row = i + 1;
    const result = checkOutOfCountySettlement(raw, { today, period: isPeriod(period) ? period : null });
    if ('errors' in result) return errors.push(...result.errors.map((e) => ({ ...e, row })));
    const r = result.record;
    if (seen.has(r.externalId))
      return errors.push({ row, field: 'externalId', rule: 'uniqueInBatch', message: `externalId ${r.externalId} appears twice` });
    seen.add(r.externalId);
    checked.push({ ...r, row, hash: hashOf(r) });
  });
  if (records.length === 0) errors.push({ field: 'records', rule: 'notEmpty', message: 'records must be a non-empty array' });
  if (errors.length)
    throw new DomainError(
      'BATCH_REJECTED',
      'unprocessable',
      `${new Set(errors.map((e) => e.row)).size} problem row(s); nothing was imported`,
      errors,
    );
  return checked;
}

/**
 * Records imported before: with the same content they are duplicates (returned apart from the
 * fresh ones), with other content the import is rejected. `known`: stored content hash by externalId.
 */
export function newOutOfCountySettlements(
  checked: readonly CheckedOutOfCountySettlement[],
  known: ReadonlyMap<string, string>,
): CheckedOutOfCountySettlement[] {
  const conflicts = checked.filter((c) => known.has(c.externalId) && known.get(c.externalId) !== c.hash);
  if (conflicts.length)
    throw new DomainError(
      'BATCH_REJECTED',
      'unprocessable',
      `${conflicts.length} record(s) were imported before with other content; nothing was imported`,
      conflicts.map((c) => ({
        row: c.row,
        field: 'externalId',
        rule: 'conflict',
        message: `externalId ${c.externalId} was imported with other content`,
      })),
    );
  return checked.filter((c) => !known.has(c.externalId));
}
