import { Funding, PrivatePayment } from './claim-cycle';
import { ACCOUNTS, communityPackageAccount, CYCLE_ACCOUNTS, declarationApprovalTransfers, PRIVATE_ACCOUNTS, TransferSpec } from './ledger';
import { Money } from './money';

/**
 * The ledger postings of the claim cycle (SPEC §4): which accounts each step debits and credits
 * and with what amount. Legs with nothing to move are left out; services post what is returned.
 */

const positive = (transfers: TransferSpec[]) => transfers.filter((t) => t.amount.isPositive());

/** Approving a declaration: the deposit, the payable and the advance offset. */
export function declarationApprovalPostings(
  declaration: { id: number; communityCode: string; period: string },
  funding: Pick<Funding, 'deposit' | 'advanceOffset' | 'cash'>,
): TransferSpec[] {
  return declarationApprovalTransfers(`declaration.${declaration.id}`, declaration.communityCode, funding, declaration.period);
}

/** The bureau's disbursement (拨付) of the cash payable to the lead unit, which holds it for its members. */
export function disbursementPostings(
  declaration: { id: number; communityCode: string; period: string },
  cash: Money,
  reference: string,
): TransferSpec[] {
  return positive([
    {
      id: `declaration.${declaration.id}.disbursed`,
      debit: CYCLE_ACCOUNTS.bureauPayable(declaration.communityCode),
      credit: CYCLE_ACCOUNTS.communityHeld(declaration.communityCode),
      amount: cash,
      memo: `${declaration.period} 拨付 ${reference}`,
    },
  ]);
}

/** The lead unit's own share of a disbursement: from the community's held funds to its own. */
export function leadOwnSharePostings(
  passDownId: number,
  communityCode: string,
  leadCode: string,
  amount: Money,
  period: string,
): TransferSpec[] {
  return positive([
    {
      id: `pass-down.${passDownId}`,
      debit: CYCLE_ACCOUNTS.communityHeld(communityCode),
      credit: CYCLE_ACCOUNTS.memberFunds(leadCode),
      amount,
      memo: `${period} 牵头单位本院份额`,
    },
  ]);
}

/** Paying a pass-down: the lead pays a member out of the community's held funds, a township a village out of its own. */
export function passDownPaymentPostings(passDown: {
  id: number;
  level: 'MEMBER' | 'VILLAGE';
  communityCode: string;
  payerCode: string;
  payeeCode: string;
  amount: Money;
  period: string;
}): TransferSpec[] {
  const debit =
    passDown.level === 'MEMBER' ? CYCLE_ACCOUNTS.communityHeld(passDown.communityCode) : CYCLE_ACCOUNTS.memberFunds(passDown.payerCode);
  return positive([
    {
      id: `pass-down.${passDown.id}`,
      debit,
      credit: CYCLE_ACCOUNTS.memberFunds(passDown.payeeCode),
      amount: passDown.amount,
      memo: `${passDown.period} 拨付 ${passDown.payerCode} → ${passDown.payeeCode}`,
    },
  ]);
}

/** Settling a private institution's month: the deposit withheld and the cash payable leave the private pool. */
export function privatePaymentPostings(
  paymentId: number,
  institutionCode: string,
  period: string,
  payment: Pick<PrivatePayment, 'deposit' | 'cash'>,
): TransferSpec[] {
  return positive([
    {
      id: `private-payment.${paymentId}.deposit`,
      debit: ACCOUNTS.privatePool,
      credit: PRIVATE_ACCOUNTS.deposit(institutionCode),
      amount: payment.deposit,
      memo: `${period} ${institutionCode} 质量保证金`,
    },
    {
      id: `private-payment.${paymentId}.payable`,
      debit: ACCOUNTS.privatePool,
      credit: PRIVATE_ACCOUNTS.payable(institutionCode),
      amount: payment.cash,
      memo: `${period} ${institutionCode} 总额控制月度结算`,
    },
  ]);
}

/** Paying a private institution what was payable. */
export function privatePaidPostings(paymentId: number, institutionCode: string, period: string, cash: Money): TransferSpec[] {
  return positive([
    {
      id: `private-payment.${paymentId}.paid`,
      debit: PRIVATE_ACCOUNTS.payable(institutionCode),
      credit: PRIVATE_ACCOUNTS.paid(institutionCode),
      amount: cash,
      memo: `${period} ${institutionCode} 拨付`,
    },
  ]);
}

/** The quarterly advance (按季度预拨) from the package to the lead unit's advance. */
export function quarterlyAdvancePostings(communityCode: string, fundYear: number, quarter: number, amount: Money): TransferSpec[] {
  return positive([
    {
      id: `advance.${communityCode}.${fundYear}.Q${quarter}`,
      debit: communityPackageAccount(communityCode),
      credit: CYCLE_ACCOUNTS.leadAdvance(communityCode),
      amount,
      memo: `${fundYear} Q${quarter} 按季度预拨`,
    },
  ]);
}

/** Out-of-county settlements (县外) the bureau paid, funded out of the package. */
export function outOfCountyPostings(importId: number, communityCode: string, period: string, funded: Money): TransferSpec[] {
  return positive([
    {
      id: `out-of-county.${importId}`,
      debit: communityPackageAccount(communityCode),
      credit: CYCLE_ACCOUNTS.outOfCounty(communityCode),
      amount: funded,
      memo: `${period} 县外异地结算`,
    },
  ]);
}
