import { checkOutOfCountySettlement } from './out-of-county';

const good = {
  externalId: 'OC-1',
  hospitalName: '昆明医科大学第一附属医院',
  insuredId: '532927198001010001',
  settlementDate: '2026-10-12',
  totalCost: '5000.00',
  fundPaid: '3000.00',
};
const ctx = { today: '2026-10-31', period: '2026-10' };
const rules = (raw: unknown, c: { today: string; period: string | null } = ctx) => {
  const r = checkOutOfCountySettlement(raw, c);
  return 'errors' in r ? r.errors.map((e) => `${e.field}:${e.rule}`) : [];
};

describe('out-of-county settlement records (SPEC §4 step 7)', () => {
  it('accepts a complete record with exact amounts', () => {
    const r = checkOutOfCountySettlement(good, ctx);
    expect('record' in r && [r.record.fundPaid.toString(), r.record.referralNo]).toEqual(['3000.00', null]);
  });

  it('names each broken rule with its field', () => {
    expect(rules({ ...good, fundPaid: '5000.01' })).toEqual(['fundPaid:notAboveTotal']);
    expect(rules({ ...good, totalCost: 5000 })).toEqual(['totalCost:amount']);
    expect(rules({ ...good, fundPaid: '-1.00', hospitalName: '' })).toEqual(['hospitalName:required', 'fundPaid:amount']);
    expect(rules({ ...good, settlementDate: '2026-11-01' })).toEqual(['settlementDate:notFuture']);
    expect(rules({ ...good, settlementDate: '2026-09-30' })).toEqual(['settlementDate:inPeriod']);
    expect(rules({ ...good, settlementDate: '2026-09-30' }, { ...ctx, period: null })).toEqual([]);
    expect(rules({ ...good, ward: '3' })).toEqual(['ward:unknownField']);
    expect(rules([good])).toEqual([':object']);
  });
});
