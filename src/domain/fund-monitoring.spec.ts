import fc from 'fast-check';
import { paymentCapacity, readBurn } from './fund-monitoring';
import { Money } from './money';
import { refusal } from './refusal.spec-helper';

const thresholds = { watch: '1.05', warning: '1.10', alarm: '1.20' };
const base = {
  communityPackage: Money.of('1200000.00'),
  elapsedMonths: 6,
  memberApproved: Money.of('500000.00'),
  primaryApproved: Money.of('100000.00'),
  outOfCounty: Money.of('100000.00'),
  thresholds,
  primaryFloorRate: '0.25',
};

describe('readBurn (SPEC §6 月监测)', () => {
  it('reads the burn ratio, projection and primary share', () => {
    const r = readBurn(base);
    expect(r.budgetToDate.toString()).toBe('600000.00');
    expect(r.expenditure.toString()).toBe('600000.00');
    expect(r.burnRatio).toBe('1.0000');
    expect(r.level).toBe('NORMAL');
    expect(r.projectedExpenditure.toString()).toBe('1200000.00');
    expect(r.projectedOverspend.toString()).toBe('0.00');
    expect(r.primaryShareToDate).toBe('0.1667');
    expect(r.projectedPrimaryShare).toBe('0.1667');
    expect(r.primaryBelowFloor).toBe(true);
  });

  it.each([
    ['629999.99', 'NORMAL'],
    ['630000.00', 'WATCH'],
    ['660000.00', 'WARNING'],
    ['720000.00', 'ALARM'],
  ])('expenditure %s of a 600 000 budget to date is %s', (approved, level) => {
    const r = readBurn({ ...base, memberApproved: Money.of(approved), outOfCounty: Money.ZERO });
    expect(r.level).toBe(level);
  });

  it('projects the overspend at the current pace', () => {
    const r = readBurn({ ...base, elapsedMonths: 3, memberApproved: Money.of('400000.00'), outOfCounty: Money.ZERO });
    expect(r.projectedExpenditure.toString()).toBe('1600000.00');
    expect(r.projectedOverspend.toString()).toBe('400000.00');
  });

  it('refuses impossible inputs, naming the field', () => {
    expect(refusal(() => readBurn({ ...base, elapsedMonths: 13 })).details[0].field).toBe('elapsedMonths');
    expect(refusal(() => readBurn({ ...base, primaryApproved: Money.of('600000.00') })).details[0].field).toBe('primaryApproved');
  });

  it('never reads a lower level for more spending', () => {
    const order = ['NORMAL', 'WATCH', 'WARNING', 'ALARM'];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 1, max: 12 }),
        (a, extra, months) => {
          const read = (cents: number) =>
            readBurn({
              ...base,
              elapsedMonths: months,
              memberApproved: Money.fromCents(BigInt(cents)),
              primaryApproved: Money.ZERO,
              outOfCounty: Money.ZERO,
            }).level;
          expect(order.indexOf(read(a + extra))).toBeGreaterThanOrEqual(order.indexOf(read(a)));
        },
      ),
    );
  });
});

describe('paymentCapacity (SPEC §6 可支付月数)', () => {
  it('divides the balance by the average monthly expenditure and warns below the threshold', () => {
    const r = paymentCapacity({
      fundBalance: Money.of('500000.00'),
      expenditureToDate: Money.of('1200000.00'),
      elapsedMonths: 6,
      warningMonths: '3',
    });
    expect(r.averageMonthlyExpenditure.toString()).toBe('200000.00');
    expect(r.months).toBe('2.50');
    expect(r.warning).toBe(true);
    expect(r.seasonal).toBe(true);
  });
  it('shows no months while nothing has been spent, and no seasonality from October', () => {
    expect(
      paymentCapacity({ fundBalance: Money.of('1.00'), expenditureToDate: Money.ZERO, elapsedMonths: 1, warningMonths: '3' }).months,
    ).toBeNull();
    expect(
      paymentCapacity({ fundBalance: Money.of('900.00'), expenditureToDate: Money.of('1000.00'), elapsedMonths: 10, warningMonths: '3' }),
    ).toMatchObject({ months: '9.00', warning: false, seasonal: false });
  });
});
