import { assertPassDownPayer, assertPassDownPaymentDate, memberPassDowns, villagePassDowns } from './pass-down';
import { Money } from './money';
import { refusal } from './refusal.spec-helper';

const yuan = (s: string) => Money.of(s);

describe('pass-downs (SPEC §4 step 6)', () => {
  it('splits what the lead received by approved amount, marking the lead’s own share', () => {
    const { shares } = memberPassDowns('C1', { id: 1, code: 'L' }, yuan('90.00'), [
      { institutionId: 1, code: 'L', approved: yuan('50.00') },
      { institutionId: 2, code: 'T', approved: yuan('50.00') },
    ]);
    expect(shares.map((s) => [s.code, s.amount.toString(), s.own])).toEqual([
      ['L', '45.00', true],
      ['T', '45.00', false],
    ]);
  });

  it('records the lead’s own share and a member with nothing approved as paid on receipt: nothing is transferred', () => {
    const { shares } = memberPassDowns('C1', { id: 1, code: 'L' }, yuan('90.00'), [
      { institutionId: 1, code: 'L', approved: yuan('50.00') },
      { institutionId: 2, code: 'T', approved: yuan('40.00') },
      { institutionId: 3, code: 'U', approved: yuan('0.00') },
    ]);
    expect(shares.map((s) => [s.code, s.amount.toString(), s.paidOnReceipt])).toEqual([
      ['L', '50.00', true],
      ['T', '40.00', false],
      ['U', '0.00', true],
    ]);
  });

  it('needs an active lead unit to receive the disbursement', () => {
    expect(refusal(() => memberPassDowns('C1', undefined, yuan('1.00'), []))).toMatchObject({
      code: 'NO_LEAD_UNIT',
      kind: 'conflict',
      message: 'community C1 has no active lead unit to receive the disbursement',
    });
  });

  it('passes a township’s villages their shares and keeps its own; none when only the township provided care', () => {
    const units = [
      { unitId: 5, code: 'T', approved: yuan('60.00') },
      { unitId: 6, code: 'V', approved: yuan('40.00') },
    ];
    expect(villagePassDowns(5, yuan('50.00'), units).map((u) => [u.code, u.amount.toString()])).toEqual([['V', '20.00']]);
    expect(villagePassDowns(5, yuan('50.00'), units.slice(0, 1))).toEqual([]);
  });

  it('is recorded by its payer only', () => {
    expect(() => assertPassDownPayer({ id: 1, code: 'L' }, { id: 1, code: 'L' })).not.toThrow();
    expect(refusal(() => assertPassDownPayer({ id: 1, code: 'L' }, { id: 2, code: 'T' }))).toMatchObject({
      code: 'NOT_THE_PAYER',
      kind: 'forbidden',
      message: 'L pays this pass-down; T cannot record it',
      details: [{ field: 'id', rule: 'payer', message: 'L' }],
    });
  });

  it('is paid neither in the future nor before receipt', () => {
    expect(refusal(() => assertPassDownPaymentDate('2026-10-12', '2026-10-05', '2026-10-11')).details[0].rule).toBe('notFuture');
    expect(refusal(() => assertPassDownPaymentDate('2026-10-04', '2026-10-05', '2026-10-11'))).toMatchObject({
      message: 'the payment date 2026-10-04 is before the funds were received (2026-10-05)',
      details: [{ field: 'paidOn', rule: 'afterReceipt', message: '2026-10-04' }],
    });
  });
});
