import { ErrorDetail } from './domain-error';
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
  'totalCost',
  'fundPaid',
  'referralNo',
] as const;

export interface OutOfCountySettlement {
  externalId: string;
  hospitalName: string;
  insuredId: string;
  settlementDate: string;
  totalCost: Money;
  fundPaid: Money;
  referralNo: string | null;
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
  if (r.referralNo !== undefined && r.referralNo !== null && typeof r.referralNo !== 'string')
    bad('referralNo', 'string', 'referralNo must be a string');
  if (errors.length) return { errors };
  const record: OutOfCountySettlement = {
    externalId: r.externalId as string,
    hospitalName: r.hospitalName as string,
    insuredId: r.insuredId as string,
    settlementDate: date as string,
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
