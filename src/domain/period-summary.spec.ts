import { Money } from './money';
import { periodMoney, PeriodLedger } from './period-summary';

const y = (s: string) => Money.of(s);
const ledger = (over: Partial<PeriodLedger> = {}): PeriodLedger => ({
  deposit: y('5.00'),
  payable: y('95.00'),
  advanceOffset: Money.ZERO,
  disbursed: y('95.00'),
  passedDownToMembers: y('60.00'),
  passedDownToVillages: y('20.00'),
  outOfCounty: y('7.00'),
  ...over,
});

describe('a period’s money after the declaration (SPEC §4)', () => {
  const docs = {
    declaration: { state: 'DISBURSED', cash: y('95.00'), deposit: y('5.00'), advanceOffset: Money.ZERO },
    passDowns: [
      { level: 'MEMBER' as const, state: 'PAID' as const, amount: y('60.00') },
      { level: 'MEMBER' as const, state: 'DUE' as const, amount: y('35.00') },
      { level: 'VILLAGE' as const, state: 'PAID' as const, amount: y('20.00') },
      { level: 'VILLAGE' as const, state: 'DUE' as const, amount: y('10.00') },
    ],
    outOfCountyFunded: y('7.00'),
  };

  it('sums what was disbursed, passed down and is outstanding at each level, reconciled with the ledger', () => {
    const m = periodMoney(docs, ledger());
    expect([m.disbursed, m.passedDownToMembers, m.passedDownToVillages].map(String)).toEqual(['95.00', '60.00', '20.00']);
    expect([m.outstanding.atBureau, m.outstanding.atLeadUnit, m.outstanding.atTownships].map(String)).toEqual(['0.00', '35.00', '10.00']);
    expect(m.reconciled).toBe(true);
  });

  it('is not reconciled when a transfer differs by a fen, or townships passed down more than they received', () => {
    expect(periodMoney(docs, ledger({ outOfCounty: y('7.01') })).reconciled).toBe(false);
    const over = { ...docs, passDowns: [{ level: 'VILLAGE' as const, state: 'PAID' as const, amount: y('1.00') }] };
    expect(periodMoney(over, ledger({ passedDownToMembers: Money.ZERO, passedDownToVillages: y('1.00') })).reconciled).toBe(false);
  });

  it('counts nothing disbursed before the disbursement, and all of it outstanding at the bureau', () => {
    const m = periodMoney(
      { ...docs, declaration: { ...docs.declaration, state: 'APPROVED' }, passDowns: [] },
      ledger({ disbursed: Money.ZERO }),
    );
    expect([m.disbursed.toString(), m.outstanding.atBureau.toString()]).toEqual(['0.00', '95.00']);
  });
});
