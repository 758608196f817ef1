import fc from 'fast-check';
import { checkSettlementRecord, maskInsuredId, parseFen, SettlementRecordInput } from './settlement-record';

const ctx = { allowedUnits: new Set(['WS-TC-01', 'WS-VC-01-01']), today: '2026-11-22' };
const good: SettlementRecordInput = {
  externalId: 'HIS-2026-000001',
  unitCode: 'WS-VC-01-01',
  insuredId: '532927199001011234',
  visitType: 'OUTPATIENT',
  visitDate: '2026-10-08',
  settlementDate: '2026-10-08',
  totalCost: '120.50',
  coveredCost: '100.00',
  fundPaid: '60.00',
  criticalIllnessPaid: '0',
  medicalAidPaid: '10.00',
  selfPaid: '50.50',
  diagnosisCode: 'J06.9',
};
const rules = (input: SettlementRecordInput) => {
  const r = checkSettlementRecord(input, ctx);
  return 'errors' in r ? r.errors.map((e) => `${e.field}:${e.rule}`) : [];
};

describe('settlement record checks (SPEC §4)', () => {
  it('takes visit types and the pathway flag by their Chinese names too', () => {
    const read = (input: SettlementRecordInput) => {
      const r = checkSettlementRecord(input, ctx);
      if (!('record' in r)) throw new Error(JSON.stringify(r.errors));
      return r.record;
    };
    expect(read({ ...good, visitType: '门诊', clinicalPathway: '是' })).toMatchObject({ visitType: 'OUTPATIENT', clinicalPathway: true });
    expect(read({ ...good, visitType: '门诊慢特病', clinicalPathway: '否' })).toMatchObject({
      visitType: 'CHRONIC_SPECIAL',
      clinicalPathway: false,
    });
    expect(read({ ...good, visitType: '生育' }).visitType).toBe('MATERNITY');
  });

  it('accepts a consistent record and converts amounts to fen', () => {
    const r = checkSettlementRecord(good, ctx);
    expect('record' in r && r.record.amounts).toEqual({
      totalCost: 12050n,
      coveredCost: 10000n,
      fundPaid: 6000n,
      criticalIllnessPaid: 0n,
      medicalAidPaid: 1000n,
      selfPaid: 5050n,
    });
  });

  it('takes text only: a number or boolean is not turned into text, an object or array not dropped', () => {
    expect(rules({ ...good, externalId: 12345 })).toEqual(['externalId:string']);
    expect(rules({ ...good, externalId: true })).toEqual(['externalId:string']);
    expect(rules({ ...good, diagnosisCode: { code: 'J06.9' } })).toEqual(['diagnosisCode:string']);
    expect(rules({ ...good, referralNo: ['R-1'], selfPaid: '50.49' })).toEqual(['referralNo:string', 'totalCost:paymentsSumToTotal']);
    expect(rules({ ...good, fundPaid: 60 })).toEqual(['fundPaid:amountAsText']);
    expect(rules({ ...good, clinicalPathway: true })).toEqual([]);
  });

  it('names every broken rule with its field', () => {
    expect(rules({ ...good, selfPaid: '50.49' })).toEqual(['totalCost:paymentsSumToTotal']);
    expect(rules({ ...good, fundPaid: '100.01', selfPaid: '10.49' })).toEqual(['fundPaid:notAboveCovered']);
    expect(rules({ ...good, coveredCost: '120.51' })).toEqual(['coveredCost:notAboveTotal']);
    expect(rules({ ...good, totalCost: '-1', fundPaid: '1.001' })).toEqual(['totalCost:amount', 'fundPaid:amount']);
    expect(rules({ ...good, unitCode: 'WS-TC-02' })).toEqual(['unitCode:submitterOrVillage']);
    expect(rules({ ...good, visitDate: '2026-02-30' })).toEqual(['visitDate:date']);
    expect(rules({ ...good, settlementDate: '2026-11-23', visitDate: '2026-11-23' })).toEqual([
      'visitDate:notInFuture',
      'settlementDate:notInFuture',
    ]);
    expect(rules({ ...good, visitType: 'INPATIENT' })).toEqual([
      'admissionDate:requiredForInpatient',
      'dischargeDate:requiredForInpatient',
    ]);
    expect(rules({ ...good, visitType: 'DENTAL' })).toEqual(['visitType:isIn']);
    expect(rules({ ...good, visitType: '牙科' })).toEqual(['visitType:isIn']);
    expect(rules({ ...good, clinicalPathway: 'maybe' })).toEqual(['clinicalPathway:boolean']);
    expect(rules({ ...good, diagnosisCode: 'flu' })).toEqual(['diagnosisCode:icd10']);
    expect(rules({ ...good, fundPaid: 60 })).toEqual(['fundPaid:amountAsText']);
    expect(rules({ ...good, externalId: undefined, insuredId: '' })).toEqual(['externalId:required', 'insuredId:required']);
  });

  it('checks inpatient dates in order', () => {
    const inpatient = {
      ...good,
      visitType: 'INPATIENT',
      visitDate: undefined,
      admissionDate: '2026-10-01',
      dischargeDate: '2026-10-07',
      settlementDate: '2026-10-07',
    };
    expect(rules(inpatient)).toEqual([]);
    expect(rules({ ...inpatient, dischargeDate: '2026-09-30' })).toEqual(['dischargeDate:afterAdmission']);
    expect(rules({ ...inpatient, settlementDate: '2026-10-06' })).toEqual(['settlementDate:afterCare']);
  });

  it('parses any amount with at most two decimals exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 17n - 1n }), (fen) => {
        const textual = `${fen / 100n}.${String(fen % 100n).padStart(2, '0')}`;
        expect(parseFen(textual)).toBe(fen);
      }),
      { numRuns: 2000 },
    );
    expect(parseFen('1.5')).toBe(150n);
    expect(parseFen('1e3')).toBeNull();
    expect(parseFen('0.001')).toBeNull();
  });

  it('masks insured ids', () => {
    expect(maskInsuredId('532927199001011234')).toBe('532*************34');
  });
});
