import { Dec, Money } from './money';
import { DomainError } from './domain-error';

/**
 * Splits `total` into parts proportional to `weights`, in whole fen, so that the parts sum
 * exactly to the total (SPEC §2): each part gets the floor of its exact share, and the fen
 * left over go one each to the largest remainders, ties to the earlier part. Callers order
 * parts by a stable key (e.g. institution code). Negative totals split symmetrically.
 */
export function splitByLargestRemainder(total: Money, weights: readonly Dec[]): Money[] {
  if (weights.length === 0) throw new DomainError('SPLIT_WITHOUT_PARTS', 'unprocessable', 'nothing to split the amount between');
  const ws = weights.map((w) => new Dec(w));
  if (ws.some((w) => w.isNegative())) throw new DomainError('SPLIT_NEGATIVE_WEIGHT', 'unprocessable', 'split weights cannot be negative');
  const weightSum = ws.reduce((a, b) => a.plus(b), new Dec(0));
  if (weightSum.isZero()) throw new DomainError('SPLIT_ZERO_WEIGHTS', 'unprocessable', 'split weights are all zero');

  const totalCents = total.toCents();
  const sign = totalCents < 0n ? -1n : 1n;
  const absCents = new Dec((totalCents * sign).toString());
  const exact = ws.map((w) => absCents.times(w).dividedBy(weightSum));
  const floors = exact.map((e) => BigInt(e.floor().toFixed(0)));
  let leftover = totalCents * sign - floors.reduce((a, b) => a + b, 0n);
  const order = exact
    .map((e, i) => ({ i, remainder: e.minus(e.floor()) }))
    .sort((a, b) => b.remainder.comparedTo(a.remainder) || a.i - b.i);
  for (const { i } of order) {
    if (leftover === 0n) break;
    floors[i] += 1n;
    leftover -= 1n;
  }
  return floors.map((c) => Money.fromCents(c * sign));
}
