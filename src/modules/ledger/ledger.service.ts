import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../../domain/domain-error';
import { AccountTotals, assertValidTransfer, mayGoNegative, sameTransfer, TransferSpec } from '../../domain/ledger';
import { Money } from '../../domain/money';
import { currentContext } from '../../common/request-context';

export interface LedgerReference {
  type: string;
  id: string;
}

export interface AccountBalance {
  code: string;
  debits: string;
  credits: string;
  balance: string;
}

export interface LedgerTransferView {
  id: string;
  debit: string;
  credit: string;
  amount: string;
  memo: string;
  referenceType: string;
  referenceId: string;
  postedBy: string;
  postedAt: string;
}

/** MySQL 3819 / MariaDB 4025: a CHECK constraint refused the row. */
function isCheckViolation(err: unknown): boolean {
  const code = (err as { errno?: number }).errno;
  return code === 3819 || code === 4025;
}

/**
 * Posts balanced transfers inside the caller's transaction (so a document change and the
 * money it moves commit together). Re-posting a transfer id with the same content is a no-op;
 * with other content a 409. Account rows are locked while posting, and a CHECK constraint
 * keeps protected accounts from going negative.
 */
@Injectable()
export class LedgerService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

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
    const present: { code: string }[] = await manager.query(
      `SELECT code FROM ledger_account WHERE county_id = ? AND fund_year = ? AND code IN (${codes.map(() => '?').join(', ')})`,
      [countyId, fundYear, ...codes],
    );
    const missing = codes.filter((c) => !present.some((p) => p.code === c));
    if (missing.length) {
      await manager.query(
        `INSERT IGNORE INTO ledger_account (county_id, fund_year, code, may_go_negative) VALUES ${missing.map(() => '(?, ?, ?, ?)').join(', ')}`,
        missing.flatMap((c) => [countyId, fundYear, c, mayGoNegative(c) ? 1 : 0]),
      );
    }
    const accounts: { id: number; code: string }[] = await manager.query(
      `SELECT id, code FROM ledger_account WHERE county_id = ? AND fund_year = ? AND code IN (${codes.map(() => '?').join(', ')}) ORDER BY id FOR UPDATE`,
      [countyId, fundYear, ...codes],
    );
    const idOf = new Map(accounts.map((a) => [a.code, a.id]));
    const codeOf = new Map(accounts.map((a) => [a.id, a.code]));
    // A locking read: it sees transfers committed while this transaction waited for the account
    // locks (a plain read would see the snapshot taken before), so a concurrent retry is a no-op.
    const existing: { id: string; debit_account_id: number; credit_account_id: number; amount: string }[] = await manager.query(
      `SELECT id, debit_account_id, credit_account_id, amount FROM ledger_transfer WHERE id IN (${transfers.map(() => '?').join(', ')}) FOR UPDATE`,
      transfers.map((t) => t.id),
    );
    const known = new Map(existing.map((e) => [e.id, e]));
    let posted = 0;
    for (const t of transfers) {
      const prior = known.get(t.id);
      if (prior) {
        const same = sameTransfer(
          {
            debit: codeOf.get(prior.debit_account_id) ?? '',
            credit: codeOf.get(prior.credit_account_id) ?? '',
            amount: Money.of(prior.amount),
          },
          t,
        );
        if (!same)
          throw new DomainError('TRANSFER_ID_CONFLICT', 'conflict', `transfer ${t.id} was already posted with other accounts or amount`, [
            { field: 'id', rule: 'uniqueContent', message: t.id },
          ]);
        continue;
      }
      try {
        await manager.query(
          'INSERT INTO ledger_transfer (id, county_id, fund_year, debit_account_id, credit_account_id, amount, memo, reference_type, reference_id, posted_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [
            t.id,
            countyId,
            fundYear,
            idOf.get(t.debit),
            idOf.get(t.credit),
            t.amount.toString(),
            t.memo,
            ref.type,
            ref.id,
            currentContext().actor,
          ],
        );
        await manager.query('UPDATE ledger_account SET debits_total = debits_total + ? WHERE id = ?', [
          t.amount.toString(),
          idOf.get(t.debit),
        ]);
        await manager.query('UPDATE ledger_account SET credits_total = credits_total + ? WHERE id = ?', [
          t.amount.toString(),
          idOf.get(t.credit),
        ]);
      } catch (err) {
        if (isCheckViolation(err))
          throw new DomainError('ACCOUNT_WOULD_GO_NEGATIVE', 'conflict', `transfer ${t.id} would take ${t.debit} below zero`, [
            { field: 'amount', rule: 'accountNotNegative', message: t.debit },
          ]);
        throw err;
      }
      posted++;
    }
    return { posted, alreadyPosted: transfers.length - posted };
  }

  /** One account's balance (credits − debits) as the caller's transaction sees it; zero before first use. */
  async balanceOf(manager: EntityManager, countyId: number, fundYear: number, code: string): Promise<Money> {
    const [row]: { balance: string }[] = await manager.query(
      'SELECT credits_total - debits_total AS balance FROM ledger_account WHERE county_id = ? AND fund_year = ? AND code = ?',
      [countyId, fundYear, code],
    );
    return row ? Money.of(row.balance) : Money.ZERO;
  }

  /** Transfers of one reference, oldest first, as specs (for reversals). */
  async transfersOf(manager: EntityManager, ref: LedgerReference): Promise<TransferSpec[]> {
    const rows: { id: string; debit: string; credit: string; amount: string; memo: string }[] = await manager.query(
      `SELECT t.id, d.code AS debit, c.code AS credit, t.amount, t.memo FROM ledger_transfer t
         JOIN ledger_account d ON d.id = t.debit_account_id JOIN ledger_account c ON c.id = t.credit_account_id
        WHERE t.reference_type = ? AND t.reference_id = ? ORDER BY t.posted_at, t.id`,
      [ref.type, ref.id],
    );
    return rows.map((r) => ({ id: r.id, debit: r.debit, credit: r.credit, amount: Money.of(r.amount), memo: r.memo }));
  }

  /** Every account's running totals, as the caller's transaction sees them (to check transfers before posting). */
  async accountTotals(manager: EntityManager, countyId: number, fundYear: number): Promise<Map<string, AccountTotals>> {
    const rows: { code: string; debits_total: string; credits_total: string }[] = await manager.query(
      'SELECT code, debits_total, credits_total FROM ledger_account WHERE county_id = ? AND fund_year = ?',
      [countyId, fundYear],
    );
    return new Map(rows.map((r) => [r.code, { debits: Money.of(r.debits_total), credits: Money.of(r.credits_total) }]));
  }

  /** Balances derived from the transfers themselves, checked against the running totals. */
  async balances(
    countyId: number,
    fundYear: number,
  ): Promise<{ accounts: AccountBalance[]; totalDebits: string; totalCredits: string; reconciled: boolean }> {
    const rows: { code: string; debits_total: string; credits_total: string; debits: string | null; credits: string | null }[] =
      await this.dataSource.query(
        `SELECT a.code, a.debits_total, a.credits_total,
              (SELECT SUM(amount) FROM ledger_transfer WHERE debit_account_id = a.id) AS debits,
              (SELECT SUM(amount) FROM ledger_transfer WHERE credit_account_id = a.id) AS credits
         FROM ledger_account a WHERE a.county_id = ? AND a.fund_year = ? ORDER BY a.code`,
        [countyId, fundYear],
      );
    let reconciled = true;
    const accounts = rows.map((r) => {
      const debits = Money.of(r.debits ?? '0');
      const credits = Money.of(r.credits ?? '0');
      if (!debits.eq(Money.of(r.debits_total)) || !credits.eq(Money.of(r.credits_total))) reconciled = false;
      return { code: r.code, debits: debits.toString(), credits: credits.toString(), balance: credits.minus(debits).toString() };
    });
    const totalDebits = Money.sum(accounts.map((a) => Money.of(a.debits)));
    const totalCredits = Money.sum(accounts.map((a) => Money.of(a.credits)));
    return {
      accounts,
      totalDebits: totalDebits.toString(),
      totalCredits: totalCredits.toString(),
      reconciled: reconciled && totalDebits.eq(totalCredits),
    };
  }

  async transfers(countyId: number, fundYear: number, ref?: LedgerReference): Promise<LedgerTransferView[]> {
    const rows: {
      id: string;
      debit: string;
      credit: string;
      amount: string;
      memo: string;
      reference_type: string;
      reference_id: string;
      posted_by: string;
      posted_at: Date;
    }[] = await this.dataSource.query(
      `SELECT t.id, d.code AS debit, c.code AS credit, t.amount, t.memo, t.reference_type, t.reference_id, t.posted_by, t.posted_at FROM ledger_transfer t
         JOIN ledger_account d ON d.id = t.debit_account_id JOIN ledger_account c ON c.id = t.credit_account_id
        WHERE t.county_id = ? AND t.fund_year = ? ${ref ? 'AND t.reference_type = ? AND t.reference_id = ?' : ''} ORDER BY t.posted_at, t.id`,
      ref ? [countyId, fundYear, ref.type, ref.id] : [countyId, fundYear],
    );
    return rows.map((r) => ({
      id: r.id,
      debit: r.debit,
      credit: r.credit,
      amount: Money.of(r.amount).toString(),
      memo: r.memo,
      referenceType: r.reference_type,
      referenceId: r.reference_id,
      postedBy: r.posted_by,
      postedAt: r.posted_at.toISOString(),
    }));
  }

  /** The amount of the transfers with these ids together (ids never posted count zero). */
  async sumOfTransfers(ids: readonly string[]): Promise<Money> {
    if (ids.length === 0) return Money.ZERO;
    const [row]: { s: string }[] = await this.dataSource.query(
      `SELECT COALESCE(SUM(t.amount), 0) AS s FROM ledger_transfer t WHERE t.id IN (${ids.map(() => '?').join(', ')})`,
      [...ids],
    );
    return Money.of(row.s);
  }

  /** The amount of every transfer posted for these references of one type, together. */
  async sumForReferences(type: string, referenceIds: readonly string[]): Promise<Money> {
    if (referenceIds.length === 0) return Money.ZERO;
    const [row]: { s: string }[] = await this.dataSource.query(
      `SELECT COALESCE(SUM(t.amount), 0) AS s FROM ledger_transfer t WHERE t.reference_type = ? AND t.reference_id IN (${referenceIds.map(() => '?').join(', ')})`,
      [type, ...referenceIds],
    );
    return Money.of(row.s);
  }
}
