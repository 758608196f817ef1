import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { deadlineStatus, fundYearOf } from '../../domain/claim-cycle';
import { Money } from '../../domain/money';
import { BusinessClock } from '../../common/business-clock';
import { Caller } from '../../common/caller';
import { CalendarService } from '../calendar/calendar.service';
import { PolicyParametersService } from '../fund-year/policy-parameters.service';
import { ClaimCycleService, DeclarationFigures, DeclarationView, MemberClaimView } from './claim-cycle.service';
import { PassDownService, PassDownView } from './pass-down.service';
import { PrivateSettlementService } from './private-settlement.service';
import { CommunityRef } from './community-funding.service';

export interface InboxItem {
  kind:
    | 'claimToSubmit'
    | 'claimToReview'
    | 'periodToDeclare'
    | 'declarationToReview'
    | 'declarationToApprove'
    | 'disbursementDue'
    | 'passDownDue'
    | 'passDownExpected'
    | 'privateClaimToSettle'
    | 'privatePaymentDue';
  id: number | null;
  period: string;
  institutionCode: string;
  amount: string | null;
  deadline: string | null;
  overdue: boolean;
  link: string;
}

export interface PeriodSummary extends DeclarationFigures {
  communityCode: string;
  period: string;
  /** Member claims of the period by state (records and amount claimed). */
  claims: { state: string; count: number; records: number; claimed: string }[];
  declaration: { id: number; state: string; late: boolean; paymentLate: boolean; paymentOverdue: boolean } | null;
  disbursed: string;
  passedDownToMembers: string;
  passedDownToVillages: string;
  outstanding: { atBureau: string; atLeadUnit: string; atTownships: string };
  outOfCounty: { records: number; total: string; funded: string; unfunded: string };
  ledger: {
    deposit: string;
    payable: string;
    advanceOffset: string;
    disbursed: string;
    passedDownToMembers: string;
    passedDownToVillages: string;
    outOfCounty: string;
  };
  /** Every figure above that money moved for equals the ledger's transfers to the fen. */
  reconciled: boolean;
}

const ZERO = '0.00';

/** What waits for each institution, and a period's figures reconciled with the ledger (SPEC §4). */
@Injectable()
export class CycleViewsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cycle: ClaimCycleService,
    private readonly passDowns: PassDownService,
    private readonly parameters: PolicyParametersService,
    private readonly calendar: CalendarService,
    private readonly clock: BusinessClock,
    private readonly privateSettlement: PrivateSettlementService,
  ) {}

  async inbox(caller: Caller): Promise<{ institutionCode: string; today: string; items: InboxItem[]; overdue: number }> {
    const today = this.clock.today();
    const inst = caller.institution;
    const items: InboxItem[] = [];
    const claimItem = (kind: InboxItem['kind'], c: MemberClaimView, deadline: string | null, overdue: boolean): InboxItem => ({
      kind,
      id: c.id,
      period: c.period,
      institutionCode: c.institutionCode,
      amount: c.claimed,
      deadline,
      overdue,
      link: `/api/v1/member-claims/${c.id}`,
    });
    const declarationItem = (kind: InboxItem['kind'], d: DeclarationView, deadline: string | null, overdue: boolean): InboxItem => ({
      kind,
      id: d.id,
      period: d.period,
      institutionCode: d.communityCode,
      amount: d.approved,
      deadline,
      overdue,
      link: `/api/v1/declarations/${d.id}`,
    });
    const passDownItem = (kind: InboxItem['kind'], p: PassDownView): InboxItem => ({
      kind,
      id: p.id,
      period: p.period,
      institutionCode: kind === 'passDownDue' ? p.payeeCode : p.payerCode,
      amount: p.amount,
      deadline: p.deadline,
      overdue: p.overdue,
      link: `/api/v1/pass-downs/${p.id}`,
    });

    if (inst.type === 'BUREAU') {
      for (const d of await this.cycle.listDeclarations(inst.countyId, null)) {
        if (d.state === 'DECLARED') items.push(declarationItem('declarationToReview', d, d.paymentDue, d.paymentOverdue));
        if (d.state === 'REVIEWED') items.push(declarationItem('declarationToApprove', d, d.paymentDue, d.paymentOverdue));
        if (d.state === 'APPROVED') items.push(declarationItem('disbursementDue', d, d.paymentDue, d.paymentOverdue));
      }
      // Private institutions claim to the bureau directly.
      for (const c of await this.cycle.listClaims({
        sql: 'c.county_id = ? AND c.community_id IS NULL AND c.state IN (?, ?)',
        params: [inst.countyId, 'SUBMITTED', 'REVIEWED'],
      })) {
        items.push(claimItem(c.state === 'SUBMITTED' ? 'claimToReview' : 'privateClaimToSettle', c, null, false));
      }
      for (const p of await this.privateSettlement.list({ sql: 'p.county_id = ? AND p.state = ?', params: [inst.countyId, 'APPROVED'] })) {
        items.push({
          kind: 'privatePaymentDue',
          id: p.id,
          period: p.period,
          institutionCode: p.institutionCode,
          amount: p.cash,
          deadline: null,
          overdue: false,
          link: `/api/v1/private-payments/${p.id}`,
        });
      }
    }
    if (inst.type === 'LEAD_HOSPITAL' && inst.communityId !== null) {
      const claims = await this.cycle.listClaims({
        sql: 'c.community_id = ? AND c.state IN (?, ?)',
        params: [inst.communityId, 'SUBMITTED', 'REVIEWED'],
      });
      for (const c of claims.filter((x) => x.state === 'SUBMITTED')) items.push(claimItem('claimToReview', c, null, false));
      const declared = new Set((await this.cycle.listDeclarations(inst.countyId, inst.communityId)).map((d) => d.period));
      for (const period of [...new Set(claims.filter((c) => c.state === 'REVIEWED').map((c) => c.period))]
        .filter((p) => !declared.has(p))
        .sort()) {
        const params = (await this.parameters.current(this.dataSource.manager, { id: inst.countyId, code: '' }, fundYearOf(period))).values;
        const deadline = (await this.calendar.cycleDeadlines(period, params)).declaration.deadline;
        items.push({
          kind: 'periodToDeclare',
          id: null,
          period,
          institutionCode: inst.code,
          amount: null,
          deadline,
          overdue: deadlineStatus(deadline, null, today).overdue,
          link: `/api/v1/communities/{communityCode}/declarations`,
        });
      }
    }
    if (inst.type !== 'BUREAU') {
      for (const c of await this.cycle.listClaims({ sql: 'c.institution_id = ? AND c.state = ?', params: [inst.id, 'OPEN'] })) {
        if (c.records > 0) items.push(claimItem('claimToSubmit', c, c.cutoff, deadlineStatus(c.cutoff, null, today).overdue));
      }
      const due = await this.passDowns.list({ sql: 'p.payer_id = ? OR p.payee_id = ?', params: [inst.id, inst.id] }, { state: 'DUE' });
      for (const p of due) items.push(passDownItem(p.payerCode === inst.code ? 'passDownDue' : 'passDownExpected', p));
    }
    return { institutionCode: inst.code, today, items, overdue: items.filter((i) => i.overdue).length };
  }

  async periodSummary(community: CommunityRef, period: string): Promise<PeriodSummary> {
    const db = this.dataSource;
    const claims: { state: string; count: number; records: number; claimed: string }[] = await db.query(
      `SELECT c.state, COUNT(DISTINCT c.id) AS count, COUNT(r.id) AS records, COALESCE(SUM(r.fund_paid), 0) AS claimed
         FROM member_claim c LEFT JOIN settlement_record r ON r.submitter_id = c.institution_id AND r.claim_period = c.period
        WHERE c.community_id = ? AND c.period = ? GROUP BY c.state ORDER BY c.state`,
      [community.id, period],
    );
    const [decl]: { id: number }[] = await db.query('SELECT id FROM claim_declaration WHERE community_id = ? AND period = ?', [
      community.id,
      period,
    ]);
    const d = decl ? await this.cycle.getDeclaration(Number(decl.id)) : null;
    const passDowns = d ? await this.passDowns.list({ sql: 'p.declaration_id = ?', params: [d.id] }, {}) : [];
    const sum = (ps: PassDownView[]) => Money.sum(ps.map((p) => Money.of(p.amount)));
    const members = passDowns.filter((p) => p.level === 'MEMBER');
    const villages = passDowns.filter((p) => p.level === 'VILLAGE');
    const paid = (ps: PassDownView[]) => sum(ps.filter((p) => p.state === 'PAID'));
    const due = (ps: PassDownView[]) => sum(ps.filter((p) => p.state === 'DUE'));
    const disbursed = d?.state === 'DISBURSED' ? Money.of(d.cash) : Money.ZERO;
    // Townships still hold their villages' shares until passed down, including shares not yet split (township not yet paid).
    const [ooc]: { records: number; total: string; funded: string; unfunded: string }[] = await db.query(
      'SELECT COALESCE(SUM(record_count), 0) AS records, COALESCE(SUM(total), 0) AS total, COALESCE(SUM(funded), 0) AS funded, COALESCE(SUM(unfunded), 0) AS unfunded FROM out_of_county_import WHERE community_id = ? AND period = ?',
      [community.id, period],
    );

    const leg = async (sql: string, params: unknown[]) =>
      Money.of(
        ((await db.query(`SELECT COALESCE(SUM(t.amount), 0) AS s FROM ledger_transfer t WHERE ${sql}`, params)) as { s: string }[])[0].s,
      );
    const ledger = {
      deposit: d ? await leg('t.id = ?', [`declaration.${d.id}.deposit`]) : Money.ZERO,
      payable: d ? await leg('t.id = ?', [`declaration.${d.id}.payable`]) : Money.ZERO,
      advanceOffset: d ? await leg('t.id = ?', [`declaration.${d.id}.advance-offset`]) : Money.ZERO,
      disbursed: d ? await leg('t.id = ?', [`declaration.${d.id}.disbursed`]) : Money.ZERO,
      passedDownToMembers: members.length
        ? await leg(
            `t.reference_type = 'passDown' AND t.reference_id IN (${members.map(() => '?').join(', ')})`,
            members.map((p) => String(p.id)),
          )
        : Money.ZERO,
      passedDownToVillages: villages.length
        ? await leg(
            `t.reference_type = 'passDown' AND t.reference_id IN (${villages.map(() => '?').join(', ')})`,
            villages.map((p) => String(p.id)),
          )
        : Money.ZERO,
      outOfCounty: await leg(
        "t.reference_type = 'outOfCountyImport' AND t.reference_id IN (SELECT CAST(id AS CHAR) FROM out_of_county_import WHERE community_id = ? AND period = ?)",
        [community.id, period],
      ),
    };
    const m = (v: string | undefined) => Money.of(v ?? ZERO);
    const reconciled =
      ledger.deposit.eq(m(d?.deposit)) &&
      ledger.payable.eq(m(d?.cash)) &&
      ledger.advanceOffset.eq(m(d?.advanceOffset)) &&
      ledger.disbursed.eq(disbursed) &&
      ledger.passedDownToMembers.eq(paid(members)) &&
      ledger.passedDownToVillages.eq(paid(villages)) &&
      ledger.outOfCounty.eq(Money.of(ooc.funded));
    const townshipHeld = Money.sum(members.filter((p) => p.state === 'PAID').map((p) => Money.of(p.amount))).minus(paid(villages));
    return {
      communityCode: community.code,
      period,
      claims: claims.map((c) => ({
        state: c.state,
        count: Number(c.count),
        records: Number(c.records),
        claimed: Money.of(c.claimed).toString(),
      })),
      declaration: d ? { id: d.id, state: d.state, late: d.late, paymentLate: d.paymentLate, paymentOverdue: d.paymentOverdue } : null,
      claimed: m(d?.claimed).toString(),
      rejected: m(d?.rejected).toString(),
      accepted: m(d?.accepted).toString(),
      deducted: m(d?.deducted).toString(),
      approved: m(d?.approved).toString(),
      funded: m(d?.funded).toString(),
      unfunded: m(d?.unfunded).toString(),
      deposit: m(d?.deposit).toString(),
      advanceOffset: m(d?.advanceOffset).toString(),
      disbursed: disbursed.toString(),
      passedDownToMembers: paid(members).toString(),
      passedDownToVillages: paid(villages).toString(),
      outstanding: {
        atBureau: m(d?.cash).minus(disbursed).toString(),
        atLeadUnit: due(members).toString(),
        atTownships: due(villages).toString(),
      },
      outOfCounty: {
        records: Number(ooc.records),
        total: Money.of(ooc.total).toString(),
        funded: Money.of(ooc.funded).toString(),
        unfunded: Money.of(ooc.unfunded).toString(),
      },
      ledger: Object.fromEntries(Object.entries(ledger).map(([k, v]) => [k, v.toString()])) as PeriodSummary['ledger'],
      reconciled: reconciled && townshipHeld.gte(Money.ZERO),
    };
  }
}
