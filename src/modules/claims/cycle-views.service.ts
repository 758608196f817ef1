import { Injectable } from '@nestjs/common';
import { deadlineStatus, fundYearOf } from '../../domain/claim-cycle';
import { Money } from '../../domain/money';
import { periodMoney } from '../../domain/period-summary';
import { BusinessClock } from '../../common/business-clock';
import { Caller } from '../../common/caller';
import { ContributedInboxItem, InboxContributions } from '../../common/inbox-contributions';
import { Page, pageInMemory, PageWindow } from '../../common/pagination';
import { CalendarService } from '../calendar';
import { PolicyParametersService } from '../fund-year';
import { LedgerService } from '../ledger';
import { DeclarationFigures, DeclarationView, MemberClaimView } from './claim.views';
import { CommunityRef } from './community-funding.service';
import { DeclarationRepository } from './declaration.repository';
import { DeclarationService } from './declaration.service';
import { MemberClaimRepository } from './member-claim.repository';
import { MemberClaimService } from './member-claim.service';
import { OutOfCountyRepository } from './out-of-county.repository';
import { PassDownService, PassDownView } from './pass-down.service';
import { PrivateSettlementService } from './private-settlement.service';

export interface InboxItem {
  kind:
    | 'claimToSubmit'
    | 'claimReturned'
    | 'claimToReview'
    | 'periodToDeclare'
    | 'declarationToReview'
    | 'declarationToApprove'
    | 'disbursementDue'
    | 'passDownDue'
    | 'passDownExpected'
    | 'privateClaimToSettle'
    | 'privatePaymentDue'
    | ContributedInboxItem['kind'];
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
    private readonly claims: MemberClaimService,
    private readonly claimRows: MemberClaimRepository,
    private readonly declarations: DeclarationService,
    private readonly declarationRows: DeclarationRepository,
    private readonly passDowns: PassDownService,
    private readonly privateSettlement: PrivateSettlementService,
    private readonly outOfCounty: OutOfCountyRepository,
    private readonly ledger: LedgerService,
    private readonly parameters: PolicyParametersService,
    private readonly calendar: CalendarService,
    private readonly clock: BusinessClock,
    private readonly contributions: InboxContributions,
  ) {}

  /**
   * What waits for the caller's institution. Bounded by nature (one institution's open work of a few periods), so it is
   * gathered whole and paged in memory; `overdue` counts over every page.
   */
  async inbox(caller: Caller, window: PageWindow): Promise<Page<InboxItem> & { institutionCode: string; today: string; overdue: number }> {
    const today = this.clock.today();
    const inst = { ...caller.institution, countyId: caller.institution.countyId ?? 0 }; // above the county: no county work waits
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
      for (const d of await this.declarations.listDeclarations(inst.countyId, null, undefined, ['DECLARED', 'REVIEWED', 'APPROVED'])) {
        if (d.state === 'DECLARED') items.push(declarationItem('declarationToReview', d, d.paymentDue, d.paymentOverdue));
        if (d.state === 'REVIEWED') items.push(declarationItem('declarationToApprove', d, d.paymentDue, d.paymentOverdue));
        if (d.state === 'APPROVED') items.push(declarationItem('disbursementDue', d, d.paymentDue, d.paymentOverdue));
      }
      // Private institutions claim to the bureau directly.
      for (const c of await this.claims.listClaims({ privateOfCounty: inst.countyId, states: ['SUBMITTED', 'REVIEWED'] })) {
        items.push(claimItem(c.state === 'SUBMITTED' ? 'claimToReview' : 'privateClaimToSettle', c, null, false));
      }
      for (const p of await this.privateSettlement.list({ countyId: inst.countyId, state: 'APPROVED' })) {
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
      const claims = await this.claims.listClaims({ communityId: inst.communityId, states: ['SUBMITTED', 'REVIEWED'] });
      for (const c of claims.filter((x) => x.state === 'SUBMITTED')) items.push(claimItem('claimToReview', c, null, false));
      const declared = await this.declarationRows.declaredPeriods(inst.communityId);
      for (const period of [...new Set(claims.filter((c) => c.state === 'REVIEWED').map((c) => c.period))]
        .filter((p) => !declared.has(p))
        .sort()) {
        const params = (await this.parameters.current(this.claimRows.manager, { id: inst.countyId, code: '' }, fundYearOf(period))).values;
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
      for (const c of await this.claims.listClaims({ institutionId: inst.id, states: ['OPEN'] })) {
        if (c.records > 0) items.push(claimItem('claimToSubmit', c, c.cutoff, deadlineStatus(c.cutoff, null, today).overdue));
      }
      // 退回补正: returned to the unit for correction, waiting for it to correct and resubmit.
      for (const c of await this.claims.listClaims({ institutionId: inst.id, states: ['RETURNED'] }))
        items.push(claimItem('claimReturned', c, null, false));
      const due = await this.passDowns.list({ party: inst.id, state: 'DUE' });
      for (const p of due) items.push(passDownItem(p.payerCode === inst.code ? 'passDownDue' : 'passDownExpected', p));
    }
    // What other modules' documents wait for (governance chains).
    items.push(...(await this.contributions.collect(caller, today)));
    return { ...pageInMemory(items, window), institutionCode: inst.code, today, overdue: items.filter((i) => i.overdue).length };
  }

  async periodSummary(community: CommunityRef, period: string): Promise<PeriodSummary> {
    const claims = await this.claimRows.stateSummary(community.id, period);
    const declarationId = await this.declarationRows.idOf(this.declarationRows.manager, community.id, period);
    const d = declarationId !== undefined ? await this.declarations.getDeclaration(null, declarationId) : null;
    const passDowns = d ? await this.passDowns.list({ declarationId: d.id }) : [];
    const ooc = await this.outOfCounty.periodTotals(community.id, period);

    // Two statements for the ledger side: the declaration's legs, and every pass-down's transfers.
    const legs = ['deposit', 'payable', 'advance-offset', 'disbursed'] as const;
    const legAmounts = d ? await this.ledger.amountsOf(legs.map((leg) => `declaration.${d.id}.${leg}`)) : new Map<string, Money>();
    const leg = (name: (typeof legs)[number]) => (d ? legAmounts.get(`declaration.${d.id}.${name}`)! : Money.ZERO);
    const passed = await this.ledger.sumsByReference(
      'passDown',
      passDowns.map((p) => String(p.id)),
    );
    const passedTo = (level: string) =>
      passDowns.filter((p) => p.level === level).reduce((sum, p) => sum.plus(passed.get(String(p.id))!), Money.ZERO);
    const ledger = {
      deposit: leg('deposit'),
      payable: leg('payable'),
      advanceOffset: leg('advance-offset'),
      disbursed: leg('disbursed'),
      passedDownToMembers: passedTo('MEMBER'),
      passedDownToVillages: passedTo('VILLAGE'),
      outOfCounty: await this.ledger.sumForReferences('outOfCountyImport', await this.outOfCounty.importIds(community.id, period)),
    };
    const m = (v: string | undefined) => Money.of(v ?? ZERO);
    const money = periodMoney(
      {
        declaration: d ? { state: d.state, cash: m(d.cash), deposit: m(d.deposit), advanceOffset: m(d.advanceOffset) } : null,
        passDowns: passDowns.map((p) => ({ level: p.level, state: p.state, amount: Money.of(p.amount) })),
        outOfCountyFunded: Money.of(ooc.funded),
      },
      ledger,
    );
    return {
      communityCode: community.code,
      period,
      claims,
      declaration: d ? { id: d.id, state: d.state, late: d.late, paymentLate: d.paymentLate, paymentOverdue: d.paymentOverdue } : null,
      claimed: m(d?.claimed).toString(),
      rejected: m(d?.rejected).toString(),
      accepted: m(d?.accepted).toString(),
      deducted: m(d?.deducted).toString(),
      adjusted: m(d?.adjusted).toString(),
      approved: m(d?.approved).toString(),
      funded: m(d?.funded).toString(),
      unfunded: m(d?.unfunded).toString(),
      deposit: m(d?.deposit).toString(),
      advanceOffset: m(d?.advanceOffset).toString(),
      disbursed: money.disbursed.toString(),
      passedDownToMembers: money.passedDownToMembers.toString(),
      passedDownToVillages: money.passedDownToVillages.toString(),
      outstanding: {
        atBureau: money.outstanding.atBureau.toString(),
        atLeadUnit: money.outstanding.atLeadUnit.toString(),
        atTownships: money.outstanding.atTownships.toString(),
      },
      outOfCounty: {
        records: Number(ooc.records),
        total: Money.of(ooc.total).toString(),
        funded: Money.of(ooc.funded).toString(),
        unfunded: Money.of(ooc.unfunded).toString(),
      },
      ledger: Object.fromEntries(Object.entries(ledger).map(([k, v]) => [k, v.toString()])) as PeriodSummary['ledger'],
      reconciled: money.reconciled,
    };
  }
}
