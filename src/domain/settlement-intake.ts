import { ClaimPeriodAssignment } from './claim-cycle';
import { DomainError, ErrorDetail } from './domain-error';
import { CLAIMING_TYPES, InstitutionType } from './institution-registry';
import { SETTLEMENT_RECORD_COLUMN_NAMES, SETTLEMENT_RECORD_FIELDS, SettlementRecordField } from './settlement-record';

/**
 * Intake of settlement records (SPEC §4 step 1): who claims, when a batch is refused as a whole,
 * and what an uploaded file must hold. Record-level checks live in settlement-record.ts.
 */

/** Only claiming units (lead and county hospitals, townships, private institutions) submit records. */
export function assertClaimingUnit(institution: { code: string; type: InstitutionType }): void {
  if (!CLAIMING_TYPES.includes(institution.type))
    throw new DomainError('NOT_A_CLAIMING_UNIT', 'forbidden', `a ${institution.type} does not claim settlement records`, [
      { field: '', rule: 'claimingUnit', message: institution.code },
    ]);
}

/**
 * With onError=reject, one bad record rejects the whole batch and nothing is stored; with skip,
 * the good records are stored and the bad ones reported. `errors`: sorted by row.
 */
export function assertBatchAccepted(errors: readonly ErrorDetail[], received: number, onError: 'reject' | 'skip'): void {
  if (errors.length && onError === 'reject')
    throw new DomainError(
      'BATCH_REJECTED',
      'unprocessable',
      `${new Set(errors.map((e) => e.row)).size} of ${received} record(s) are invalid; nothing was stored`,
      [...errors],
    );
}

/**
 * The claim periods decided before storing must still hold under lock: a claim submitted or a
 * period declared meanwhile changes where records go, and the batch is sent again. Returns the
 * claim period of each settlement month.
 */
export function confirmClaimPeriods(
  decided: ReadonlyMap<string, ClaimPeriodAssignment>,
  locked: ReadonlyMap<string, ClaimPeriodAssignment>,
): Map<string, string> {
  const claimPeriodOf = new Map<string, string>();
  for (const [month, assigned] of decided) {
    const now = locked.get(month)!;
    if ('closed' in now || 'closed' in assigned || now.period !== assigned.period) {
      throw new DomainError(
        'CLAIM_PERIOD_CHANGED',
        'conflict',
        `the claim period for records settled in ${month} changed while they were being stored; send the batch again`,
        [{ field: 'settlementDate', rule: 'retry', message: month }],
      );
    }
    claimPeriodOf.set(month, now.period);
  }
  return claimPeriodOf;
}

/** Where a batch's records landed: one claim period, with the settlement months that rolled into it. */
export interface ClaimPeriodLanding {
  period: string;
  records: number;
  /** Records settled in an earlier month whose claim period was closed (cut-off passed, claim submitted or period declared). */
  rolledOver: { settledIn: string; records: number }[];
}

/**
 * The claim periods a batch's records landed in, so the clerk knows which month they belong to:
 * per claim period (in order) its record count and the earlier settlement months rolled into it.
 * `settledIn`: the settlement month of each stored record; `claimPeriodOf`: where each month went.
 */
export function claimPeriodLandings(settledIn: readonly string[], claimPeriodOf: ReadonlyMap<string, string>): ClaimPeriodLanding[] {
  const perMonth = new Map<string, number>();
  for (const month of settledIn) perMonth.set(month, (perMonth.get(month) ?? 0) + 1);
  const landings = new Map<string, ClaimPeriodLanding>();
  for (const month of [...perMonth.keys()].sort()) {
    const period = claimPeriodOf.get(month)!;
    const landing = landings.get(period) ?? { period, records: 0, rolledOver: [] };
    const records = perMonth.get(month)!;
    landing.records += records;
    if (period !== month) landing.rolledOver.push({ settledIn: month, records });
    landings.set(period, landing);
  }
  return [...landings.values()].sort((a, b) => a.period.localeCompare(b.period));
}

/** A concurrent request stored some of the same records first: the batch is sent again. */
export function concurrentIntake(): DomainError {
  return new DomainError(
    'CONCURRENT_INTAKE',
    'conflict',
    'some of these records were stored by a concurrent request; send the batch again',
    [{ field: 'records', rule: 'retry', message: 'concurrent intake' }],
  );
}

/**
 * The field each column of an uploaded file holds: its header is a field name or the field's
 * Chinese column name. Unknown headers, and two columns naming one field (the last would
 * silently win), refuse the file.
 */
export function recordFieldsOfColumns(headers: readonly string[]): SettlementRecordField[] {
  const byHeader = new Map<string, SettlementRecordField>();
  for (const field of SETTLEMENT_RECORD_FIELDS) {
    byHeader.set(field, field);
    byHeader.set(SETTLEMENT_RECORD_COLUMN_NAMES[field], field);
  }
  const problems: ErrorDetail[] = [];
  const fields: SettlementRecordField[] = [];
  headers.forEach((h) => {
    const field = byHeader.get(h);
    if (field === undefined)
      problems.push({
        row: 1,
        field: h,
        rule: 'unknownColumn',
        message: `expected ${SETTLEMENT_RECORD_FIELDS.map((f) => `${f} (${SETTLEMENT_RECORD_COLUMN_NAMES[f]})`).join(', ')}`,
      });
    else if (fields.includes(field))
      problems.push({ row: 1, field: h, rule: 'uniqueColumn', message: `column ${h} repeats field ${field}` });
    fields.push(field as SettlementRecordField);
  });
  if (problems.length)
    throw new DomainError(
      'BATCH_REJECTED',
      'unprocessable',
      `column headers: ${problems.map((p) => `${p.field} (${p.rule})`).join(', ')}`,
      problems,
    );
  return fields;
}

/** An upload carries its records as a file. */
export function requireFile<F>(file: F | undefined): F {
  if (!file)
    throw new DomainError('FILE_REQUIRED', 'unprocessable', 'send the file as multipart/form-data in a field named "file"', [
      { field: 'file', rule: 'required', message: 'no file' },
    ]);
  return file;
}
