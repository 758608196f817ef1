import fc from 'fast-check';
import { DomainError } from './domain-error';
import { splitByLargestRemainder, splitInCodeOrder } from './largest-remainder';
import { Dec, Money } from './money';

const texts = (m: Money[]) => m.map((x) => x.toString());
const ws = (...w: (number | string)[]) => w.map((x) => new Dec(x));

describe('splitByLargestRemainder (SPEC §2)', () => {
  it('splits 100.00 three ways as 33.34 + 33.33 + 33.33', () => {
    expect(texts(splitByLargestRemainder(Money.of('100.00'), ws(1, 1, 1)))).toEqual(['33.34', '33.33', '33.33']);
  });

  it('gives leftover fen to the largest remainders, ties to the earlier part', () => {
    expect(texts(splitByLargestRemainder(Money.of('0.05'), ws(1, 1)))).toEqual(['0.03', '0.02']);
    expect(texts(splitByLargestRemainder(Money.of('10.00'), ws(1, 2)))).toEqual(['3.33', '6.67']);
    // 0.02 over 1:1:1: remainders tie three ways, the first two parts win.
    expect(texts(splitByLargestRemainder(Money.of('0.02'), ws(1, 1, 1)))).toEqual(['0.01', '0.01', '0.00']);
    // 0.10 by 1:2:4 is 1.43, 2.86, 5.71 fen: the later .86 and .71 remainders beat the earlier .43.
    expect(texts(splitByLargestRemainder(Money.of('0.10'), ws(1, 2, 4)))).toEqual(['0.01', '0.03', '0.06']);
  });

  it('splits exactly by decimal weights such as the shares of the net base', () => {
    expect(texts(splitByLargestRemainder(Money.of('198328791.21'), ws('0.765', '0.085', '0.15')))).toEqual([
      '151721525.28',
      '16857947.25',
      '29749318.68',
    ]);
  });

  it('splits negative totals as the mirror image of the positive split', () => {
    expect(texts(splitByLargestRemainder(Money.of('-100.00'), ws(1, 1, 1)))).toEqual(['-33.34', '-33.33', '-33.33']);
  });

  it('gives zero-weight parts nothing, and zero splits into zeros', () => {
    expect(texts(splitByLargestRemainder(Money.of('0.03'), ws(0, 1, 0, 1)))).toEqual(['0.00', '0.02', '0.00', '0.01']);
    expect(texts(splitByLargestRemainder(Money.ZERO, ws(1, 2)))).toEqual(['0.00', '0.00']);
  });

  it('refuses nothing to split into, negative weights and all-zero weights, with codes', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof DomainError ? `${e.code}/${e.kind}` : String(e);
      }
      return 'no error';
    };
    expect(code(() => splitByLargestRemainder(Money.of('1'), []))).toBe('SPLIT_WITHOUT_PARTS/unprocessable');
    expect(code(() => splitByLargestRemainder(Money.of('1'), ws(-1, 2)))).toBe('SPLIT_NEGATIVE_WEIGHT/unprocessable');
    expect(code(() => splitByLargestRemainder(Money.of('1'), ws(0, 0)))).toBe('SPLIT_ZERO_WEIGHTS/unprocessable');
    expect(code(() => splitByLargestRemainder(Money.of('1'), [new Dec(Infinity)]))).toBe('SPLIT_NEGATIVE_WEIGHT/unprocessable');
  });

  const weightsArb = fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 30 }).filter((w) => w.some((x) => x > 0));

  it('always sums exactly, stays strictly within a fen of the exact share, and never goes negative', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 15n }), weightsArb, (totalCents, weights) => {
        const parts = splitByLargestRemainder(
          Money.fromCents(totalCents),
          weights.map((w) => new Dec(w)),
        ).map((p) => p.toCents());
        const sum = BigInt(weights.reduce((a, b) => a + b, 0));
        // |part − total × w / Σw| < 1 fen, in integers: |part × Σw − total × w| < Σw.
        const off = parts.map((p, i) => p * sum - totalCents * BigInt(weights[i]));
        return (
          parts.length === weights.length &&
          parts.reduce((a, b) => a + b, 0n) === totalCents &&
          off.every((d) => d > -sum && d < sum) &&
          parts.every((p, i) => p >= 0n && (weights[i] > 0 || p === 0n))
        );
      }),
      { numRuns: 3000 },
    );
  });

  it('hands out at most one spare fen per part, largest remainders first, ties to the earlier part', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 9n }), weightsArb, (totalCents, weights) => {
        const parts = splitByLargestRemainder(
          Money.fromCents(totalCents),
          weights.map((w) => new Dec(w)),
        );
        const sum = BigInt(weights.reduce((a, b) => a + b, 0));
        const rem = weights.map((w) => (totalCents * BigInt(w)) % sum);
        const bumped = parts.map((p, i) => p.toCents() - (totalCents * BigInt(weights[i])) / sum);
        if (!bumped.every((b) => b === 0n || b === 1n)) return false;
        // Every bumped part ranks before every part that was not bumped.
        for (let i = 0; i < weights.length; i++) {
          for (let j = 0; j < weights.length; j++) {
            if (bumped[i] === 1n && bumped[j] === 0n && !(rem[i] > rem[j] || (rem[i] === rem[j] && i < j))) return false;
          }
        }
        return true;
      }),
      { numRuns: 3000 },
    );
  });

  it('splits a negative total as the negation of the positive split', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 15n }), weightsArb, (totalCents, weights) => {
        const w = weights.map((x) => new Dec(x));
        const pos = splitByLargestRemainder(Money.fromCents(totalCents), w);
        const neg = splitByLargestRemainder(Money.fromCents(-totalCents), w);
        expect(neg.map((m) => m.toCents())).toEqual(pos.map((m) => -m.toCents()));
      }),
      { numRuns: 1000 },
    );
  });

  it('gives the same split for weights scaled by any positive decimal factor', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), weightsArb, fc.integer({ min: 1, max: 10_000 }), (totalCents, weights, f) => {
        const factor = new Dec(f).dividedBy(1000);
        const a = splitByLargestRemainder(
          Money.fromCents(totalCents),
          weights.map((w) => new Dec(w)),
        );
        const b = splitByLargestRemainder(
          Money.fromCents(totalCents),
          weights.map((w) => new Dec(w).times(factor)),
        );
        expect(texts(b)).toEqual(texts(a));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('splitInCodeOrder', () => {
  it('orders by code before splitting, so ties go to the earlier code whatever the input order', () => {
    const parts = [
      { code: 'WS-TC-02', w: 1 },
      { code: 'WS-LEAD', w: 1 },
      { code: 'WS-TC-01', w: 1 },
    ];
    const split = splitInCodeOrder(Money.of('100.00'), parts, (p) => new Dec(p.w));
    expect(split.map((s) => `${s.part.code}=${s.amount}`)).toEqual(['WS-LEAD=33.34', 'WS-TC-01=33.33', 'WS-TC-02=33.33']);
  });

  it('refuses a code given twice', () => {
    expect(() => splitInCodeOrder(Money.of('1'), [{ code: 'A' }, { code: 'A' }], () => new Dec(1))).toThrow(
      expect.objectContaining({ code: 'SPLIT_DUPLICATE_CODE' }),
    );
  });

  it('does not depend on the input order', () => {
    fc.assert(
      fc.property(
        fc
          .uniqueArray(fc.record({ code: fc.stringMatching(/^[A-Z0-9]{2,6}$/), w: fc.integer({ min: 0, max: 1000 }) }), {
            minLength: 1,
            maxLength: 12,
            selector: (p) => p.code,
          })
          .filter((ps) => ps.some((p) => p.w > 0)),
        fc.bigInt({ min: 0n, max: 10n ** 10n }),
        fc.nat(),
        (parts, cents, seed) => {
          const shuffled = [...parts].sort((a, b) => ((a.code.charCodeAt(0) * 31 + seed) % 7) - ((b.code.charCodeAt(0) * 31 + seed) % 7));
          const one = splitInCodeOrder(Money.fromCents(cents), parts, (p) => new Dec(p.w));
          const two = splitInCodeOrder(Money.fromCents(cents), shuffled, (p) => new Dec(p.w));
          expect(two.map((s) => `${s.part.code}=${s.amount}`)).toEqual(one.map((s) => `${s.part.code}=${s.amount}`));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
