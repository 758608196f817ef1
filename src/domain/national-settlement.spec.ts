import { checkSettlementRecord } from './settlement-record';
import { isNationalLayout, mapNationalRow, NationalCode, nationalDate, nationalRowOf, checkNationalCode } from './national-settlement';

const codes: NationalCode[] = [
  { kind: 'insutype', code: '390', name: '城乡居民基本医疗保险', counts: true, visitType: null },
  { kind: 'insutype', code: '310', name: '职工基本医疗保险', counts: false, visitType: null },
  { kind: 'med_type', code: '11', name: '普通门诊', counts: true, visitType: 'OUTPATIENT' },
  { kind: 'med_type', code: '21', name: '普通住院', counts: true, visitType: 'INPATIENT' },
  { kind: 'med_type', code: '41', name: '定点药店购药', counts: false, visitType: null },
  { kind: 'clr_type', code: '11', name: '门诊', counts: true, visitType: null },
  { kind: 'clr_type', code: '21', name: '住院', counts: true, visitType: null },
];
const ctx = { codes, unitOfNationalCode: new Map([['H53012300001', 'WS-TC-01']]) };
const row = {
  setl_id: 'S0001',
  mdtrt_id: 'M0001',
  psn_no: '53000000000000000001',
  insutype: '390',
  med_type: '21',
  setl_time: '2026-10-09 10:12:00',
  begndate: '2026-10-03 08:00:00',
  enddate: '2026-10-08',
  medfee_sumamt: '3000.00',
  inscp_scp_amt: '2800.00',
  hifp_pay: '2000.00',
  hifmi_pay: '100.00',
  maf_pay: '0',
  psn_cash_pay: '900.00',
  fixmedins_code: 'H53012300001',
  clr_type: '21',
  dise_codg: 'J18.9',
  refd_setl_flag: '0',
};

describe('the national settlement extract', () => {
  it('is recognised by its header', () => {
    expect(isNationalLayout(Object.keys(row))).toBe(true);
    expect(isNationalLayout(['externalId', 'totalCost'])).toBe(false);
  });

  it('maps a resident inpatient settlement to our record, which passes our checks', () => {
    const m = mapNationalRow(nationalRowOf(row), ctx);
    expect(m).toEqual({
      record: expect.objectContaining({
        externalId: 'S0001',
        unitCode: 'WS-TC-01',
        visitType: 'INPATIENT',
        admissionDate: '2026-10-03',
        dischargeDate: '2026-10-08',
        settlementDate: '2026-10-09',
        totalCost: '3000.00',
        fundPaid: '2000.00',
        criticalIllnessPaid: '100.00',
        selfPaid: '900.00',
        diagnosisCode: 'J18.9',
      }),
    });
    const checked = checkSettlementRecord((m as { record: object }).record, { allowedUnits: new Set(['WS-TC-01']), today: '2026-11-10' });
    expect('record' in checked).toBe(true);
  });

  it('reports other insurance types, uncounted care and units outside the county, not storing them', () => {
    expect(mapNationalRow(nationalRowOf({ ...row, insutype: '310' }), ctx)).toMatchObject({
      reported: { rule: 'otherInsurance', externalId: 'S0001' },
    });
    expect(mapNationalRow(nationalRowOf({ ...row, med_type: '41' }), ctx)).toMatchObject({ reported: { rule: 'notCounted' } });
    expect(mapNationalRow(nationalRowOf({ ...row, fixmedins_code: 'H99' }), ctx)).toMatchObject({ reported: { rule: 'notCountyUnit' } });
  });

  it('refuses unknown codes and missing fields, naming the national field', () => {
    expect(mapNationalRow(nationalRowOf({ ...row, insutype: '999', psn_no: '' }), ctx)).toEqual({
      errors: [
        { field: 'psn_no', rule: 'required', message: 'psn_no is required' },
        expect.objectContaining({ field: 'insutype', rule: 'knownCode' }),
      ],
    });
  });

  it('maps a refund (refd_setl_flag 1) to a record naming its original, with negative amounts', () => {
    const refund = {
      ...row,
      setl_id: 'S0002',
      refd_setl_flag: '1',
      init_setl_id: 'S0001',
      medfee_sumamt: '-3000.00',
      inscp_scp_amt: '-2800.00',
      hifp_pay: '-2000.00',
      hifmi_pay: '-100.00',
      psn_cash_pay: '-900.00',
      maf_pay: '0',
    };
    const m = mapNationalRow(nationalRowOf(refund), ctx) as { record: object };
    expect(m.record).toMatchObject({ refundOf: 'S0001' });
    const checked = checkSettlementRecord(m.record, { allowedUnits: new Set(['WS-TC-01']), today: '2026-11-10' });
    expect('record' in checked && checked.record.amounts.fundPaid).toBe(-200000n);
    expect(mapNationalRow(nationalRowOf({ ...refund, init_setl_id: '' }), ctx)).toMatchObject({ errors: [{ rule: 'requiredForRefund' }] });
  });

  it('a positive amount on a refund is refused', () => {
    const m = mapNationalRow(nationalRowOf({ ...row, setl_id: 'S3', refd_setl_flag: '1', init_setl_id: 'S0001' }), ctx) as {
      record: object;
    };
    const r = checkSettlementRecord(m.record, { allowedUnits: new Set(['WS-TC-01']), today: '2026-11-10' });
    expect('errors' in r && r.errors.map((e) => e.rule)).toContain('refundNegative');
  });

  it('reads national dates', () => {
    expect(nationalDate('20261009101200')).toBe('2026-10-09');
    expect(nationalDate('2026-10-09T10:12:00')).toBe('2026-10-09');
  });

  it('checks a code table entry as an administrator edits it', () => {
    expect(checkNationalCode({ kind: 'med_type', code: '22', name: '外伤住院', counts: true, visitType: 'INPATIENT' })).toEqual([]);
    expect(checkNationalCode({ kind: 'med_type', code: '22', name: '外伤住院', counts: true }).map((e) => e.rule)).toEqual([
      'requiredWhenCounted',
    ]);
    expect(checkNationalCode({ kind: 'x', code: '', name: '', counts: 'yes' }).map((e) => e.field)).toEqual([
      'kind',
      'code',
      'name',
      'counts',
    ]);
  });
});
