import Decimal from 'decimal.js';

/**
 * Decimal flavour used for every money and rate computation: enough precision that
 * products of amounts and rates are exact before the single half-up rounding (四舍五入).
 */
export const Dec = Decimal.clone({ precision: 50, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -30, toExpPos: 40 });
export type Dec = Decimal;

const MONEY_PATTERN = /^-?\d{1,16}(\.\d{1,2})?$/;
/** DECIMAL(18,2): sixteen integer digits. */
const MAX_ABS = new Dec('9999999999999999.99');

export class MoneyFormatError extends Error {
  constructor(readonly input: string) {
    super(`"${input}" is not an amount in yuan with at most two decimals`);
  }
}

/**
 * An amount in yuan, always a whole number of fen (分). Immutable. Never built from a
 * JavaScript number, which cannot hold 0.1 exactly.
 */
export class Money {
  private constructor(private readonly value: Decimal) {}

  static readonly ZERO = new Money(new Dec(0));

  /** Parses an exact amount ("1234.5", "-0.01"); more than two decimals is an error, not a rounding. */
  static of(input: string | Decimal | Money): Money {
    if (input instanceof Money) return input;
    if (Decimal.isDecimal(input)) {
      const d = new Dec(input);
      if (!d.isFinite() || d.decimalPlaces() > 2 || d.abs().gt(MAX_ABS)) throw new MoneyFormatError(d.toString());
      return new Money(d);
    }
    const text = String(input).trim();
    if (!MONEY_PATTERN.test(text)) throw new MoneyFormatError(text);
    return new Money(new Dec(text));
  }

  /** True when `input` is a valid amount string (at most two decimals, fits DECIMAL(18,2)). */
  static isValid(input: string): boolean {
    return MONEY_PATTERN.test(input.trim());
  }

  /** Rounds an exact result half up to the fen: the one rounding every published figure gets. */
  static roundHalfUp(exact: Decimal): Money {
    return Money.of(new Dec(exact).toDecimalPlaces(2, Decimal.ROUND_HALF_UP));
  }

  static fromCents(cents: bigint): Money {
    return new Money(new Dec(cents.toString()).dividedBy(100));
  }

  static sum(amounts: Iterable<Money>): Money {
    let total = new Dec(0);
    for (const m of amounts) total = total.plus(m.value);
    return new Money(total);
  }

  plus(other: Money): Money {
    return new Money(this.value.plus(other.value));
  }

  minus(other: Money): Money {
    return new Money(this.value.minus(other.value));
  }

  /** Exact product with a rate or count; round it explicitly with `Money.roundHalfUp`. */
  times(factor: Decimal.Value): Decimal {
    return this.value.times(new Dec(factor));
  }

  negated(): Money {
    return new Money(this.value.negated());
  }

  toCents(): bigint {
    return BigInt(this.value.times(100).toFixed(0));
  }

  toDecimal(): Decimal {
    return this.value;
  }

  compare(other: Money): -1 | 0 | 1 {
    return this.value.comparedTo(other.value) as -1 | 0 | 1;
  }

  eq(other: Money): boolean {
    return this.value.eq(other.value);
  }

  gt(other: Money): boolean {
    return this.value.gt(other.value);
  }

  gte(other: Money): boolean {
    return this.value.gte(other.value);
  }

  lt(other: Money): boolean {
    return this.value.lt(other.value);
  }

  lte(other: Money): boolean {
    return this.value.lte(other.value);
  }

  isZero(): boolean {
    return this.value.isZero();
  }

  isNegative(): boolean {
    return this.value.isNegative() && !this.value.isZero();
  }

  isPositive(): boolean {
    return this.value.gt(0);
  }

  /** Canonical form: two decimals, no grouping ("1234.50"). */
  toString(): string {
    return this.value.toFixed(2);
  }

  toJSON(): string {
    return this.toString();
  }

  /** 万元 with six decimals: exact, since 1 fen = 0.000001 万元. */
  toWanYuan(): string {
    return this.value.dividedBy(10000).toFixed(6);
  }
}
