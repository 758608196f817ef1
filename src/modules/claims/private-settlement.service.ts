import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Page, pageOf, PageWindow } from '../../common/pagination';
import { assertMakerChecker } from '../../domain/access-policy';
import {
  assertNotInFuture,
  fundYearOf,
  MEMBER_CLAIM_LIFECYCLE,
  monthOf,
  PRIVATE_PAYMENT_LIFECYCLE,
  PrivatePaymentState,
  privateMonthlyPayment,
} from '../../domain/claim-cycle';
import { privatePaymentActions } from '../../domain/document-actions';
import { privatePaidPostings, privatePaymentPostings } from '../../domain/claim-postings';
import { Money } from '../../domain/money';
import { sumUnitFigures } from '../../domain/unit-totals';
import {
  approvedToDate,
  assertPrivateClaim,
  assertSettledInOrder,
  checkBudgetInstitutions,
  checkBudgetsWithinPool,
  requirePrivateBudget,
} from '../../domain/private-settlement';
import { BusinessClock } from '../../common/business-clock';
import { Caller } from '../../common/caller';
import { notFound, staleVersion } from '../../common/record-errors';
import { AuditService } from '../audit';
import { AllocationService } from '../fund-year';
import { PolicyParametersService } from '../fund-year';
import { LedgerService } from '../ledger';
import { claimFollowsMoney } from './claim-money';
import { MemberClaimRepository } from './member-claim.repository';
import { PaymentRow, PrivatePaymentFilter, PrivateSettlementRepository } from './private-settlement.repository';
import { Transactions } from './transactions';
import { UnitTotalRepository } from './unit-total.repository';

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
  /** What the caller may do now (docs/document-actions.md). */
  allowedActions: 'pay'[];
}

/** A payment as the audit trail keeps it (what anyone may do with it is no part of it). */
function paymentSnapshot(v: PrivatePaymentView): Record<string, unknown> {
  const { allowedActions: _actions, ...rest } = v;
  return rest;
}

/**
 * Total-control settlement of private designated institutions (民营定点医疗机构总额控制结算,
 * SPEC §4): the bureau gives each an annual budget from the private pool, reviews its monthly
 * claims, and pays approved claims up to budget × months elapsed / 12, less the quality deposit.
 */
@Injectable()
export class PrivateSettlementService {
  constructor(
    private readonly transactions: Transactions,
    private readonly settlements: PrivateSettlementRepository,
    private readonly claims: MemberClaimRepository,
    private readonly audit: AuditService,
    private readonly ledger: LedgerService,
    private readonly allocations: AllocationService,
    private readonly parameters: PolicyParametersService,
    private readonly clock: BusinessClock,
    private readonly unitTotals: UnitTotalRepository,
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
    return this.transactions.run(async (manager) => {
      await this.settlements.lockCounty(manager, county.id);
      const found = await this.settlements.institutionsByCode(
        manager,
        county.id,
        budgets.map((b) => b.institutionCode),
      );
      checkBudgetInstitutions(county.code, budgets, found);
      const allocation = await this.allocations.inForce(manager, county.id, fundYear);
      const before = await this.budgets(manager, county, fundYear);
      checkBudgetsWithinPool(
        fundYear,
        allocation ? allocation.figures.privatePool : null,
        before.budgets.map((b) => ({ institutionCode: b.institutionCode, amount: Money.of(b.amount) })),
        budgets,
      );
      for (const b of budgets) {
        const inst = found.find((f) => f.code === b.institutionCode)!;
        await this.settlements.saveBudget(manager, county.id, fundYear, inst.id, Money.of(b.amount).toString(), caller.name);
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
    const rows = await this.settlements.budgetsOf(manager, county.id, fundYear);
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
    return this.transactions.run(async (manager) => {
      const claim = await this.claims.find(manager, claimId, true);
      if (!claim) throw notFound('member claim', String(claimId));
      const existing = await this.settlements.idOfClaim(manager, claimId);
      if (existing !== undefined) return this.view(manager, existing, caller);
      assertPrivateClaim({ id: claimId, institutionCode: claim.institution_code, communityId: claim.community_id });
      MEMBER_CLAIM_LIFECYCLE.apply(claim.state, 'settle');
      if (claim.version !== version) throw staleVersion(claim.version);
      assertMakerChecker(claim.reviewed_by ?? '', caller.name);
      const fundYear = fundYearOf(claim.period);
      assertSettledInOrder(claim.period, await this.settlements.laterSettled(manager, claim.institution_id, fundYear, claim.period));
      const stored = await this.settlements.budgetOf(manager, claim.institution_id, fundYear);
      const annualBudget = requirePrivateBudget(stored === undefined ? undefined : Money.of(stored), claim.institution_code, fundYear);
      // The claim's per-unit totals, kept approved from now on: the same pass gives the approved amount.
      const approved = sumUnitFigures(await this.unitTotals.keepClaimTotals(manager, [claimId], 'APPROVED')).approved;
      const before = await this.settlements.yearToDate(manager, claim.institution_id, fundYear);
      const terms = await this.parameters.terms(manager, { id: claim.county_id, code: '' }, fundYear);
      const toDate = approvedToDate(Money.of(before.approved), approved);
      const payment = privateMonthlyPayment({
        annualBudget,
        monthsElapsed: monthOf(claim.period),
        approvedToDate: toDate,
        fundedBefore: Money.of(before.funded),
        depositRate: terms.privateQualityDepositRate,
      });
      const id = await this.settlements.insert(manager, {
        claimId,
        institutionId: claim.institution_id,
        countyId: claim.county_id,
        fundYear,
        period: claim.period,
        annualBudget: annualBudget.toString(),
        approved: approved.toString(),
        approvedToDate: toDate.toString(),
        cumulativeCap: payment.cumulativeCap.toString(),
        funded: payment.funded.toString(),
        deposit: payment.deposit.toString(),
        cash: payment.cash.toString(),
        unfundedToDate: payment.unfundedToDate.toString(),
        approvedBy: caller.name,
      });
      await this.ledger.post(
        manager,
        claim.county_id,
        fundYear,
        privatePaymentPostings(id, claim.institution_code, claim.period, payment),
        {
          type: 'privatePayment',
          id: String(id),
        },
      );
      await this.claims.markSettled(manager, claimId);
      const view = await this.view(manager, id, caller);
      await this.audit.record(manager, {
        action: 'privatePayment.approve',
        entityType: 'privatePayment',
        entityId: String(id),
        before: { claimState: claim.state },
        after: paymentSnapshot(view),
      });
      return view;
    });
  }

  /** The bureau records the payment to the institution, dated. */
  async pay(caller: Caller, id: number, version: number, paidOn: string): Promise<PrivatePaymentView> {
    return this.transactions.run(async (manager) => {
      const row = await this.settlements.find(manager, id, true);
      if (!row) throw notFound('private payment', String(id));
      if (row.state === 'PAID' && row.paid_on === paidOn) return this.viewOf(row, caller);
      PRIVATE_PAYMENT_LIFECYCLE.apply(row.state, 'pay');
      if (row.version !== version) throw staleVersion(row.version);
      assertNotInFuture('paidOn', 'payment', paidOn, this.clock.today());
      await this.ledger.post(
        manager,
        row.county_id,
        row.fund_year,
        privatePaidPostings(id, row.institution_code, row.period, Money.of(row.cash)),
        {
          type: 'privatePayment',
          id: String(id),
        },
      );
      await this.settlements.markPaid(manager, id, paidOn, caller.name);
      const claim = await this.claims.find(manager, Number(row.claim_id), true);
      if (claim) await claimFollowsMoney(manager, this.claims, this.audit, claim, 'pay', paidOn);
      const after = await this.view(manager, id, caller);
      await this.audit.record(manager, {
        action: 'privatePayment.pay',
        entityType: 'privatePayment',
        entityId: String(id),
        before: paymentSnapshot(this.viewOf(row, null)),
        after: paymentSnapshot(after),
      });
      return after;
    });
  }

  get(reader: Caller, id: number): Promise<PrivatePaymentView> {
    return this.view(this.settlements.manager, id, reader);
  }

  /** Payments as a list or an inbox selects them (null reader: the system, offered no actions). */
  async list(filter: PrivatePaymentFilter, reader: Caller | null = null): Promise<PrivatePaymentView[]> {
    return (await this.settlements.list(filter)).map((r) => this.viewOf(r, reader));
  }

  /** One page of the payments a list shows, with the actions each offers the reader. */
  async page(filter: PrivatePaymentFilter, window: PageWindow, reader: Caller): Promise<Page<PrivatePaymentView>> {
    const { rows, total } = await this.settlements.page(filter, window);
    return pageOf(
      rows.map((r) => this.viewOf(r, reader)),
      total,
      window,
    );
  }

  private async view(manager: EntityManager, id: number, reader: Caller): Promise<PrivatePaymentView> {
    const row = await this.settlements.find(manager, id);
    if (!row) throw notFound('private payment', String(id));
    return this.viewOf(row, reader);
  }

  private viewOf(r: PaymentRow, reader: Caller | null): PrivatePaymentView {
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
      allowedActions: reader ? privatePaymentActions(reader, { state: r.state, countyId: Number(r.county_id) }) : [],
    };
  }
}
