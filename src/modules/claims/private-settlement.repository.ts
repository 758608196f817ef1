import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { selectPage } from '../../common/page.repository';
import { PageWindow } from '../../common/pagination';
import { Scope } from '../../domain/access-policy';
import { PrivatePaymentState } from '../../domain/claim-cycle';
import { allOf, scopeCondition } from './member-claim.repository';

export type PaymentRow = {
  id: number;
  claim_id: number;
  institution_code: string;
  county_id: number;
  fund_year: number;
  period: string;
  state: PrivatePaymentState;
  version: number;
  annual_budget: string;
  approved: string;
  approved_to_date: string;
  cumulative_cap: string;
  funded: string;
  deposit: string;
  cash: string;
  unfunded_to_date: string;
  approved_by: string;
  paid_on: string | null;
  paid_by: string | null;
};

export interface NewPrivatePayment {
  claimId: number;
  institutionId: number;
  countyId: number;
  fundYear: number;
  period: string;
  annualBudget: string;
  approved: string;
  approvedToDate: string;
  cumulativeCap: string;
  funded: string;
  deposit: string;
  cash: string;
  unfundedToDate: string;
  approvedBy: string;
}

/** Which private payments a list shows. */
export interface PrivatePaymentFilter {
  /** Payments to institutions within the scope. */
  scope?: Scope;
  countyId?: number;
  state?: PrivatePaymentState;
  fundYear?: number;
}

const PAYMENT_COLUMNS = "SELECT p.*, i.code AS institution_code, DATE_FORMAT(p.paid_on, '%Y-%m-%d') AS paid_on";
const PAYMENT_FROM = 'FROM private_payment p JOIN institution i ON i.id = p.institution_id';
const PAYMENT_SELECT = `${PAYMENT_COLUMNS} ${PAYMENT_FROM}`;
const PAYMENT_ORDER = 'p.period DESC, i.code, p.id';

function paymentConditions(filter: PrivatePaymentFilter): { sql: string; params: unknown[] } {
  return allOf([
    ...(filter.scope ? [scopeCondition(filter.scope, 'i')] : []),
    ...(filter.countyId !== undefined ? [{ sql: 'p.county_id = ?', params: [filter.countyId] }] : []),
    ...(filter.state ? [{ sql: 'p.state = ?', params: [filter.state] }] : []),
    ...(filter.fundYear ? [{ sql: 'p.fund_year = ?', params: [filter.fundYear] }] : []),
  ]);
}

/** Private institutions' annual budgets (总额控制) and monthly payments. */
@Injectable()
export class PrivateSettlementRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  // ------------------------------------------------------------ budgets

  /** Locks the county's budgets of a year against concurrent changes (the county row). */
  async lockCounty(manager: EntityManager, countyId: number): Promise<void> {
    await manager.query('SELECT id FROM county WHERE id = ? FOR UPDATE', [countyId]);
  }

  /** The county's institutions with the given codes. */
  institutionsByCode(
    manager: EntityManager,
    countyId: number,
    codes: readonly string[],
  ): Promise<{ id: number; code: string; type: string }[]> {
    if (codes.length === 0) return Promise.resolve([]);
    return manager.query(`SELECT id, code, type FROM institution WHERE county_id = ? AND code IN (${codes.map(() => '?').join(', ')})`, [
      countyId,
      ...codes,
    ]);
  }

  async saveBudget(
    manager: EntityManager,
    countyId: number,
    fundYear: number,
    institutionId: number,
    amount: string,
    setBy: string,
  ): Promise<void> {
    await manager.query(
      'INSERT INTO private_budget (county_id, fund_year, institution_id, amount, set_by) VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE amount = VALUES(amount), set_by = VALUES(set_by)',
      [countyId, fundYear, institutionId, amount, setBy],
    );
  }

  budgetsOf(
    manager: EntityManager,
    countyId: number,
    fundYear: number,
  ): Promise<{ code: string; name: string; amount: string; set_by: string }[]> {
    return manager.query(
      'SELECT i.code, i.name, b.amount, b.set_by FROM private_budget b JOIN institution i ON i.id = b.institution_id WHERE b.county_id = ? AND b.fund_year = ? ORDER BY i.code',
      [countyId, fundYear],
    );
  }

  async budgetOf(manager: EntityManager, institutionId: number, fundYear: number): Promise<string | undefined> {
    const [budget]: { amount: string }[] = await manager.query(
      'SELECT amount FROM private_budget WHERE institution_id = ? AND fund_year = ?',
      [institutionId, fundYear],
    );
    return budget?.amount;
  }

  // ------------------------------------------------------------ payments

  async find(manager: EntityManager, id: number, lock = false): Promise<PaymentRow | undefined> {
    const [row]: PaymentRow[] = await manager.query(`${PAYMENT_SELECT} WHERE p.id = ?${lock ? ' FOR UPDATE' : ''}`, [id]);
    return row;
  }

  async idOfClaim(manager: EntityManager, claimId: number): Promise<number | undefined> {
    const [existing]: { id: number }[] = await manager.query('SELECT id FROM private_payment WHERE claim_id = ?', [claimId]);
    return existing?.id;
  }

  /** A later period of the year already settled for the institution, if any. */
  async laterSettled(manager: EntityManager, institutionId: number, fundYear: number, period: string): Promise<string | undefined> {
    const [later]: { period: string }[] = await manager.query(
      'SELECT period FROM private_payment WHERE institution_id = ? AND fund_year = ? AND period > ? LIMIT 1',
      [institutionId, fundYear, period],
    );
    return later?.period;
  }

  /** What the institution's payments of the year approved and funded so far. */
  async yearToDate(manager: EntityManager, institutionId: number, fundYear: number): Promise<{ approved: string; funded: string }> {
    const [before]: { approved: string; funded: string }[] = await manager.query(
      'SELECT COALESCE(SUM(approved), 0) AS approved, COALESCE(SUM(funded), 0) AS funded FROM private_payment WHERE institution_id = ? AND fund_year = ?',
      [institutionId, fundYear],
    );
    return before;
  }

  async insert(manager: EntityManager, p: NewPrivatePayment): Promise<number> {
    const result = await manager.query(
      `INSERT INTO private_payment (claim_id, institution_id, county_id, fund_year, period, state, annual_budget, approved, approved_to_date, cumulative_cap, funded, deposit, cash, unfunded_to_date, approved_by)
       VALUES (?, ?, ?, ?, ?, 'APPROVED', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        p.claimId,
        p.institutionId,
        p.countyId,
        p.fundYear,
        p.period,
        p.annualBudget,
        p.approved,
        p.approvedToDate,
        p.cumulativeCap,
        p.funded,
        p.deposit,
        p.cash,
        p.unfundedToDate,
        p.approvedBy,
      ],
    );
    return Number(result.insertId);
  }

  async markPaid(manager: EntityManager, id: number, paidOn: string, paidBy: string): Promise<void> {
    await manager.query("UPDATE private_payment SET state = 'PAID', paid_on = ?, paid_by = ?, version = version + 1 WHERE id = ?", [
      paidOn,
      paidBy,
      id,
    ]);
  }

  list(filter: PrivatePaymentFilter): Promise<PaymentRow[]> {
    const where = paymentConditions(filter);
    return this.dataSource.query(`${PAYMENT_SELECT} WHERE ${where.sql} ORDER BY ${PAYMENT_ORDER} LIMIT 1000`, where.params);
  }

  /** One page of private payments, newest period first. */
  page(filter: PrivatePaymentFilter, window: PageWindow): Promise<{ rows: PaymentRow[]; total: number }> {
    const where = paymentConditions(filter);
    return selectPage(
      this.dataSource,
      { select: PAYMENT_COLUMNS, from: `${PAYMENT_FROM} WHERE ${where.sql}`, orderBy: PAYMENT_ORDER },
      where.params,
      window,
    );
  }
}
