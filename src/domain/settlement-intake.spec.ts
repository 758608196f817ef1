import fc from 'fast-check';
import {
  assertBatchAccepted,
  assertClaimingUnit,
  claimPeriodLandings,
  recordFieldsOfColumns,
  confirmClaimPeriods,
  concurrentIntake,
  requireFile,
} from './settlement-intake';
import { checkOutOfCountyBatch, newOutOfCountySettlements } from './out-of-county';
import { refusal } from './refusal.spec-helper';

describe('settlement intake (SPEC §4 step 1)', () => {
  it('takes records from claiming units only', () => {
    expect(() => assertClaimingUnit({ code: 'T1', type: 'TOWNSHIP_CENTER' })).not.toThrow();
    expect(refusal(() => assertClaimingUnit({ code: 'V1', type: 'VILLAGE_CLINIC' }))).toMatchObject({
      code: 'NOT_A_CLAIMING_UNIT',
      kind: 'forbidden',
      message: 'a VILLAGE_CLINIC does not claim settlement records',
      details: [{ field: '', rule: 'claimingUnit', message: 'V1' }],
    });
  });

  it('rejects a batch with a bad record unless told to skip', () => {
    const errors = [
      { row: 2, field: 'x', rule: 'r', message: 'm' },
      { row: 2, field: 'y', rule: 'r', message: 'm' },
    ];
    expect(() => assertBatchAccepted(errors, 5, 'skip')).not.toThrow();
    expect(() => assertBatchAccepted([], 5, 'reject')).not.toThrow();
    expect(refusal(() => assertBatchAccepted(errors, 5, 'reject'))).toMatchObject({
      code: 'BATCH_REJECTED',
      message: '1 of 5 record(s) are invalid; nothing was stored',
      details: errors,
    });
  });

  it('stores into the claim periods decided unless they changed meanwhile', () => {
    const decided = new Map([['2026-09', { period: '2026-09', rolledOver: false }]]);
    expect(confirmClaimPeriods(decided, decided)).toEqual(new Map([['2026-09', '2026-09']]));
    expect(refusal(() => confirmClaimPeriods(decided, new Map([['2026-09', { period: '2026-10', rolledOver: true }]])))).toMatchObject({
      code: 'CLAIM_PERIOD_CHANGED',
      kind: 'conflict',
      details: [{ field: 'settlementDate', rule: 'retry', message: '2026-09' }],
    });
    expect(concurrentIntake()).toMatchObject({ code: 'CONCURRENT_INTAKE', kind: 'conflict' });
  });

  it('tells where a batch landed: each claim period, its records and the months rolled into it', () => {
    const claimPeriodOf = new Map([
      ['2026-08', '2026-10'],
      ['2026-09', '2026-10'],
      ['2026-10', '2026-10'],
      ['2026-11', '2026-11'],
    ]);
    const months = ['2026-10', '2026-11', '2026-09', '2026-10', '2026-08', '2026-09', '2026-09'];
    expect(claimPeriodLandings(months, claimPeriodOf)).toEqual([
      {
        period: '2026-10',
        records: 6,
        rolledOver: [
          { settledIn: '2026-08', records: 1 },
          { settledIn: '2026-09', records: 3 },
        ],
      },
      { period: '2026-11', records: 1, rolledOver: [] },
    ]);
    expect(claimPeriodLandings([], claimPeriodOf)).toEqual([]);
  });

  it('accounts for every stored record exactly once across the claim periods', () => {
    const month = fc.integer({ min: 1, max: 12 }).map((m) => `2026-${String(m).padStart(2, '0')}`);
    fc.assert(
      fc.property(fc.array(month, { maxLength: 60 }), fc.integer({ min: 0, max: 3 }), (months, shift) => {
        const claimPeriodOf = new Map(months.map((m) => [m, `2026-${String(Math.min(12, Number(m.slice(5)) + shift)).padStart(2, '0')}`]));
        const landings = claimPeriodLandings(months, claimPeriodOf);
        expect(landings.reduce((n, l) => n + l.records, 0)).toBe(months.length);
        for (const l of landings) {
          expect(l.rolledOver.every((r) => r.settledIn < l.period && claimPeriodOf.get(r.settledIn) === l.period)).toBe(true);
          expect(l.rolledOver.reduce((n, r) => n + r.records, 0)).toBe(
            months.filter((m) => m !== l.period && claimPeriodOf.get(m) === l.period).length,
          );
        }
      }),
    );
  });

  it('reads uploaded files with settlement record columns only, by field name or Chinese header', () => {
    expect(recordFieldsOfColumns(['externalId', 'unitCode'])).toEqual(['externalId', 'unitCode']);
    expect(recordFieldsOfColumns(['结算流水号', '机构编码', '结算日期', '统筹基金支付', 'selfPaid'])).toEqual([
      'externalId',
      'unitCode',
      'settlementDate',
      'fundPaid',
      'selfPaid',
    ]);
    expect(refusal(() => recordFieldsOfColumns(['externalId', 'colour']))).toMatchObject({
      code: 'BATCH_REJECTED',
      message: 'column headers: colour (unknownColumn)',
      details: [{ row: 1, field: 'colour', rule: 'unknownColumn' }],
    });
    // Two columns for one field: the last would silently win.
    expect(refusal(() => recordFieldsOfColumns(['fundPaid', '统筹基金支付']))).toMatchObject({
      code: 'BATCH_REJECTED',
      details: [{ row: 1, field: '统筹基金支付', rule: 'uniqueColumn' }],
    });
    expect(requireFile('f')).toBe('f');
    expect(refusal(() => requireFile(undefined)).code).toBe('FILE_REQUIRED');
  });
});

describe('out-of-county imports (SPEC §4 step 7)', () => {
  const record = (externalId: string, fundPaid = '10.00') => ({
    externalId,
    hospitalName: 'H',
    insuredId: 'I',
    settlementDate: '2026-09-03',
    totalCost: '20.00',
    fundPaid,
  });

  it('checks every record and rejects the import on any problem, naming rows', () => {
    const checked = checkOutOfCountyBatch('2026-09', [record('a'), record('b')], '2026-10-01', (r) => `h-${r.externalId}`);
    expect(checked.map((c) => [c.row, c.hash])).toEqual([
      [1, 'h-a'],
      [2, 'h-b'],
    ]);
    const e = refusal(() => checkOutOfCountyBatch('2026-9', [record('a'), record('a')], '2026-10-01', () => 'h'));
    expect(e.code).toBe('BATCH_REJECTED');
    expect(e.details.map((d) => `${d.row ?? ''}:${d.rule}`)).toEqual([':period', '2:uniqueInBatch']);
    expect(refusal(() => checkOutOfCountyBatch('2026-09', [], '2026-10-01', () => 'h')).details[0].rule).toBe('notEmpty');
  });

  it('skips records imported before with the same content and refuses changed ones', () => {
    const checked = checkOutOfCountyBatch('2026-09', [record('a'), record('b')], '2026-10-01', (r) => `h-${r.externalId}`);
    expect(newOutOfCountySettlements(checked, new Map([['a', 'h-a']])).map((c) => c.externalId)).toEqual(['b']);
    expect(refusal(() => newOutOfCountySettlements(checked, new Map([['a', 'other']]))).details).toEqual([
      { row: 1, field: 'externalId', rule: 'conflict', message: 'externalId a was imported with other content' },
    ]);
  });
});
