import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { deadlineStatus, PASS_DOWN_LIFECYCLE, PassDownState, splitPassDown } from '../../domain/claim-cycle';
import { DomainError } from '../../domain/domain-error';
import { CYCLE_ACCOUNTS } from '../../domain/ledger';
import { Money } from '../../domain/money';
import { PolicyParameters } from '../../domain/policy-parameters';
import { BusinessClock } from '../../common/business-clock';
import { Caller } from '../../common/caller';
import { notFound, staleVersion } from '../../common/record-errors';
import { inTransaction } from '../../database/transaction';
import { AuditService } from '../audit/audit.service';
import { CalendarService } from '../calendar/calendar.service';
import { PolicyParametersService } from '../fund-year/policy-parameters.service';
import { LedgerService } from '../ledger/ledger.service';
import { RECORD_TOTALS_SQL, totals, TotalsRow } from './record-totals';

type PassDownRow = {
  id: number;
  declaration_id: number;
  level: 'MEMBER' | 'VILLAGE';
  upstream_id: number | null;
  payer_id: number;
  payer_code: string;
  payee_id: number;
  payee_code: string;
  approved: string;
  amount: string;
  received_on: string;
  deadline: string;
  deadline_confirmed: number;
  state: PassDownState;
  version: number;
  paid_on: string | null;
  paid_by: string | null;
  late: number;
  community_code: string;
  county_id: number;
  fund_year: number;
  period: string;
};

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
  params: PolicyParameters;
}

export const PASS_DOWN_SELECT = `SELECT p.id, p.declaration_id, p.level, p.upstream_id, p.payer_id, pr.code AS payer_code, p.payee_id, pe.code AS payee_code, p.approved, p.amount,
  DATE_FORMAT(p.received_on, '%Y-%m-%d') AS received_on, DATE_FORMAT(p.deadline, '%Y-%m-%d') AS deadline, p.deadline_confirmed, p.state, p.version,
  DATE_FORMAT(p.paid_on, '%Y-%m-%d') AS paid_on, p.paid_by, p.late, m.code AS community_code, d.county_id, d.fund_year, d.period
  FROM pass_down p JOIN institution pr ON pr.id = p.payer_id JOIN institution pe ON pe.id = p.payee_id
  JOIN claim_declaration d ON d.id = p.declaration_id JOIN medical_community m ON m.id = d.community_id`;

/**
 * Pass-downs (SPEC §4 step 6): the lead unit passes each member's share down within 5 working
 * days of receiving it, and each township its villages' share within 5 working days of receiving
 * from the lead unit. The receipt day does not count. Payments post to the ledger.
 */
@Injectable()
export class PassDownService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly ledger: LedgerService,
    private readonly calendar: CalendarService,
    private readonly clock: BusinessClock,
    private readonly parameters: PolicyParametersService,
  ) {}

  /**
   * Splits what the lead received between the declaration's members by approved amount. The
   * lead unit's own share needs no transfer between institutions: it is recorded as paid on receipt.
   */
  async createMemberPassDowns(
    manager: EntityManager,
    d: DeclarationFunds,
    approvedOf: (manager: EntityManager, declarationId: number) => Promise<{ institutionId: number; code: string; approved: Money }[]>,
  ): Promise<void> {
    const members = await approvedOf(manager, d.id);
    const [lead]: { id: number; code: string }[] = await manager.query(
      "SELECT id, code FROM institution WHERE community_id = ? AND type = 'LEAD_HOSPITAL' AND active = 1 ORDER BY id LIMIT 1",
      [d.communityId],
    );
    if (!lead)
      throw new DomainError('NO_LEAD_UNIT', 'conflict', `community ${d.communityCode} has no active lead unit to receive the disbursement`);
    const shares = splitPassDown(
      d.received,
      members.map((m) => ({ code: m.code, approved: m.approved })),
    );
    const deadline = await this.calendar.passDownDeadline(d.receivedOn, Number(d.params.passDownWorkingDays));
    for (const share of shares) {
      const member = members.find((m) => m.code === share.code)!;
      const own = member.institutionId === lead.id;
      const result = await manager.query(
        `INSERT INTO pass_down (declaration_id, level, payer_id, payee_id, approved, amount, received_on, deadline, deadline_confirmed, state, paid_on, paid_by)
         VALUES (?, 'MEMBER', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          d.id,
          lead.id,
          member.institutionId,
          member.approved.toString(),
          share.amount.toString(),
          d.receivedOn,
          deadline.deadline,
          deadline.calendarConfirmed ? 1 : 0,
          own ? 'PAID' : 'DUE',
          own ? d.receivedOn : null,
          own ? 'system' : null,
        ],
      );
      if (own && share.amount.isPositive()) {
        await this.ledger.post(
          manager,
          d.countyId,
          d.fundYear,
          [
            {
              id: `pass-down.${result.insertId}`,
              debit: CYCLE_ACCOUNTS.communityHeld(d.communityCode),
              credit: CYCLE_ACCOUNTS.memberFunds(lead.code),
              amount: share.amount,
              memo: `${d.period} 牵头单位本院份额`,
            },
          ],
          { type: 'passDown', id: String(result.insertId) },
        );
      }
    }
  }

  /**
   * The payer records the payment, dated. Paying a township creates its villages' pass-downs,
   * split by the approved amounts of the records they provided care for.
   */
  async pay(caller: Caller, id: number, version: number, paidOn: string): Promise<PassDownView> {
    return inTransaction(this.dataSource, async (manager) => {
      const row = await this.row(manager, id, true);
      if (row.state === 'PAID' && row.paid_on === paidOn) return this.view(row);
      PASS_DOWN_LIFECYCLE.apply(row.state, 'pay');
      if (caller.institution.id !== row.payer_id) {
        throw new DomainError(
          'NOT_THE_PAYER',
          'forbidden',
          `${row.payer_code} pays this pass-down; ${caller.institution.code} cannot record it`,
          [{ field: 'id', rule: 'payer', message: row.payer_code }],
        );
      }
      if (row.version !== version) throw staleVersion(row.version);
      if (paidOn > this.clock.today())
        throw new DomainError('VALIDATION_FAILED', 'unprocessable', `the payment date ${paidOn} is in the future`, [
          { field: 'paidOn', rule: 'notFuture', message: paidOn },
        ]);
      if (paidOn < row.received_on)
        throw new DomainError(
          'VALIDATION_FAILED',
          'unprocessable',
          `the payment date ${paidOn} is before the funds were received (${row.received_on})`,
          [{ field: 'paidOn', rule: 'afterReceipt', message: paidOn }],
        );
      const amount = Money.of(row.amount);
      if (amount.isPositive()) {
        const debit =
          row.level === 'MEMBER' ? CYCLE_ACCOUNTS.communityHeld(row.community_code) : CYCLE_ACCOUNTS.memberFunds(row.payer_code);
        await this.ledger.post(
          manager,
          row.county_id,
          row.fund_year,
          [
            {
              id: `pass-down.${id}`,
              debit,
              credit: CYCLE_ACCOUNTS.memberFunds(row.payee_code),
              amount,
              memo: `${row.period} 拨付 ${row.payer_code} → ${row.payee_code}`,
            },
          ],
          {
            type: 'passDown',
            id: String(id),
          },
        );
      }
      const status = deadlineStatus(row.deadline, paidOn, this.clock.today());
      await manager.query("UPDATE pass_down SET state = 'PAID', paid_on = ?, paid_by = ?, late = ?, version = version + 1 WHERE id = ?", [
        paidOn,
        caller.name,
        status.late ? 1 : 0,
        id,
      ]);
      if (row.level === 'MEMBER') await this.createVillagePassDowns(manager, row, paidOn);
      const after = this.view(await this.row(manager, id, false));
      await this.audit.record(manager, {
        action: 'passDown.pay',
        entityType: 'passDown',
        entityId: String(id),
        before: this.view(row) as unknown as Record<string, unknown>,
        after: after as unknown as Record<string, unknown>,
      });
      return after;
    });
  }

  private async createVillagePassDowns(manager: EntityManager, upstream: PassDownRow, receivedOn: string): Promise<void> {
    const rows: (TotalsRow & { unit_id: number; code: string })[] = await manager.query(
      `SELECT r.unit_id, i.code, ${RECORD_TOTALS_SQL}
         FROM settlement_record r JOIN institution i ON i.id = r.unit_id JOIN member_claim c ON c.institution_id = r.submitter_id AND c.period = r.claim_period
        WHERE c.declaration_id = ? AND r.submitter_id = ? AND r.review_status = 'ACCEPTED' GROUP BY r.unit_id, i.code`,
      [upstream.declaration_id, upstream.payee_id],
    );
    const units = rows.map((u) => ({ unit_id: u.unit_id, code: u.code, approved: totals(u).approved }));
    if (!units.some((u) => u.unit_id !== upstream.payee_id)) return;
    const params = await this.parameters.current(manager, { id: upstream.county_id, code: '' }, upstream.fund_year);
    const workingDays = Number(params.values.passDownWorkingDays);
    const deadline = await this.calendar.passDownDeadline(receivedOn, workingDays);
    const shares = splitPassDown(
      Money.of(upstream.amount),
      units.map((u) => ({ code: u.code, approved: Money.of(u.approved) })),
    );
    for (const share of shares) {
      const unit = units.find((u) => u.code === share.code)!;
      if (unit.unit_id === upstream.payee_id) continue;
      await manager.query(
        `INSERT INTO pass_down (declaration_id, level, upstream_id, payer_id, payee_id, approved, amount, received_on, deadline, deadline_confirmed, state)
         VALUES (?, 'VILLAGE', ?, ?, ?, ?, ?, ?, ?, ?, 'DUE')`,
        [
          upstream.declaration_id,
          upstream.id,
          upstream.payee_id,
          unit.unit_id,
          Money.of(unit.approved).toString(),
          share.amount.toString(),
          receivedOn,
          deadline.deadline,
          deadline.calendarConfirmed ? 1 : 0,
        ],
      );
    }
  }

  async get(id: number): Promise<PassDownView> {
    return this.view(await this.row(this.dataSource.manager, id, false));
  }

  async list(where: { sql: string; params: unknown[] }, filter: { declarationId?: number; state?: string }): Promise<PassDownView[]> {
    const rows: PassDownRow[] = await this.dataSource.query(
      `${PASS_DOWN_SELECT} WHERE (${where.sql}) ${filter.declarationId ? 'AND p.declaration_id = ?' : ''} ${filter.state ? 'AND p.state = ?' : ''} ORDER BY d.period DESC, p.level, pe.code LIMIT 1000`,
      [...where.params, ...(filter.declarationId ? [filter.declarationId] : []), ...(filter.state ? [filter.state] : [])],
    );
    return rows.map((r) => this.view(r));
  }

  private async row(manager: EntityManager, id: number, lock: boolean): Promise<PassDownRow> {
    const [row]: PassDownRow[] = await manager.query(`${PASS_DOWN_SELECT} WHERE p.id = ?${lock ? ' FOR UPDATE' : ''}`, [id]);
    if (!row) throw notFound('pass-down', String(id));
    return row;
  }

  view(r: PassDownRow): PassDownView {
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
    };
  }
}
