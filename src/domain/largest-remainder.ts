import { DomainError } from './domain-error';
import { Dec, Money } from './money';

/**
 * Splits `total` into parts proportional to `weights`, in whole fen, so that the parts sum
 * exactly to the total (SPEC §2, 最大余额法): each part gets the floor of its exact share,
 * and the fen left over go one each to the largest remainders, ties to the earlier part.
 * Callers put the parts in a stable order first (see `splitInCodeOrder`). A negative total
 * splits as the mirror image of its absolute value.
 *
 * The shares are computed on integers (weights scaled to whole numbers), so remainders
 * compare exactly and no ordering depends on a rounded quotient.
 */
export function splitByLargestRemainder(total: Money, weights: readonly Dec[]): Money[] {
  const scaled = integerWeights(weights);
  const weightSum = scaled.reduce((a, b) => a + b, 0n);
  if (weightSum === 0n) {
    throw new DomainError('SPLIT_ZERO_WEIGHTS', 'unprocessable', 'split weights are all zero: there is nothing to share the amount by', [
      { field: 'weights', rule: 'notAllZero', message: 'at least one weight must be positive' },
    ]);
  }
  const totalCents = total.toCents();
  const sign = totalCents < 0n ? -1n : 1n;
  const cents = totalCents * sign;
  const parts = scaled.map((w) => (cents * w) / weightSum);
  const remainders = scaled.map((w) => (cents * w) % weightSum);
  let leftover = cents - parts.reduce((a, b) => a + b, 0n);
  const byRemainder = remainders
    .map((_, i) => i)
    .sort((a, b) => (remainders[a] === remainders[b] ? a - b : remainders[a] > remainders[b] ? -1 : 1));
  // leftover < number of parts with a non-zero remainder, so zero weights never get a fen.
  for (let k = 0; leftover > 0n; k++, leftover--) parts[byRemainder[k]] += 1n;
  return parts.map((c) => Money.fromCents(c * sign));
}

/** Scales decimal weights by a common power of ten into exact integers. */
function integerWeights(weights: readonly Dec[]): bigint[] {
  if (weights.length === 0) {
    throw new DomainError('SPLIT_WITHOUT_PARTS', 'unprocessable', 'nothing to split the amount between', [
      { field: 'weights', rule: 'notEmpty', message: 'at least one part is needed' },
    ]);
  }
  const ws = weights.map((w) => new Dec(w));
  ws.forEach((w, i) => {
    if (!w.isFinite() || w.isNegative()) {
      throw new DomainError(
        'SPLIT_NEGATIVE_WEIGHT',
        'unprocessable',
        `split weights cannot be negative or infinite (part ${i + 1} has ${w.toString()})`,
        [{ field: `weights.${i}`, rule: 'nonNegative', message: w.toString() }],
      );
    }
  });
  const scale = new Dec(10).pow(Math.max(...ws.map((w) => w.decimalPlaces())));
  return ws.map((w) => BigInt(w.times(scale).toFixed(0)));
}

/** Plain code-unit order: the same in every locale and on every host. */
export function compareCodes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Orders the parts by their code (the stable order of SPEC §2, e.g. institution code) and
 * splits `total` by `weightOf` in that order. Codes must be unique.
 */
export function splitInCodeOrder<T extends { code: string }>(
  total: Money,
  parts: readonly T[],
  weightOf: (part: T) => Dec,
): { part: T; amount: Money }[] {
  const ordered = [...parts].sort((a, b) => compareCodes(a.code, b.code));
  const twice = ordered.find((p, i) => i > 0 && ordered[i - 1].code === p.code);
  if (twice) {
    throw new DomainError('SPLIT_DUPLICATE_CODE', 'unprocessable', `${twice.code} appears twice among the parts of a split`, [
      { field: 'code', rule: 'unique', message: twice.code },
    ]);
  }
  const amounts = splitByLargestRemainder(total, ordered.map(weightOf));
  return ordered.map((part, i) => ({ part, amount: amounts[i] }));
}
