import { Injectable } from '@nestjs/common';
import { everyItem, Page, pageOf, PageWindow } from '../../common/pagination';
import { EntityManager } from 'typeorm';
import {
  AccountNature,
  AccountTotals,
  applyTransfers,
  accountWouldGoNegative,
  assertSameRepost,
  assertValidTransfer,
  BalanceSide,
  EntrySide,
  JournalEntry,
  journalEntry,
  mayGoNegative,
  presentAccount,
  TransferSpec,
  trialBalance,
} from '../../domain/ledger';
import { Money } from '../../domain/money';
import { currentContext } from '../../common/request-context';
import { isCheckViolation, LedgerReference, LedgerRepository } from './ledger.repository';

export type { LedgerReference } from './ledger.repository';

export interface AccountBalance {
  code: string;
  debits: string;
  credits: string;
  /** Signed: credits − debits (the fund sources run negative). */
  balance: string;
  /** As a finance office reads it (科目余额表): name, nature, normal side, and the balance as amount and side. */
  name: string;
  nature: AccountNature;
  normalSide: EntrySide;
  balanceSide: BalanceSide;
  balanceAmount: string;
}

/** The balances as a trial balance (试算平衡): debit balances together, credit balances together. */
export interface TrialBalanceView {
  debitBalances: string;
  creditBalances: string;
  balanced: boolean;
}

/** A transfer as an entry (分录): 摘要, then 借 and 贷 lines of one amount. */
export interface JournalEntryView {
  summary: string;
  lines: { side: EntrySide; account: string; accountName: string; amount: string }[];
}

export interface LedgerTransferView {
  id: string;
  debit: string;
  credit: string;
  amount: string;
  memo: string;
  entry: JournalEntryView;
  referenceType: string;
  referenceId: string;
  postedBy: string;
  postedAt: string;
}

/**
 * Posts balanced transfers inside the caller's transaction (so a document change and the
 * money it moves commit together). Re-posting a transfer id with the same content is a no-op;
 * with other content a 409. Account rows are locked while posting, and a CHECK constraint
 * keeps protected accounts from going negative.
 */
@Injectable()
export class LedgerService {
  constructor(private readonly repository: LedgerRepository) {}

  async post(
    manager: EntityManager,
    countyId: number,
    fundYear: number,
    transfers: readonly TransferSpec[],
    ref: LedgerReference,
  ): Promise<{ posted: number; alreadyPosted: number }> {
    transfers.forEach(assertValidTransfer);
    const codes = [...new Set(transfers.flatMap((t) => [t.debit, t.credit]))].sort();
    if (codes.length === 0) return { posted: 0, alreadyPosted: 0 };
    // Accounts are opened on first use. The existence check takes no locks, so in the steady
    // state a posting only locks existing account rows, always in id order (no deadlock).
    const present = await this.repository.existingAccountCodes(manager, countyId, fundYear, codes);
    const missing = codes.filter((c) => !present.includes(c));
    if (missing.length) {
      await this.repository.openAccounts(
        manager,
        countyId,
        fundYear,
        missing.map((code) => ({ code, mayGoNegative: mayGoNegative(code) })),
      );
    }
    const accounts = await this.repository.lockAccounts(manager, countyId, fundYear, codes);
    // The running totals of the locked accounts: every new transfer is checked against them here, as
    // the CHECK constraint checks it in the database (a database that ignores CHECK constraints, such as
    // TiDB without tidb_enable_check_constraint, is then still refused a protected account below zero).
    let totals: ReadonlyMap<string, AccountTotals> = new Map(
      accounts.map((a) => [a.code, { debits: Money.of(a.debits_total), credits: Money.of(a.credits_total) }]),
    );
    const idOf = new Map(accounts.map((a) => [a.code, a.id]));
    const codeOf = new Map(accounts.map((a) => [a.id, a.code]));
    const existing = await this.repository.lockTransfers(
      manager,
      transfers.map((t) => t.id),
    );
    const known = new Map(existing.map((e) => [e.id, e]));
    let posted = 0;
    for (const t of transfers) {
      const prior = known.get(t.id);
      if (prior) {
        assertSameRepost(
          {
            debit: codeOf.get(prior.debit_account_id) ?? '',
            credit: codeOf.get(prior.credit_account_id) ?? '',
            amount: Money.of(prior.amount),
          },
          t,
        );
        continue;
      }
      totals = applyTransfers(totals, [t]);
      try {
        await this.repository.insertTransfer(manager, {
          id: t.id,
          countyId,
          fundYear,
          debitAccountId: idOf.get(t.debit)!,
          creditAccountId: idOf.get(t.credit)!,
          amount: t.amount.toString(),
          memo: t.memo,
          ref,
          postedBy: currentContext().actor,
        });
      } catch (err) {
        if (isCheckViolation(err)) throw accountWouldGoNegative(t);
        throw err;
      }
      posted++;
    }
    return { posted, alreadyPosted: transfers.length - posted };
  }

  /** One account's balance (credits − debits) as the caller's transaction sees it; zero before first use. */
  async balanceOf(manager: EntityManager, countyId: number, fundYear: number, code: string): Promise<Money> {
    const balance = await this.repository.balanceOf(manager, countyId, fundYear, code);
    return balance === null ? Money.ZERO : Money.of(balance);
  }

  /**
   * One account's balance now, its row locked until the caller's transaction ends: what a rule
   * that must not take the account below zero checks before posting (zero before first use).
   */
  async lockedBalanceOf(manager: EntityManager, countyId: number, fundYear: number, code: string): Promise<Money> {
    const balance = await this.repository.lockedBalanceOf(manager, countyId, fundYear, code);
    return balance === null ? Money.ZERO : Money.of(balance);
  }

  /** Transfers of one reference, oldest first, as specs (for reversals). */
  async transfersOf(manager: EntityManager, ref: LedgerReference): Promise<TransferSpec[]> {
    const rows = await this.repository.transfersOf(manager, ref);
    return rows.map((r) => ({ id: r.id, debit: r.debit, credit: r.credit, amount: Money.of(r.amount), memo: r.memo }));
  }

  /** Every account's running totals, as the caller's transaction sees them (to check transfers before posting). */
  async accountTotals(manager: EntityManager, countyId: number, fundYear: number): Promise<Map<string, AccountTotals>> {
    const rows = await this.repository.accountTotals(manager, countyId, fundYear);
    return new Map(rows.map((r) => [r.code, { debits: Money.of(r.debits_total), credits: Money.of(r.credits_total) }]));
  }

  /** Balances derived from the transfers themselves, checked against the running totals. */
  async balances(
    countyId: number,
    fundYear: number,
  ): Promise<{
    accounts: AccountBalance[];
    totalDebits: string;
    totalCredits: string;
    trialBalance: TrialBalanceView;
    reconciled: boolean;
  }> {
    const rows = await this.repository.reconciliation(countyId, fundYear);
    let reconciled = true;
    const presented = rows.map((r) => {
      const debits = Money.of(r.debits ?? '0');
      const credits = Money.of(r.credits ?? '0');
      if (!debits.eq(Money.of(r.debits_total)) || !credits.eq(Money.of(r.credits_total))) reconciled = false;
      return presentAccount(r.code, { debits, credits });
    });
    const accounts = presented.map((a) => ({
      code: a.code,
      debits: a.debits.toString(),
      credits: a.credits.toString(),
      balance: a.credits.minus(a.debits).toString(),
      name: a.name,
      nature: a.nature,
      normalSide: a.normalSide,
      balanceSide: a.balance.side,
      balanceAmount: a.balance.amount.toString(),
    }));
    const totalDebits = Money.sum(presented.map((a) => a.debits));
    const totalCredits = Money.sum(presented.map((a) => a.credits));
    const trial = trialBalance(presented);
    return {
      accounts,
      totalDebits: totalDebits.toString(),
      totalCredits: totalCredits.toString(),
      trialBalance: { debitBalances: trial.debit.toString(), creditBalances: trial.credit.toString(), balanced: trial.balanced },
      reconciled: reconciled && totalDebits.eq(totalCredits),
    };
  }

  async transfers(
    countyId: number,
    fundYear: number,
    filter: { referenceType?: string; referenceId?: string; account?: string },
    window: PageWindow,
  ): Promise<Page<LedgerTransferView>> {
    const { rows, total } = await this.repository.transfers(countyId, fundYear, filter, window);
    const items = rows.map((r): LedgerTransferView => ({
      id: r.id,
      debit: r.debit,
      credit: r.credit,
      amount: Money.of(r.amount).toString(),
      memo: r.memo,
      entry: entryView(journalEntry({ debit: r.debit, credit: r.credit, amount: Money.of(r.amount), memo: r.memo })),
      referenceType: r.reference_type,
      referenceId: r.reference_id,
      postedBy: r.posted_by,
      postedAt: r.posted_at.toISOString(),
    }));
    return pageOf(items, total, window);
  }

  /** Every transfer of the year, oldest first (the ledger export), read a page at a time. */
  allTransfers(countyId: number, fundYear: number): Promise<LedgerTransferView[]> {
    return everyItem((w) => this.transfers(countyId, fundYear, {}, w));
  }

  /** The amount of the transfers with these ids together (ids never posted count zero). */
  async sumOfTransfers(ids: readonly string[]): Promise<Money> {
    return ids.length === 0 ? Money.ZERO : Money.of(await this.repository.sumOfTransfers(ids));
  }

  /** The amount of each of these transfers, zero for those not posted. */
  async amountsOf(ids: readonly string[]): Promise<Map<string, Money>> {
    const found = await this.repository.amountsOf(ids);
    return new Map(ids.map((id) => [id, Money.of(found.get(id) ?? '0')]));
  }

  /** The amount posted for each of these references of one type, zero for those without a transfer. */
  async sumsByReference(type: string, referenceIds: readonly string[]): Promise<Map<string, Money>> {
    const found = await this.repository.sumsByReference(type, referenceIds);
    return new Map(referenceIds.map((id) => [id, Money.of(found.get(id) ?? '0')]));
  }

  /** The amount of every transfer posted for these references of one type, together. */
  async sumForReferences(type: string, referenceIds: readonly string[]): Promise<Money> {
    return referenceIds.length === 0 ? Money.ZERO : Money.of(await this.repository.sumForReferences(type, referenceIds));
  }
}

function entryView(e: JournalEntry): JournalEntryView {
  return { summary: e.summary, lines: e.lines.map((l) => ({ ...l, amount: l.amount.toString() })) };
}
