import fc from 'fast-check';
import { splitByLargestRemainder } from './largest-remainder';
import { Dec, Money } from './money';

const cents = (m: Money[]) => m.map((x) => x.toString());

describe('splitByLargestRemainder (SPEC §2)', () => {
  it('splits 100.00 three ways as 33.34 + 33.33 + 33.33', () => {
    expect(cents(splitByLargestRemainder(Money.of('100.00'), [new Dec(1), new Dec(1), new Dec(1)]))).toEqual(['33.34', '33.33', '33.33']);
  });

  it('gives leftover fen to the largest remainders, ties to the earlier part', () => {
    expect(cents(splitByLargestRemainder(Money.of('0.05'), [new Dec(1), new Dec(1)]))).toEqual(['0.03', '0.02']);
    expect(cents(splitByLargestRemainder(Money.of('10.00'), [new Dec(1), new Dec(2)]))).toEqual(['3.33', '6.67']);
  });

  it('splits negative totals symmetrically', () => {
    expect(cents(splitByLargestRemainder(Money.of('-100.00'), [new Dec(1), new Dec(1), new Dec(1)]))).toEqual(['-33.34', '-33.33', '-33.33']);
  });

  it('refuses nothing to split into, negative or all-zero weights', () => {
    expect(() => splitByLargestRemainder(Money.of('1'), [])).toThrow('nothing to split');
    expect(() => splitByLargestRemainder(Money.of('1'), [new Dec(-1), new Dec(2)])).toThrow('negative');
    expect(() => splitByLargestRemainder(Money.of('1'), [new Dec(0)])).toThrow('all zero');
  });

  it('always sums exactly, stays within a fen of the exact share, and never goes negative', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 30 }).filter((w) => w.some((x) => x > 0)),
        (totalCents, weights) => {
          const total = Money.fromCents(totalCents);
          const parts = splitByLargestRemainder(total, weights.map((w) => new Dec(w)));
          expect(Money.sum(parts).toCents()).toBe(totalCents);
          const weightSum = weights.reduce((a, b) => a + b, 0);
          parts.forEach((p, i) => {
            const exact = total.toDecimal().times(weights[i]).dividedBy(weightSum);
            expect(p.toDecimal().minus(exact).abs().lte('0.01')).toBe(true);
            expect(p.isNegative()).toBe(false);
          });
        },
      ),
      { numRuns: 3000 },
    );
  });
});
