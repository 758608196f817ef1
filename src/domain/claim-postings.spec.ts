import {
  disbursementPostings,
  leadOwnSharePostings,
  outOfCountyPostings,
  passDownPaymentPostings,
  privatePaidPostings,
  privatePaymentPostings,
  quarterlyAdvancePostings,
} from './claim-postings';
import { Money } from './money';

const yuan = (s: string) => Money.of(s);
const legs = (ts: { id: string; debit: string; credit: string; amount: Money }[]) =>
  ts.map((t) => `${t.id} ${t.debit} → ${t.credit} ${t.amount.toString()}`);

describe('claim-cycle postings (SPEC §4)', () => {
  it('disburses the cash payable to the lead unit’s held funds, nothing when there is no cash', () => {
    expect(legs(disbursementPostings({ id: 4, communityCode: 'C', period: '2026-09' }, yuan('10.00'), 'R1'))).toEqual([
      'declaration.4.disbursed BUREAU_PAYABLE:C → COMMUNITY_HELD:C 10.00',
    ]);
    expect(disbursementPostings({ id: 4, communityCode: 'C', period: '2026-09' }, Money.ZERO, 'R1')).toEqual([]);
  });

  it('pays members out of the held funds and villages out of the township’s', () => {
    expect(legs(leadOwnSharePostings(7, 'C', 'L', yuan('5.00'), '2026-09'))).toEqual([
      'pass-down.7 COMMUNITY_HELD:C → MEMBER_FUNDS:L 5.00',
    ]);
    const p = { id: 8, communityCode: 'C', payerCode: 'L', payeeCode: 'T', amount: yuan('3.00'), period: '2026-09' };
    expect(legs(passDownPaymentPostings({ ...p, level: 'MEMBER' }))).toEqual(['pass-down.8 COMMUNITY_HELD:C → MEMBER_FUNDS:T 3.00']);
    expect(legs(passDownPaymentPostings({ ...p, level: 'VILLAGE', payerCode: 'T', payeeCode: 'V' }))).toEqual([
      'pass-down.8 MEMBER_FUNDS:T → MEMBER_FUNDS:V 3.00',
    ]);
  });

  it('settles and pays private institutions out of the private pool', () => {
    expect(legs(privatePaymentPostings(2, 'P', '2026-03', { deposit: yuan('1.00'), cash: yuan('19.00') }))).toEqual([
      'private-payment.2.deposit PRIVATE_POOL → PRIVATE_DEPOSIT:P 1.00',
      'private-payment.2.payable PRIVATE_POOL → PRIVATE_PAYABLE:P 19.00',
    ]);
    expect(legs(privatePaymentPostings(2, 'P', '2026-03', { deposit: Money.ZERO, cash: yuan('19.00') }))).toHaveLength(1);
    expect(legs(privatePaidPostings(2, 'P', '2026-03', yuan('19.00')))).toEqual([
      'private-payment.2.paid PRIVATE_PAYABLE:P → PRIVATE_PAID:P 19.00',
    ]);
  });

  it('advances from the package and pays out-of-county settlements from it', () => {
    expect(legs(quarterlyAdvancePostings('C', 2026, 2, yuan('100.00')))).toEqual([
      'advance.C.2026.Q2 COMMUNITY_PACKAGE:C → LEAD_ADVANCE:C 100.00',
    ]);
    expect(legs(outOfCountyPostings(3, 'C', '2026-09', yuan('7.00')))).toEqual([
      'out-of-county.3 COMMUNITY_PACKAGE:C → OUT_OF_COUNTY:C 7.00',
    ]);
    expect(outOfCountyPostings(3, 'C', '2026-09', Money.ZERO)).toEqual([]);
  });
});
