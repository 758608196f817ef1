import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { selectPage } from '../../common/page.repository';
import { PageWindow } from '../../common/pagination';

/** What identifies the postings of one document (an allocation, a declaration, …). */
export interface LedgerReference {
  type: string;
  id: string;
}

export type TransferRow = { id: string; debit_account_id: number; credit_account_id: number; amount: string };
export type TransferSpecRow = { id: string; debit: string; credit: string; amount: string; memo: string };
export type TransferListRow = TransferSpecRow & { reference_type: string; reference_id: string; posted_by: string; posted_at: Date };
export type AccountTotalsRow = { code: string; debits_total: string; credits_total: string };
export type ReconciliationRow = AccountTotalsRow & { debits: string | null; credits: string | null };

export interface NewTransfer {
  id: string;
  countyId: number;
  fundYear: number;
  debitAccountId: number;
  creditAccountId: number;
  amount: string;
  memo: string;
  ref: LedgerReference;
  postedBy: string;
}

/** MySQL 3819 / MariaDB 4025: a CHECK constraint refused the row. */
export function isCheckViolation(err: unknown): boolean {
  const code = (err as { errno?: number }).errno;
  return code === 3819 || code === 4025;
}

const placeholders = (values: readonly unknown[]) => values.map(() => '?').join(', ');

/** Every statement on ledger_account and ledger_transfer; writes run in the caller's transaction. */
@Injectable()
export class LedgerRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Codes of the accounts that exist already (takes no locks). */
  async existingAccountCodes(manager: EntityManager, countyId: number, fundYear: number, codes: readonly string[]): Promise<string[]> {
    const rows: { code: string }[] = await manager.query(
      `SELECT code FROM ledger_account WHERE county_id = ? AND fund_year = ? AND code IN (${placeholders(codes)})`,
      [countyId, fundYear, ...codes],
    );
    return rows.map((r) => r.code);
  }

  async openAccounts(
    manager: EntityManager,
    countyId: number,
    fundYear: number,
    accounts: readonly { code: string; mayGoNegative: boolean }[],
  ): Promise<void> {
    await manager.query(
      `INSERT IGNORE INTO ledger_account (county_id, fund_year, code, may_go_negative) VALUES ${accounts.map(() => '(?, ?, ?, ?)').join(', ')}`,
      accounts.flatMap((a) => [countyId, fundYear, a.code, a.mayGoNegative ? 1 : 0]),
    );
  }

  /** Locks the accounts in id order (so two postings never deadlock) and returns their ids. */
  lockAccounts(
    manager: EntityManager,
    countyId: number,
    fundYear: number,
    codes: readonly string[],
  ): Promise<{ id: number; code: string; debits_total: string; credits_total: string }[]> {
    return manager.query(
      `SELECT id, code, debits_total, credits_total FROM ledger_account WHERE county_id = ? AND fund_year = ? AND code IN (${placeholders(codes)}) ORDER BY id FOR UPDATE`,
      [countyId, fundYear, ...codes],
    );
  }

  /**
   * A locking read: it sees transfers committed while this transaction waited for the account
   * locks (a plain read would see the snapshot taken before), so a concurrent retry is a no-op.
   */
  lockTransfers(manager: EntityManager, ids: readonly string[]): Promise<TransferRow[]> {
    return manager.query(
      `SELECT id, debit_account_id, credit_account_id, amount FROM ledger_transfer WHERE id IN (${placeholders(ids)}) FOR UPDATE`,
      [...ids],
    );
  }

  /** Inserts the transfer and moves the running totals of both accounts. */
  async insertTransfer(manager: EntityManager, t: NewTransfer): Promise<void> {
    await manager.query(
      'INSERT INTO ledger_transfer (id, county_id, fund_year, debit_account_id, credit_account_id, amount, memo, reference_type, reference_id, posted_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [t.id, t.countyId, t.fundYear, t.debitAccountId, t.creditAccountId, t.amount, t.memo, t.ref.type, t.ref.id, t.postedBy],
    );
    await manager.query('UPDATE ledger_account SET debits_total = debits_total + ? WHERE id = ?', [t.amount, t.debitAccountId]);
    await manager.query('UPDATE ledger_account SET credits_total = credits_total + ? WHERE id = ?', [t.amount, t.creditAccountId]);
  }

  /** The account's balance now, its row locked until the transaction ends (a plain read may see an older snapshot). */
  async lockedBalanceOf(manager: EntityManager, countyId: number, fundYear: number, code: string): Promise<string | null> {
    const [row]: { balance: string }[] = await manager.query(
      'SELECT credits_total - debits_total AS balance FROM ledger_account WHERE county_id = ? AND fund_year = ? AND code = ? FOR UPDATE',
      [countyId, fundYear, code],
    );
    return row ? row.balance : null;
  }

  async balanceOf(manager: EntityManager, countyId: number, fundYear: number, code: string): Promise<string | null> {
    const [row]: { balance: string }[] = await manager.query(
      'SELECT credits_total - debits_total AS balance FROM ledger_account WHERE county_id = ? AND fund_year = ? AND code = ?',
      [countyId, fundYear, code],
    );
    return row ? row.balance : null;
  }

  transfersOf(manager: EntityManager, ref: LedgerReference): Promise<TransferSpecRow[]> {
    return manager.query(
      `SELECT t.id, d.code AS debit, c.code AS credit, t.amount, t.memo FROM ledger_transfer t
         JOIN ledger_account d ON d.id = t.debit_account_id JOIN ledger_account c ON c.id = t.credit_account_id
        WHERE t.reference_type = ? AND t.reference_id = ? ORDER BY t.posted_at, t.id`,
      [ref.type, ref.id],
    );
  }

  accountTotals(manager: EntityManager, countyId: number, fundYear: number): Promise<AccountTotalsRow[]> {
    return manager.query('SELECT code, debits_total, credits_total FROM ledger_account WHERE county_id = ? AND fund_year = ?', [
      countyId,
      fundYear,
    ]);
  }

  /** Running totals next to the sums of the transfers themselves, per account. */
  reconciliation(countyId: number, fundYear: number): Promise<ReconciliationRow[]> {
    return this.dataSource.query(
      `SELECT a.code, a.debits_total, a.credits_total,
            (SELECT SUM(amount) FROM ledger_transfer WHERE debit_account_id = a.id) AS debits,
            (SELECT SUM(amount) FROM ledger_transfer WHERE credit_account_id = a.id) AS credits
       FROM ledger_account a WHERE a.county_id = ? AND a.fund_year = ? ORDER BY a.code`,
      [countyId, fundYear],
    );
  }

  /** One page of a county-year's transfers, oldest first, optionally of one reference type (and id) or touching one account. */
  transfers(
    countyId: number,
    fundYear: number,
    filter: { referenceType?: string; referenceId?: string; account?: string },
    window: PageWindow,
  ): Promise<{ rows: TransferListRow[]; total: number }> {
    const conditions = [
      ...(filter.referenceType ? [{ sql: 't.reference_type = ?', params: [filter.referenceType] }] : []),
      ...(filter.referenceId ? [{ sql: 't.reference_id = ?', params: [filter.referenceId] }] : []),
      ...(filter.account ? [{ sql: '(d.code = ? OR c.code = ?)', params: [filter.account, filter.account] }] : []),
    ];
    return selectPage(
      this.dataSource,
      {
        select:
          'SELECT t.id, d.code AS debit, c.code AS credit, t.amount, t.memo, t.reference_type, t.reference_id, t.posted_by, t.posted_at',
        from: `FROM ledger_transfer t
         JOIN ledger_account d ON d.id = t.debit_account_id JOIN ledger_account c ON c.id = t.credit_account_id
        WHERE t.county_id = ? AND t.fund_year = ? ${conditions.map((c) => `AND ${c.sql}`).join(' ')}`,
        orderBy: 't.posted_at, t.id',
      },
      [countyId, fundYear, ...conditions.flatMap((c) => c.params)],
      window,
    );
  }

  /** Σ amount of the transfers with these ids. */
  async sumOfTransfers(ids: readonly string[]): Promise<string> {
    const [row]: { s: string }[] = await this.dataSource.query(
      `SELECT COALESCE(SUM(t.amount), 0) AS s FROM ledger_transfer t WHERE t.id IN (${placeholders(ids)})`,
      [...ids],
    );
    return row.s;
  }

  /** Σ amount of the transfers posted for these references of one type. */
  async sumForReferences(type: string, referenceIds: readonly string[]): Promise<string> {
    const [row]: { s: string }[] = await this.dataSource.query(
      `SELECT COALESCE(SUM(t.amount), 0) AS s FROM ledger_transfer t WHERE t.reference_type = ? AND t.reference_id IN (${placeholders(referenceIds)})`,
      [type, ...referenceIds],
    );
    return row.s;
  }

  /** The amount posted for each reference of one type (references without a transfer are absent). */
  async sumsByReference(type: string, referenceIds: readonly string[]): Promise<Map<string, string>> {
    if (referenceIds.length === 0) return new Map();
    const rows: { reference_id: string; s: string }[] = await this.dataSource.query(
      `SELECT t.reference_id, SUM(t.amount) AS s FROM ledger_transfer t WHERE t.reference_type = ? AND t.reference_id IN (${placeholders(referenceIds)}) GROUP BY t.reference_id`,
      [type, ...referenceIds],
    );
    return new Map(rows.map((r) => [String(r.reference_id), r.s]));
  }

  /** The amount of each of these transfers (unknown ids are absent). */
  async amountsOf(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows: { id: string; amount: string }[] = await this.dataSource.query(
      `SELECT t.id, t.amount FROM ledger_transfer t WHERE t.id IN (${placeholders(ids)})`,
      [...ids],
    );
    return new Map(rows.map((r) => [r.id, r.amount]));
  }
}
