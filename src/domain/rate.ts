import { DomainError } from './domain-error';
import { Dec } from './money';

/** A rate as an exact decimal share (0.765, never 76.5): a `Dec`, or its text as stored. */
export type Rate = Dec | string;

const RATE_TEXT = /^\d+(\.\d+)?$/;

/**
 * Reads a rate exactly. Text must be plain decimal notation: no exponent and no sign, so a
 * percentage typed as "76.5" fails the range check instead of slipping through.
 */
export function toRate(value: Rate, field: string, max = '1'): Dec {
  const bad = (message: string) =>
    new DomainError('RATE_INVALID', 'unprocessable', `${field}: ${message}`, [{ field, rule: 'rate', message }]);
  let rate: Dec;
  if (typeof value === 'string') {
    if (!RATE_TEXT.test(value)) throw bad(`"${value}" is not a decimal share such as 0.765`);
    rate = new Dec(value);
  } else {
    if (!Dec.isDecimal(value) || !value.isFinite()) throw bad('not a finite decimal');
    rate = new Dec(value);
  }
  if (rate.isNegative() || rate.gt(max)) throw bad(`${rate.toString()} is outside 0 to ${max}`);
  return rate;
}

/** A rate as text with at least two decimals ("0.20", "0.765"), as parameter sets store it. */
export function formatRate(rate: Dec): string {
  return rate.toFixed(Math.max(2, rate.decimalPlaces()));
}
