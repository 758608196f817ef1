import { Money } from './money';

/**
 * A period's money after the declaration (SPEC §4): what the bureau disbursed, what was passed
 * down, what is still outstanding at each level, and whether the ledger's transfers agree with
 * the documents to the fen.
 */

export interface PeriodDocuments {
  /** The period's declaration, if declared. */
  declaration: { state: string; cash: Money; deposit: Money; advanceOffset: Money } | null;
  passDowns: readonly { level: 'MEMBER' | 'VILLAGE'; state: 'DUE' | 'PAID'; amount: Money }[];
  outOfCountyFunded: Money;
}

/** What the ledger holds for the same period, transfer by transfer kind. */
export interface PeriodLedger {
  deposit: Money;
  payable: Money;
  advanceOffset: Money;
  disbursed: Money;
  passedDownToMembers: Money;
  passedDownToVillages: Money;
  outOfCounty: Money;
}

export interface PeriodMoney {
  disbursed: Money;
  passedDownToMembers: Money;
  passedDownToVillages: Money;
  outstanding: { atBureau: Money; atLeadUnit: Money; atTownships: Money };
  reconciled: boolean;
}

export function periodMoney(docs: PeriodDocuments, ledger: PeriodLedger): PeriodMoney {
  const d = docs.declaration;
  const sum = (level: 'MEMBER' | 'VILLAGE', state: 'DUE' | 'PAID') =>
    Money.sum(docs.passDowns.filter((p) => p.level === level && p.state === state).map((p) => p.amount));
  const disbursed = d?.state === 'DISBURSED' ? d.cash : Money.ZERO;
  const toMembers = sum('MEMBER', 'PAID');
  const toVillages = sum('VILLAGE', 'PAID');
  // Townships still hold their villages' shares until passed down, including shares not yet split (township not yet paid).
  const townshipHeld = toMembers.minus(toVillages);
  const reconciled =
    ledger.deposit.eq(d?.deposit ?? Money.ZERO) &&
    ledger.payable.eq(d?.cash ?? Money.ZERO) &&
    ledger.advanceOffset.eq(d?.advanceOffset ?? Money.ZERO) &&
    ledger.disbursed.eq(disbursed) &&
    ledger.passedDownToMembers.eq(toMembers) &&
    ledger.passedDownToVillages.eq(toVillages) &&
    ledger.outOfCounty.eq(docs.outOfCountyFunded);
  return {
    disbursed,
    passedDownToMembers: toMembers,
    passedDownToVillages: toVillages,
    outstanding: {
      atBureau: (d?.cash ?? Money.ZERO).minus(disbursed),
      atLeadUnit: sum('MEMBER', 'DUE'),
      atTownships: sum('VILLAGE', 'DUE'),
    },
    reconciled: reconciled && townshipHeld.gte(Money.ZERO),
  };
}
