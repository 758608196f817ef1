import { ValueTransformer } from 'typeorm';
import { Money } from '../domain/money';

/**
 * DECIMAL(18,2) ⇄ Money. mysql2 returns DECIMAL as a string, which Money parses exactly;
 * writes go out as the canonical two-decimal string, never as a JavaScript number.
 */
export const moneyTransformer: ValueTransformer = {
  to(value: Money | null | undefined): string | null | undefined {
    if (value === null || value === undefined) return value;
    return Money.of(value).toString();
  },
  from(value: string | null): Money | null {
    if (value === null || value === undefined) return null;
    return Money.of(String(value));
  },
};

/** Column options for every amount column. */
export const MONEY_COLUMN = { type: 'decimal', precision: 18, scale: 2, transformer: moneyTransformer } as const;
