import { DomainError } from './domain-error';
import { AMOUNT_FIELDS, AmountField } from './settlement-record';

/**
 * Refunds and re-settlement (退费, 冲销): a refund names its original settlement and carries
 * negative amounts. Refused: more than remains of the original, or an original of another unit.
 * An original not received yet holds the refund as an orphan. An accepted refund goes where a
 * record of the original's claim period would go now: into the original's claim while that claim
 * is open (it nets there), otherwise into the unit's next open period as a negative adjustment,
 * so an approved declaration never reopens.
 */

export type Amounts = Record<AmountField, bigint>;

export interface OriginalSettlement {
  unitCode: string;
  claimPeriod: string;
  amounts: Amounts;
  /** The refunds already accepted against it (each amount ≤ 0), summed. */
  refunded: Amounts;
}

export type RefundDecision =
  | { kind: 'accepted'; landsLikePeriod: string }
  | { kind: 'orphan' }
  | { kind: 'refused'; rule: 'originalOtherUnit' | 'moreThanRemains'; field: string; message: string };

const yuanText = (fen: bigint): string => {
  const abs = fen < 0n ? -fen : fen;
  return `${fen < 0n ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
};

export const zeroAmounts = (): Amounts => Object.fromEntries(AMOUNT_FIELDS.map((f) => [f, 0n])) as Amounts;

export function decideRefund(refund: { unitCode: string; amounts: Amounts }, original: OriginalSettlement | undefined): RefundDecision {
  if (original === undefined) return { kind: 'orphan' };
  if (original.unitCode !== refund.unitCode)
    return {
      kind: 'refused',
      rule: 'originalOtherUnit',
      field: 'refundOf',
      message: `the original settlement is unit ${original.unitCode}'s`,
    };
  for (const f of AMOUNT_FIELDS) {
    const remains = original.amounts[f] + original.refunded[f];
    if (-refund.amounts[f] > remains)
      return {
        kind: 'refused',
        rule: 'moreThanRemains',
        field: f,
        message: `the refund's ${f} exceeds what remains of the original (${yuanText(remains)})`,
      };
  }
  return { kind: 'accepted', landsLikePeriod: original.claimPeriod };
}

/** Adds a refund's amounts to what was refunded before. */
export function addAmounts(a: Amounts, b: Amounts): Amounts {
  return Object.fromEntries(AMOUNT_FIELDS.map((f) => [f, a[f] + b[f]])) as Amounts;
}

/** A refund already applied or dropped is not decided again. */
export function orphanAlreadyDecided(id: number): DomainError {
  return new DomainError('ORPHAN_DECIDED', 'conflict', 'this refund is no longer waiting for its original', [
    { field: 'id', rule: 'waiting', message: String(id) },
  ]);
}
