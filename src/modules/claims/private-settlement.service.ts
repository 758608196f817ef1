import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { assertMakerChecker } from '../../domain/access-policy';
import {
  fundYearOf,
  MEMBER_CLAIM_LIFECYCLE,
  MemberClaimState,
  monthOf,
  PRIVATE_PAYMENT_LIFECYCLE,
  PrivatePaymentState,
  privateMonthlyPayment,
} from '../../domain/claim-cycle';
import { DomainError, ErrorDetail } from '../../domain/domain-error';
import { ACCOUNTS, PRIVATE_ACCOUNTS } from '../../domain/ledger';
import { Money } from '../../domain/money';
import { BusinessClock } from '../../common/business-clock';
import { Caller } from '../../common/caller';
import { notFound, staleVersion } from '../../common/record-errors';
import { inTransaction } from '../../database/transaction';
import { AuditService } from '../audit/audit.service';
import { AllocationService } from '../fund-year/allocation.service';
import { PolicyParametersService } from '../fund-year/policy-parameters.service';
import { LedgerService } from '../ledger/ledger.service';
import { claimTotals } from './record-totals';

export interface PrivateBudgetView {
  institutionCode: string;
  institutionName: string;
  amount: string;
  setBy: string;
}

export interface PrivateBudgetsView {
  countyCode: string;
  fundYear: number;
  privatePool: string | null;
  total: string;
  budgets: PrivateBudgetView[];
}

export interface PrivatePaymentView {
  id: number;
  claimId: number;
  institutionCode: string;
  fundYear: number;
  period: string;
  state: PrivatePaymentState;
  version: number;
  annualBudget: string;
  approved: string;
  approvedToDate: string;
  cumulativeCap: string;
  funded: string;
  deposit: string;
  cash: string;
  unfundedToDate: string;
  approvedBy: string;
  paidOn: string | null;
  paidBy: string | null;
}

type PaymentRow = {
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

const PAYMENT_SELECT = `SELECT p.*, i.code AS institution_code, DATE_FORMAT(p.paid_on, '%Y-%m-%d') AS paid_on FROM private_payment p JOIN institution i ON i.id = p.institution_id`;

/**
 * Total-control settlement of private designated institutions (民营定点医疗机构总额控制结算,
 * SPEC §4): the bureau gives each an annual budget from the private pool, reviews its monthly
 * claims, and pays approved claims up to budget × months elapsed / 12, less the quality deposit.
 */
@Injectable()
export class PrivateSettlementService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly ledger: LedgerService,
    private readonly allocations: AllocationService,
    private readonly parameters: PolicyParametersService,
    private readonly clock: BusinessClock,
  ) {}

  /**
   * Sets the year's budgets of the county's private institutions at once; together they may not
   * exceed the private pool of the approved allocation. Institutions not named keep their budget.
   */
  async setBudgets(
    caller: Caller,
    county: { id: number; code: string },
    fundYear: number,
    budgets: { institutionCode: string; amount: string }[],
  ): Promise<PrivateBudgetsView> {
    return inTransaction(this.dataSource, async (manager) => {
      await manager.query('SELECT id FROM county WHERE id = ? FOR UPDATE', [county.id]);
      const errors: ErrorDetail[] = [];
      const codes = budgets.map((b) => b.institutionCode);
      const found: { id: number; code: string; type: string }[] = codes.length
        ? await manager.query(
            `SELECT id, code, type FROM institution WHERE county_id = ? AND code IN (${codes.map(() => '?').join(', ')})`,
            [county.id, ...codes],
          )
        : [];
      budgets.forEach((b, i) => {
        const inst = found.find((f) => f.code === b.institutionCode);
        if (!inst)
          errors.push({
            field: `budgets.${i}.institutionCode`,
            rule: 'exists',
            message: `${b.institutionCode} is not an institution of county ${county.code}`,
          });
        else if (inst.type !== 'PRIVATE_DESIGNATED')
          errors.push({
            field: `budgets.${i}.institutionCode`,
            rule: 'privateInstitution',
            message: `${b.institutionCode} is not a private designated institution`,
          });
        if (codes.indexOf(b.institutionCode) !== i)
          errors.push({ field: `budgets.${i}.institutionCode`, rule: 'unique', message: `${b.institutionCode} appears twice` });
      });
      if (errors.length) throw new DomainError('VALIDATION_FAILED', 'unprocessable', errors.map((e) => e.message).join('; '), errors);
      const allocation = await this.allocations.inForce(manager, county.id, fundYear);
      if (!allocation)
        throw new DomainError(
          'NO_APPROVED_ALLOCATION',
          'unprocessable',
          `there is no approved allocation for ${fundYear}: budgets come from its private pool`,
          [{ field: 'fundYear', rule: 'allocationApproved', message: String(fundYear) }],
        );
      const before = await this.budgets(manager, county, fundYear);
      const next = new Map(before.budgets.map((b) => [b.institutionCode, Money.of(b.amount)]));
      for (const b of budgets) next.set(b.institutionCode, Money.of(b.amount));
      const total = Money.sum(next.values());
      const pool = Money.of(allocation.figures.privatePool);
      if (total.gt(pool)) {
        throw new DomainError(
          'PRIVATE_POOL_EXCEEDED',
          'unprocessable',
          `the budgets total ${total} exceeds the private pool ${pool} by ${total.minus(pool)}`,
          [{ field: 'budgets', rule: 'withinPrivatePool', message: `${total} > ${pool}` }],
        );
      }
      for (const b of budgets) {
        const inst = found.find((f) => f.code === b.institutionCode)!;
        await manager.query(
          'INSERT INTO private_budget (county_id, fund_year, institution_id, amount, set_by) VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE amount = VALUES(amount), set_by = VALUES(set_by)',
          [county.id, fundYear, inst.id, Money.of(b.amount).toString(), caller.name],
        );
      }
      const after = await this.budgets(manager, county, fundYear);
      await this.audit.record(manager, {
        action: 'privateBudget.set',
        entityType: 'privateBudget',
        entityId: `${county.code}/${fundYear}`,
        before: { total: before.total, budgets: before.budgets },
        after: { total: after.total, budgets: after.budgets },
      });
      return after;
    });
  }

  async budgets(manager: EntityManager, county: { id: number; code: string }, fundYear: number): Promise<PrivateBudgetsView> {
    const rows: { code: string; name: string; amount: string; set_by: string }[] = await manager.query(
      'SELECT i.code, i.name, b.amount, b.set_by FROM private_budget b JOIN institution i ON i.id = b.institution_id WHERE b.county_id = ? AND b.fund_year = ? ORDER BY i.code',
      [county.id, fundYear],
    );
    const allocation = await this.allocations.inForce(manager, county.id, fundYear);
    const budgets = rows.map((r) => ({
      institutionCode: r.code,
      institutionName: r.name,
      amount: Money.of(r.amount).toString(),
      setBy: r.set_by,
    }));
    return {
      countyCode: county.code,
      fundYear,
      privatePool: allocation?.figures.privatePool ?? null,
      total: Money.sum(budgets.map((b) => Money.of(b.amount))).toString(),
      budgets,
    };
  }

  /**
   * A bureau approver settles a reviewed private claim (maker-checker against the reviewing
   * clerk): the monthly payment is computed against the cumulative cap and posted from the
   * private pool. Periods are settled in order.
   */
  async approve(caller: Caller, claimId: number, version: number): Promise<PrivatePaymentView> {
    return inTransaction(this.dataSource, async (manager) => {
      const [claim]: {
        id: number;
        institution_id: number;
        code: string;
        community_id: number | null;
        county_id: number;
        period: string;
        state: MemberClaimState;
        version: number;
        reviewed_by: string | null;
      }[] = await manager.query(
        'SELECT c.id, c.institution_id, i.code, c.community_id, c.county_id, c.period, c.state, c.version, c.reviewed_by FROM member_claim c JOIN institution i ON i.id = c.institution_id WHERE c.id = ? FOR UPDATE',
        [claimId],
      );
      if (!claim) throw notFound('member claim', String(claimId));
      const [existing]: { id: number }[] = await manager.query('SELECT id FROM private_payment WHERE claim_id = ?', [claimId]);
      if (existing) return this.view(manager, existing.id);
      if (claim.community_id !== null)
        throw new DomainError(
          'NOT_A_PRIVATE_CLAIM',
          'conflict',
          `claim ${claimId} belongs to a medical community: it is declared by the lead unit`,
          [{ field: 'id', rule: 'privateClaim', message: claim.code }],
        );
      MEMBER_CLAIM_LIFECYCLE.apply(claim.state, 'settle');
      if (claim.version !== version) throw staleVersion(claim.version);
      assertMakerChecker(claim.reviewed_by ?? '', caller.name);
      const fundYear = fundYearOf(claim.period);
      const [later]: { period: string }[] = await manager.query(
        'SELECT period FROM private_payment WHERE institution_id = ? AND fund_year = ? AND period > ? LIMIT 1',
        [claim.institution_id, fundYear, claim.period],
      );
      if (later)
        throw new DomainError(
          'PERIOD_OUT_OF_ORDER',
          'conflict',
          `${later.period} is already settled: ${claim.period} cannot be settled after a later period`,
          [{ field: 'id', rule: 'periodOrder', message: later.period }],
        );
      const [budget]: { amount: string }[] = await manager.query(
        'SELECT amount FROM private_budget WHERE institution_id = ? AND fund_year = ?',
        [claim.institution_id, fundYear],
      );
      if (!budget)
        throw new DomainError(
          'NO_PRIVATE_BUDGET',
          'unprocessable',
          `${claim.code} has no budget for ${fundYear}; the bureau sets it first`,
          [{ field: 'id', rule: 'budgetSet', message: claim.code }],
        );
      const approved = Money.of((await claimTotals(manager, claim.institution_id, claim.period)).approved);
      const [before]: { approved: string; funded: string }[] = await manager.query(
        'SELECT COALESCE(SUM(approved), 0) AS approved, COALESCE(SUM(funded), 0) AS funded FROM private_payment WHERE institution_id = ? AND fund_year = ?',
        [claim.institution_id, fundYear],
      );
      const params = (await this.parameters.current(manager, { id: claim.county_id, code: '' }, fundYear)).values;
      const payment = privateMonthlyPayment({
        annualBudget: Money.of(budget.amount),
        monthsElapsed: monthOf(claim.period),
        approvedToDate: Money.of(before.approved).plus(approved),
        fundedBefore: Money.of(before.funded),
        depositRate: params.privateQualityDepositRate,
      });
      const result = await manager.query(
        `INSERT INTO private_payment (claim_id, institution_id, county_id, fund_year, period, state, annual_budget, approved, approved_to_date, cumulative_cap, funded, deposit, cash, unfunded_to_date, approved_by)
         VALUES (?, ?, ?, ?, ?, 'APPROVED', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          claimId,
          claim.institution_id,
          claim.county_id,
          fundYear,
          claim.period,
          Money.of(budget.amount).toString(),
          approved.toString(),
          Money.of(before.approved).plus(approved).toString(),
          payment.cumulativeCap.toString(),
          payment.funded.toString(),
          payment.deposit.toString(),
          payment.cash.toString(),
          payment.unfundedToDate.toString(),
          caller.name,
        ],
      );
      const id = Number(result.insertId);
      const transfers = [
        {
          id: `private-payment.${id}.deposit`,
          debit: ACCOUNTS.privatePool,
          credit: PRIVATE_ACCOUNTS.deposit(claim.code),
          amount: payment.deposit,
          memo: `${claim.period} ${claim.code} 质量保证金`,
        },
        {
          id: `private-payment.${id}.payable`,
          debit: ACCOUNTS.privatePool,
          credit: PRIVATE_ACCOUNTS.payable(claim.code),
          amount: payment.cash,
          memo: `${claim.period} ${claim.code} 总额控制月度结算`,
        },
      ].filter((x) => x.amount.isPositive());
      await this.ledger.post(manager, claim.county_id, fundYear, transfers, { type: 'privatePayment', id: String(id) });
      await manager.query("UPDATE member_claim SET state = 'SETTLED', version = version + 1 WHERE id = ?", [claimId]);
      const view = await this.view(manager, id);
      await this.audit.record(manager, {
        action: 'privatePayment.approve',
        entityType: 'privatePayment',
        entityId: String(id),
        before: { claimState: claim.state },
        after: view as unknown as Record<string, unknown>,
      });
      return view;
    });
  }

  /** The bureau records the payment to the institution, dated. */
  async pay(caller: Caller, id: number, version: number, paidOn: string): Promise<PrivatePaymentView> {
    return inTransaction(this.dataSource, async (manager) => {
      const [row]: PaymentRow[] = await manager.query(`${PAYMENT_SELECT} WHERE p.id = ? FOR UPDATE`, [id]);
      if (!row) throw notFound('private payment', String(id));
      if (row.state === 'PAID' && row.paid_on === paidOn) return this.viewOf(row);
      PRIVATE_PAYMENT_LIFECYCLE.apply(row.state, 'pay');
      if (row.version !== version) throw staleVersion(row.version);
      if (paidOn > this.clock.today())
        throw new DomainError('VALIDATION_FAILED', 'unprocessable', `the payment date ${paidOn} is in the future`, [
          { field: 'paidOn', rule: 'notFuture', message: paidOn },
        ]);
      const cash = Money.of(row.cash);
      if (cash.isPositive()) {
        await this.ledger.post(
          manager,
          row.county_id,
          row.fund_year,
          [
            {
              id: `private-payment.${id}.paid`,
              debit: PRIVATE_ACCOUNTS.payable(row.institution_code),
              credit: PRIVATE_ACCOUNTS.paid(row.institution_code),
              amount: cash,
              memo: `${row.period} ${row.institution_code} 拨付`,
            },
          ],
          {
            type: 'privatePayment',
            id: String(id),
          },
        );
      }
      await manager.query("UPDATE private_payment SET state = 'PAID', paid_on = ?, paid_by = ?, version = version + 1 WHERE id = ?", [
        paidOn,
        caller.name,
        id,
      ]);
      const after = await this.view(manager, id);
      await this.audit.record(manager, {
        action: 'privatePayment.pay',
        entityType: 'privatePayment',
        entityId: String(id),
        before: this.viewOf(row) as unknown as Record<string, unknown>,
        after: after as unknown as Record<string, unknown>,
      });
      return after;
    });
  }

  get(id: number): Promise<PrivatePaymentView> {
    return this.view(this.dataSource.manager, id);
  }

  async list(where: { sql: string; params: unknown[] }, fundYear?: number): Promise<PrivatePaymentView[]> {
    const rows: PaymentRow[] = await this.dataSource.query(
      `${PAYMENT_SELECT} WHERE (${where.sql}) ${fundYear ? 'AND p.fund_year = ?' : ''} ORDER BY p.period DESC, i.code LIMIT 1000`,
      [...where.params, ...(fundYear ? [fundYear] : [])],
    );
    return rows.map((r) => this.viewOf(r));
  }

  private async view(manager: EntityManager, id: number): Promise<PrivatePaymentView> {
    const [row]: PaymentRow[] = await manager.query(`${PAYMENT_SELECT} WHERE p.id = ?`, [id]);
    if (!row) throw notFound('private payment', String(id));
    return this.viewOf(row);
  }

  private viewOf(r: PaymentRow): PrivatePaymentView {
    const m = (v: string) => Money.of(v).toString();
    return {
      id: Number(r.id),
      claimId: Number(r.claim_id),
      institutionCode: r.institution_code,
      fundYear: r.fund_year,
      period: r.period,
      state: r.state,
      version: r.version,
      annualBudget: m(r.annual_budget),
      approved: m(r.approved),
      approvedToDate: m(r.approved_to_date),
      cumulativeCap: m(r.cumulative_cap),
      funded: m(r.funded),
      deposit: m(r.deposit),
      cash: m(r.cash),
      unfundedToDate: m(r.unfunded_to_date),
      approvedBy: r.approved_by,
      paidOn: r.paid_on,
      paidBy: r.paid_by,
    };
  }
}
