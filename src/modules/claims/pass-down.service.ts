import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Page, pageOf, PageWindow } from '../../common/pagination';
import { deadlineStatus, PASS_DOWN_LIFECYCLE, PassDownState } from '../../domain/claim-cycle';
import { leadOwnSharePostings, passDownPaymentPostings } from '../../domain/claim-postings';
import { Money } from '../../domain/money';
import { passDownActions } from '../../domain/document-actions';
import { assertPassDownPayer, assertPassDownPaymentDate, memberPassDowns, villagePassDowns } from '../../domain/pass-down';
import { BusinessClock } from '../../common/business-clock';
import { Caller } from '../../common/caller';
import { notFound, staleVersion } from '../../common/record-errors';
import { AuditService } from '../audit';
import { CalendarService } from '../calendar';
import { PolicyParametersService } from '../fund-year';
import { LedgerService } from '../ledger';
import { claimFollowsMoney } from './claim-money';
import { MemberClaimRepository } from './member-claim.repository';
import { PassDownFilter, PassDownRepository, PassDownRow } from './pass-down.repository';
import { SettlementRecordRepository } from './settlement-record.repository';
import { Transactions } from './transactions';

export interface PassDownView {
  id: number;
  declarationId: number;
  period: string;
  communityCode: string;
  level: 'MEMBER' | 'VILLAGE';
  upstreamId: number | null;
  payerCode: string;
  payeeCode: string;
  approved: string;
  amount: string;
  receivedOn: string;
  deadline: string;
  deadlineConfirmed: boolean;
  state: PassDownState;
  version: number;
  paidOn: string | null;
  paidBy: string | null;
  late: boolean;
  overdue: boolean;
  /** What the caller may do now (docs/document-actions.md). */
  allowedActions: 'pay'[];
}

/** A pass-down as the audit trail keeps it (what anyone may do with it is no part of it). */
function passDownSnapshot(v: PassDownView): Record<string, unknown> {
  const { allowedActions: _actions, ...rest } = v;
  return rest;
}

export interface DeclarationFunds {
  id: number;
  countyId: number;
  fundYear: number;
  communityId: number;
  communityCode: string;
  period: string;
  /** What reached the lead unit for its members: funded less the deposit. */
  received: Money;
  receivedOn: string;
  passDownWorkingDays: number;
}

/**
 * Pass-downs (SPEC §4 step 6): the lead unit passes each member's share down within 5 working
 * days of receiving it, and each township its villages' share within 5 working days of receiving
 * from the lead unit. The receipt day does not count. Payments post to the ledger.
 */
@Injectable()
export class PassDownService {
  constructor(
    private readonly transactions: Transactions,
    private readonly passDowns: PassDownRepository,
    private readonly claims: MemberClaimRepository,
    private readonly records: SettlementRecordRepository,
    private readonly audit: AuditService,
    private readonly ledger: LedgerService,
    private readonly calendar: CalendarService,
    private readonly clock: BusinessClock,
    private readonly parameters: PolicyParametersService,
  ) {}

  /**
   * Splits what the lead received between the declaration's members by approved amount. The
   * lead unit's own share needs no transfer between institutions, and a member with nothing
   * approved has nothing to receive: both are recorded as paid on receipt, and their claims
   * as passed down that day.
   */
  async createMemberPassDowns(manager: EntityManager, d: DeclarationFunds): Promise<void> {
    const members = (await this.claims.membersOfDeclaration(manager, d.id)).map((m) => ({
      institutionId: m.institutionId,
      code: m.institutionCode,
      approved: Money.of(m.totals.approved),
    }));
    const { lead, shares } = memberPassDowns(d.communityCode, await this.passDowns.leadUnitOf(manager, d.communityId), d.received, members);
    const deadline = await this.calendar.passDownDeadline(d.receivedOn, d.passDownWorkingDays);
    for (const share of shares) {
      const id = await this.passDowns.insert(manager, {
        declarationId: d.id,
        level: 'MEMBER',
        upstreamId: null,
        payerId: lead.id,
        payeeId: share.institutionId,
        approved: share.approved.toString(),
        amount: share.amount.toString(),
        receivedOn: d.receivedOn,
        deadline: deadline.deadline,
        deadlineConfirmed: deadline.calendarConfirmed,
        paid: share.paidOnReceipt ? { on: d.receivedOn, by: 'system' } : null,
      });
      if (share.paidOnReceipt) await this.claimPassedDown(manager, d.id, share.institutionId, d.receivedOn);
      if (share.own)
        await this.ledger.post(
          manager,
          d.countyId,
          d.fundYear,
          leadOwnSharePostings(id, d.communityCode, lead.code, share.amount, d.period),
          {
            type: 'passDown',
            id: String(id),
          },
        );
    }
  }

  /**
   * The payer records the payment, dated. Paying a township creates its villages' pass-downs,
   * split by the approved amounts of the records they provided care for.
   */
  async pay(caller: Caller, id: number, version: number, paidOn: string): Promise<PassDownView> {
    return this.transactions.run(async (manager) => {
      const row = await this.row(manager, id, true);
      if (row.state === 'PAID' && row.paid_on === paidOn) return this.view(row, caller);
      PASS_DOWN_LIFECYCLE.apply(row.state, 'pay');
      assertPassDownPayer({ id: row.payer_id, code: row.payer_code }, caller.institution);
      if (row.version !== version) throw staleVersion(row.version);
      assertPassDownPaymentDate(paidOn, row.received_on, this.clock.today());
      await this.ledger.post(
        manager,
        row.county_id,
        row.fund_year,
        passDownPaymentPostings({
          id,
          level: row.level,
          communityCode: row.community_code,
          payerCode: row.payer_code,
          payeeCode: row.payee_code,
          amount: Money.of(row.amount),
          period: row.period,
        }),
        { type: 'passDown', id: String(id) },
      );
      const status = deadlineStatus(row.deadline, paidOn, this.clock.today());
      await this.passDowns.markPaid(manager, id, paidOn, caller.name, status.late);
      if (row.level === 'MEMBER') {
        await this.createVillagePassDowns(manager, row, paidOn);
        await this.claimPassedDown(manager, row.declaration_id, row.payee_id, paidOn);
      }
      const after = this.view(await this.row(manager, id, false), caller);
      await this.audit.record(manager, {
        action: 'passDown.pay',
        entityType: 'passDown',
        entityId: String(id),
        before: passDownSnapshot(this.view(row, null)),
        after: passDownSnapshot(after),
      });
      return after;
    });
  }

  /** The member's claim in the declaration follows its money: passed down on the day the pass-down is paid. */
  private async claimPassedDown(manager: EntityManager, declarationId: number, memberId: number, paidOn: string): Promise<void> {
    const claim = await this.claims.ofDeclarationMember(manager, declarationId, memberId);
    if (claim) await claimFollowsMoney(manager, this.claims, this.audit, claim, 'passDown', paidOn);
  }

  private async createVillagePassDowns(manager: EntityManager, upstream: PassDownRow, receivedOn: string): Promise<void> {
    const units = await this.records.approvedByUnit(manager, upstream.declaration_id, upstream.payee_id);
    const shares = villagePassDowns(upstream.payee_id, Money.of(upstream.amount), units);
    if (shares.length === 0) return;
    const terms = await this.parameters.terms(manager, { id: upstream.county_id, code: '' }, upstream.fund_year);
    const deadline = await this.calendar.passDownDeadline(receivedOn, terms.passDownWorkingDays);
    for (const unit of shares) {
      await this.passDowns.insert(manager, {
        declarationId: upstream.declaration_id,
        level: 'VILLAGE',
        upstreamId: upstream.id,
        payerId: upstream.payee_id,
        payeeId: unit.unitId,
        approved: unit.approved.toString(),
        amount: unit.amount.toString(),
        receivedOn,
        deadline: deadline.deadline,
        deadlineConfirmed: deadline.calendarConfirmed,
        paid: null,
      });
    }
  }

  async get(reader: Caller, id: number): Promise<PassDownView> {
    return this.view(await this.row(this.passDowns.manager, id, false), reader);
  }

  /** Pass-downs as a list or an inbox selects them (null reader: the system, offered no actions). */
  async list(filter: PassDownFilter, reader: Caller | null = null): Promise<PassDownView[]> {
    return (await this.passDowns.list(filter)).map((r) => this.view(r, reader));
  }

  /** Pass-downs paid or received within the caller's scope. */
  async listInScope(caller: Caller, q: PageWindow & { declarationId?: number; state?: string }): Promise<Page<PassDownView>> {
    const { rows, total } = await this.passDowns.page({ scope: caller.scope, declarationId: q.declarationId, state: q.state }, q);
    return pageOf(
      rows.map((r) => this.view(r, caller)),
      total,
      q,
    );
  }

  private async row(manager: EntityManager, id: number, lock: boolean): Promise<PassDownRow> {
    const row = await this.passDowns.find(manager, id, lock);
    if (!row) throw notFound('pass-down', String(id));
    return row;
  }

  view(r: PassDownRow, reader: Caller | null): PassDownView {
    return {
      id: Number(r.id),
      declarationId: Number(r.declaration_id),
      period: r.period,
      communityCode: r.community_code,
      level: r.level,
      upstreamId: r.upstream_id === null ? null : Number(r.upstream_id),
      payerCode: r.payer_code,
      payeeCode: r.payee_code,
      approved: Money.of(r.approved).toString(),
      amount: Money.of(r.amount).toString(),
      receivedOn: r.received_on,
      deadline: r.deadline,
      deadlineConfirmed: r.deadline_confirmed === 1,
      state: r.state,
      version: r.version,
      paidOn: r.paid_on,
      paidBy: r.paid_by,
      late: r.late === 1,
      overdue: deadlineStatus(r.deadline, r.paid_on, this.clock.today()).overdue,
      allowedActions: reader ? passDownActions(reader, { state: r.state, payerId: Number(r.payer_id) }) : [],
    };
  }
}
