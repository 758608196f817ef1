import { countyExpenditureToDate, expenditureToDate } from './consumption';
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
