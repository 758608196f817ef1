import fc from 'fast-check';
import { Dec, Money, MoneyFormatError } from './money';

describe('Money', () => {
  it('parses exact yuan amounts and prints two decimals', () => {
    expect(Money.of('1234.5').toString()).toBe('1234.50');
    expect(Money.of('-0.01').toString()).toBe('-0.01');
    expect(Money.of('0').toJSON()).toBe('0.00');
  });

  it.each(['0.001', '1e3', 'abc', '', '12345678901234567.00', ' 1.2.3'])('rejects "%s"', (bad) => {
    expect(() => Money.of(bad)).toThrow(MoneyFormatError);
  });

  it('adds 0.1 and 0.2 exactly', () => {
    expect(Money.of('0.1').plus(Money.of('0.2')).toString()).toBe('0.30');
  });

  it('rounds half up to the fen, away from zero for halves', () => {
    expect(Money.roundHalfUp(new Dec('0.005')).toString()).toBe('0.01');
    expect(Money.roundHalfUp(new Dec('0.0049999')).toString()).toBe('0.00');
    expect(Money.roundHalfUp(new Dec('-0.005')).toString()).toBe('-0.01');
    expect(Money.roundHalfUp(Money.of('198328791.21').times('0.765')).toString()).toBe('151721525.28');
  });

  it('converts to and from cents without loss', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 17n), max: 10n ** 17n }), (cents) => {
        expect(Money.fromCents(cents).toCents()).toBe(cents);
        expect(Money.of(Money.fromCents(cents).toString()).toCents()).toBe(cents);
      }),
    );
  });

  it('sums like integer cents', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n })), (cents) => {
        const total = Money.sum(cents.map(Money.fromCents));
        expect(total.toCents()).toBe(cents.reduce((a, b) => a + b, 0n));
      }),
    );
  });

  it('shows 万元 exactly', () => {
    expect(Money.of('167079472.53').toWanYuan()).toBe('16707.947253');
  });
});
