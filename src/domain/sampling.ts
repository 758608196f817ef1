import { DomainError } from './domain-error';
import { splitByLargestRemainder } from './largest-remainder';
import { Dec, Money } from './money';

/**
 * Sample review (抽样审核): the lead unit (on a member claim) or the bureau (on a declaration's
 * records) draws a reproducible sample, stratified by unit, reviews the sampled records, and —
 * when the county's policy says so (off by default) — applies the sample's rejection rate to the
 * records it did not sample as a deduction. Pure: the services load the records, call, persist.
 */

/** A record the sample may pick: its id and the unit (stratum) it belongs to. */
export interface SampleCandidate {
  id: number;
  unitCode: string;
}

/** How big the sample is: a share of the records (0 < share ≤ 1), or a count. Exactly one. */
export type SampleSize = { share: string; count?: undefined } | { count: number; share?: undefined };

export interface SampleSpec {
  /** Recorded with the sample: the same seed over the same records draws the same sample. */
  seed: number;
  size: SampleSize;
}

export interface SampleStratum {
  unitCode: string;
  population: number;
  sampled: number;
}

export interface DrawnSample {
  seed: number;
  population: number;
  /** Sampled record ids, ascending. */
  recordIds: number[];
  /** Per unit, in code order: how many records it has and how many were drawn. */
  strata: SampleStratum[];
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stratum's own seed: the sample's seed mixed with the unit code (FNV-1a), so strata draw independently. */
function stratumSeed(seed: number, unitCode: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < unitCode.length; i++) h = Math.imul(h ^ unitCode.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** The sample size for a population: the count (at most the population), or the share rounded half up, at least one record. */
export function sampleSizeFor(population: number, size: SampleSize): number {
  if (population === 0) return 0;
  if (size.count !== undefined) {
    if (!Number.isInteger(size.count) || size.count < 1) {
      throw new DomainError('SAMPLE_SIZE', 'unprocessable', `a sample count must be a positive whole number (got ${size.count})`, [
        { field: 'count', rule: 'positiveInteger', message: String(size.count) },
      ]);
    }
    return Math.min(size.count, population);
  }
  const share = new Dec(size.share ?? 'NaN');
  if (!share.isFinite() || share.lte(0) || share.gt(1)) {
    throw new DomainError('SAMPLE_SIZE', 'unprocessable', `a sample share must be above 0 and at most 1 (got ${size.share})`, [
      { field: 'share', rule: 'range', message: String(size.share) },
    ]);
  }
  return Math.max(1, share.times(population).toDecimalPlaces(0, Dec.ROUND_HALF_UP).toNumber());
}

/**
 * Splits `n` whole records between strata in proportion to their sizes (largest remainder, ties
 * to the earlier stratum in code order): every stratum gets the floor or the ceiling of its exact share.
 */
export function allocateByStratum(n: number, sizes: readonly number[]): number[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total === 0) return sizes.map(() => 0);
  const floors = sizes.map((s) => Math.floor((n * s) / total));
  const remainders = sizes.map((s) => (n * s) % total);
  let left = n - floors.reduce((a, b) => a + b, 0);
  const order = sizes.map((_, i) => i).sort((a, b) => remainders[b] - remainders[a] || a - b);
  for (let k = 0; left > 0; k++, left--) floors[order[k]] += 1;
  return floors;
}

/**
 * Draws the sample: the size split between units by their record counts, then, inside each unit,
 * a seeded partial shuffle of its records in id order. Same seed and same records → same sample.
 */
export function drawSample(candidates: readonly SampleCandidate[], spec: SampleSpec): DrawnSample {
  if (!Number.isInteger(spec.seed) || spec.seed < 0 || spec.seed > 0xffffffff) {
    throw new DomainError('SAMPLE_SEED', 'unprocessable', `a sample seed must be a whole number from 0 to 4294967295 (got ${spec.seed})`, [
      { field: 'seed', rule: 'range', message: String(spec.seed) },
    ]);
  }
  const byUnit = new Map<string, number[]>();
  for (const c of candidates) byUnit.set(c.unitCode, [...(byUnit.get(c.unitCode) ?? []), c.id]);
  const units = [...byUnit.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const sizes = units.map((u) => byUnit.get(u)!.length);
  const n = sampleSizeFor(candidates.length, spec.size);
  const allocation = allocateByStratum(n, sizes);
  const recordIds: number[] = [];
  const strata: SampleStratum[] = [];
  units.forEach((unitCode, i) => {
    const ids = [...byUnit.get(unitCode)!].sort((a, b) => a - b);
    const random = generator(stratumSeed(spec.seed, unitCode));
    for (let k = 0; k < allocation[i]; k++) {
      const j = k + Math.floor(random() * (ids.length - k));
      [ids[k], ids[j]] = [ids[j], ids[k]];
    }
    recordIds.push(...ids.slice(0, allocation[i]));
    strata.push({ unitCode, population: sizes[i], sampled: allocation[i] });
  });
  return { seed: spec.seed, population: candidates.length, recordIds: recordIds.sort((a, b) => a - b), strata };
}

// ---------------------------------------------------------------- extrapolation

export interface ExtrapolationInput {
  /** Fund amounts of the sampled records, and of those among them the reviewer rejected or deducted. */
  sampledAmount: Money;
  sampledRejected: Money;
  /** The claim's records that were not sampled (and not already rejected or deducted), with their amounts. */
  unsampled: readonly { id: number; amount: Money }[];
}

export interface Extrapolation {
  /** Rejected ÷ sampled amount, to 6 places (shown; the deduction uses the exact ratio). */
  rate: string;
  unsampledAmount: Money;
  /** unsampled × rejected ÷ sampled, half up to the fen. */
  deduction: Money;
  /** The deduction spread over the unsampled records by their amounts (largest remainder, id order): sums exactly. */
  perRecord: { id: number; amount: Money }[];
  /** The calculation in words, for the screen and the audit trail. */
  calculation: string;
}

/** Applies the sample's rejection rate (by amount) to the records it did not sample (外推扣款). */
export function extrapolateRejection(input: ExtrapolationInput): Extrapolation {
  if (input.sampledRejected.isNegative() || input.sampledRejected.gt(input.sampledAmount)) {
    throw new DomainError(
      'SAMPLE_EXTRAPOLATION',
      'unprocessable',
      `the sample's rejected amount ${input.sampledRejected.toString()} must be between 0 and its amount ${input.sampledAmount.toString()}`,
    );
  }
  const unsampled = [...input.unsampled].sort((a, b) => a.id - b.id);
  const unsampledAmount = Money.sum(unsampled.map((r) => r.amount));
  const exact = input.sampledAmount.isZero() ? new Dec(0) : input.sampledRejected.toDecimal().dividedBy(input.sampledAmount.toDecimal());
  const deduction = Money.roundHalfUp(unsampledAmount.toDecimal().times(exact));
  const spread =
    unsampled.length === 0 || unsampledAmount.isZero()
      ? unsampled.map(() => Money.ZERO)
      : splitByLargestRemainder(
          deduction,
          unsampled.map((r) => r.amount.toDecimal()),
        );
  const rate = exact.toDecimalPlaces(6, Dec.ROUND_HALF_UP).toFixed(6);
  return {
    rate,
    unsampledAmount,
    deduction,
    perRecord: unsampled.map((r, i) => ({ id: r.id, amount: spread[i] })),
    calculation: `${unsampledAmount.toString()} × ${input.sampledRejected.toString()} ÷ ${input.sampledAmount.toString()} = ${deduction.toString()} (rate ${rate})`,
  };
}
