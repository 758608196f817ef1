import { countyExpenditureToDate, expenditureToDate, primaryShareToDate, projectedPrimaryShare } from './consumption';
import { Money } from './money';

describe('expenditure to date (SPEC §13)', () => {
  it('is member approved plus out of county', () => {
    expect(expenditureToDate({ memberApproved: Money.of('500000.00'), outOfCounty: Money.of('100000.01') }).toString()).toBe('600000.01');
  });

  it('of the county fund adds the private institutions', () => {
    expect(
      countyExpenditureToDate({
        memberApproved: Money.of('500000.00'),
        outOfCounty: Money.of('100000.00'),
        privateApproved: Money.of('0.02'),
      }).toString(),
    ).toBe('600000.02');
  });
});

describe('primary share (SPEC §13)', () => {
  it('to date is primary expenditure ÷ all expenditure to date, zero before any spending', () => {
    expect(primaryShareToDate(Money.of('2100.00'), Money.of('96000.00')).toFixed(4)).toBe('0.0219');
    expect(primaryShareToDate(Money.ZERO, Money.ZERO).toFixed(4)).toBe('0.0000');
  });

  it('projected is primary expenditure × 12 ÷ elapsed months ÷ M', () => {
    expect(projectedPrimaryShare(Money.of('2100.00'), 6, Money.of('120000.00')).toFixed(4)).toBe('0.0350');
    expect(projectedPrimaryShare(Money.of('30000.00'), 12, Money.of('120000.00')).toFixed(4)).toBe('0.2500');
  });
});
