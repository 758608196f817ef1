import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { actOnChain, allowedChainActions, ChainAction, ChainStatus, newChain, SURPLUS_PLAN_WORKFLOW } from '../../domain/approval-chain';
import {
  assertNoCurrentSurplusPlan,
  assertPlanApplied,
  assertPlanForSurplus,
  assertSurplusPlanEditable,
  assertYearEndToPlan,
  checkSurplusPlan,
  reviewSurplusPlan,
  SurplusPlanCheck,
  surplusPlanLines,
} from '../../domain/governance';
import { Money } from '../../domain/money';
import { BusinessClock } from '../../common/business-clock';
import { Caller } from '../../common/caller';
import { Page } from '../../common/pagination';
import { notFound, staleVersion } from '../../common/record-errors';
import { AuditService } from '../audit';
import { CalendarService } from '../calendar';
import { Transactions } from '../claims';
import { CommunitySummary, NotificationService, StatementView, YearEndService, YearEndView } from '../cycles';
import { actorOf, chainView, ChainView, stepInstitutionTypes } from './chain-view';
import { GovernanceChainRepository, StoredChain } from './governance-chain.repository';
import { GovernanceRecipientsRepository } from './governance-recipients.repository';
import { SurplusPlanRepository, SurplusPlanRow } from './surplus-plan.repository';

export interface SurplusPlanLineView {
  institutionCode: string;
  institutionName: string;
  primary: boolean;
  /** The unit's approved consumption of the year, from the year end's draft. */
  approvedConsumption: string;
  /** What the default proposal gives the unit (surplus share and floor top-up). */
  proposed: string;
  /** What the plan gives the unit. */
  amount: string;
}

export interface SurplusPlanView {
  id: number;
  countyCode: string;
  communityCode: string;
  fundYear: number;
  /** The surplus the plan distributes (the year end's when the plan was drafted). */
  surplus: string;
  /** The community council's decision the plan records (会议纪要 or resolution reference). */
  councilDecision: string;
  lines: SurplusPlanLineView[];
  /**
   * The plan against SPEC §7: totals, the floor required, the primary units' funds after it, and
   * every rule it breaks now (a draft may; submitting and executing refuse them).
   */
  check: {
    planned: string;
    primaryPlanned: string;
    primaryProposed: string;
    primaryFunds: string;
    floorRequired: string;
    problems: { field: string; rule: string; message: string }[];
  };
  /** The year end the plan belongs to, as it stands now. */
  yearEnd: { settlementId: number; state: string; surplus: string; surplusPlanApplied: boolean };
  createdBy: string;
  createdAt: string;
  executedOn: string | null;
  executedBy: string | null;
  version: number;
  chain: ChainView;
  allowedActions: ChainAction[];
}

export interface SurplusPlanDraft {
  fundYear: number;
  councilDecision: string;
  /** Amount per unit; units left out get nothing. Omitted: the default proposal. */
  units?: { institutionCode: string; amount: string }[];
}

interface YearEndOfCommunity {
  settlement: YearEndView;
  community: CommunitySummary;
  members: StatementView[];
}

/**
 * The surplus plan (结余资金分配方案, 基金管理办法 第二十三条; SPEC §9.3): when a community's year
 * ends in surplus, its lead unit drafts the plan for the community council's decision, an amount
 * per member unit starting from the default proposal, which must meet SPEC §7 to be submitted (a
 * draft shows the rules it still breaks). The bureau and the health bureau review side by side, the county
 * government approves, and the lead unit executes it: the year end is drafted again with the
 * plan's amounts in its statements and postings. A year that ends in surplus is approved only
 * with its plan applied.
 */
@Injectable()
export class SurplusPlanService {
  constructor(
    private readonly transactions: Transactions,
    private readonly chains: GovernanceChainRepository,
    private readonly plans: SurplusPlanRepository,
    private readonly recipients: GovernanceRecipientsRepository,
    private readonly yearEnds: YearEndService,
    private readonly calendar: CalendarService,
    private readonly notifications: NotificationService,
    private readonly audit: AuditService,
    private readonly clock: BusinessClock,
  ) {}

  async draft(
    caller: Caller,
    community: { id: number; code: string; countyId: number },
    draft: SurplusPlanDraft,
  ): Promise<SurplusPlanView> {
    return this.transactions.run(async (manager) => {
      const live = await this.plans.liveOfYear(manager, community.id, draft.fundYear);
      const year = await this.yearEndOf(community, draft.fundYear);
      const current = live.filter((p) => p.status !== 'EXECUTED' || year.community.surplusPlanId === p.id);
      assertNoCurrentSurplusPlan(current, community.code, draft.fundYear);
      const lines = planLines(year, draft.units);
      const chainId = await this.chains.insert(manager, SURPLUS_PLAN_WORKFLOW.kind, community.countyId, newChain());
      const id = await this.plans.insert(manager, {
        chainId,
        countyId: community.countyId,
        communityId: community.id,
        fundYear: draft.fundYear,
        surplus: year.community.surplus,
        councilDecision: draft.councilDecision,
        createdBy: caller.name,
      });
      await this.plans.saveLines(manager, id, lines);
      const view = await this.view(manager, caller, id);
      await this.audit.record(manager, {
        action: 'surplusPlan.draft',
        entityType: 'surplusPlan',
        entityId: String(id),
        before: null,
        after: snapshot(view),
      });
      return view;
    });
  }

  /** The lead unit edits a plan in draft or sent back: new amounts (checked) and the council's decision. */
  async edit(
    caller: Caller,
    id: number,
    edit: { version: number; councilDecision?: string; units: { institutionCode: string; amount: string }[] },
  ): Promise<SurplusPlanView> {
    return this.transactions.run(async (manager) => {
      const plan = await this.row(manager, id);
      const chain = (await this.chains.find(manager, plan.chain_id, true))!;
      if (chain.version !== edit.version) throw staleVersion(chain.version);
      assertSurplusPlanEditable(chain.state.status, id);
      const before = await this.view(manager, caller, id);
      const year = await this.yearEndOf(this.communityOf(plan), plan.fund_year);
      const lines = planLines(year, edit.units);
      await this.plans.saveLines(manager, id, lines);
      if (edit.councilDecision !== undefined) await this.plans.updateDecision(manager, id, edit.councilDecision);
      await this.chains.save(manager, chain, chain.state);
      const after = await this.view(manager, caller, id);
      await this.audit.record(manager, {
        action: 'surplusPlan.edit',
        entityType: 'surplusPlan',
        entityId: String(id),
        before: snapshot(before),
        after: snapshot(after),
      });
      return after;
    });
  }

  /** One action on the chain (submit, approve, return, reject, execute, withdraw) by the caller. */
  async act(
    caller: Caller,
    id: number,
    request: { action: ChainAction; version: number; step?: string; comment?: string | null },
  ): Promise<SurplusPlanView> {
    return this.transactions.run(async (manager) => {
      const plan = await this.row(manager, id);
      const chain = (await this.chains.find(manager, plan.chain_id, true))!;
      if (chain.version !== request.version) throw staleVersion(chain.version);
      const before = await this.view(manager, caller, id);
      const next = actOnChain(SURPLUS_PLAN_WORKFLOW, chain.state, {
        action: request.action,
        step: request.step,
        comment: request.comment ?? null,
        actor: actorOf(caller),
        at: new Date().toISOString(),
        today: this.clock.today(),
      });
      // A plan goes to review, and is executed, only while it still meets SPEC §7 against the year end as it is now.
      if (request.action === 'submit' || request.action === 'execute') {
        const year = await this.yearEndOf(this.communityOf(plan), plan.fund_year);
        assertPlanForSurplus(Money.of(plan.surplus), Money.of(year.community.surplus));
        checkPlan(year, await this.storedLines(manager, id));
      }
      await this.chains.save(manager, chain, next);
      if (request.action === 'execute') await this.execute(manager, caller, plan);
      const after = await this.view(manager, caller, id);
      await this.audit.record(manager, {
        action: `surplusPlan.${request.action}`,
        entityType: 'surplusPlan',
        entityId: String(id),
        before: snapshot(before),
        after: snapshot(after),
      });
      await this.notifyNext(manager, plan, chain, next.status, after);
      return after;
    });
  }

  async get(caller: Caller, id: number): Promise<SurplusPlanView> {
    return this.view(this.plans.manager, caller, id);
  }

  async list(
    caller: Caller,
    community: { id: number },
    q: { fundYear?: number; status?: ChainStatus; page: number; pageSize: number },
  ): Promise<Page<SurplusPlanView>> {
    const { ids, total } = await this.plans.page(community.id, q, q.page, q.pageSize);
    const items = [];
    for (const id of ids) items.push(await this.view(this.plans.manager, caller, id));
    return { items, page: q.page, pageSize: q.pageSize, total };
  }

  /** Draws the year end again with the plan (now EXECUTED) in its statements; refused unless the plan is what the draft applied. */
  private async execute(manager: EntityManager, caller: Caller, plan: SurplusPlanRow): Promise<void> {
    await this.yearEnds.draft(manager, { id: plan.county_id, code: plan.county_code }, plan.fund_year, caller.name, true);
    const summary = await this.yearEnds.summaryOf(manager, plan.county_id, plan.fund_year);
    assertPlanApplied(
      plan.id,
      plan.community_code,
      summary?.communities.find((c) => c.communityCode === plan.community_code),
    );
    await this.plans.markExecuted(manager, plan.id, this.clock.today(), caller.name);
  }

  private async yearEndOf(community: { code: string; countyId: number }, fundYear: number): Promise<YearEndOfCommunity> {
    const settlement = await this.yearEnds.find(null, community.countyId, fundYear);
    const summary = settlement?.summary.communities.find((c) => c.communityCode === community.code);
    assertYearEndToPlan(settlement ? { state: settlement.state, surplus: summary?.surplus ?? null } : null, community.code, fundYear);
    return {
      settlement: settlement!,
      community: summary!,
      members: settlement!.statements.filter((s) => s.communityCode === community.code),
    };
  }

  private async storedLines(manager: EntityManager, id: number): Promise<PlanLine[]> {
    return (await this.plans.lines(manager, id)).map((l) => ({
      code: l.code,
      proposed: Money.of(l.proposed).toString(),
      amount: Money.of(l.amount).toString(),
    }));
  }

  /** Tells the bodies of the steps now open (or the lead unit, once approved or sent back) that the plan waits for them. */
  private async notifyNext(
    manager: EntityManager,
    plan: SurplusPlanRow,
    chain: StoredChain,
    status: ChainStatus,
    view: SurplusPlanView,
  ): Promise<void> {
    const waiting =
      status === 'IN_REVIEW'
        ? view.chain.steps
            .filter((s) => s.status === 'OPEN')
            .map((s) => ({ types: stepInstitutionTypes(SURPLUS_PLAN_WORKFLOW, s.key), what: s.title }))
        : status === 'APPROVED' || status === 'RETURNED' || status === 'REJECTED'
          ? [{ types: ['LEAD_HOSPITAL'], what: status }]
          : [];
    const seq = view.chain.history.length;
    for (const w of waiting)
      for (const institutionId of await this.recipients.ofTypes(manager, plan.county_id, w.types))
        await this.notifications.notify(manager, {
          institutionId,
          kind: 'GOVERNANCE_STEP',
          severity: 'INFO',
          dedupKey: `surplusPlan:${plan.id}:${chain.id}:${seq}:${institutionId}`,
          subjectType: 'surplusPlan',
          subjectId: String(plan.id),
          message: `结余资金分配方案 ${plan.id}（${plan.community_code} ${plan.fund_year} 年，结余 ${Money.of(plan.surplus)} 元）: ${w.what}`,
          details: { status, step: w.what },
        });
  }

  private async view(manager: EntityManager, caller: Caller, id: number): Promise<SurplusPlanView> {
    const plan = await this.row(manager, id);
    const chain = (await this.chains.find(manager, plan.chain_id))!;
    const codes = await this.recipients.codesOf(manager, [...new Set(chain.state.history.map((h) => h.institutionId))]);
    const settlement = await this.yearEnds.find(null, plan.county_id, plan.fund_year, manager);
    const community = settlement?.summary.communities.find((c) => c.communityCode === plan.community_code);
    const statements = new Map((settlement?.statements ?? []).map((s) => [s.institutionCode, s]));
    const lines = (await this.plans.lines(manager, id)).map((l) => ({
      institutionCode: l.code,
      institutionName: l.name,
      primary: statements.get(l.code)?.primary ?? false,
      approvedConsumption: statements.get(l.code)?.approvedConsumption ?? '0.00',
      proposed: Money.of(l.proposed).toString(),
      amount: Money.of(l.amount).toString(),
    }));
    const check = planCheck(Money.of(plan.surplus), community, lines);
    const problems = community
      ? reviewSurplusPlan({
          surplus: Money.of(plan.surplus),
          communityPackage: Money.of(community.communityPackage),
          floorRate: community.floor.floorRate,
          units: lines.map((l) => ({
            code: l.institutionCode,
            primary: l.primary,
            approvedConsumption: Money.of(l.approvedConsumption),
            proposed: Money.of(l.proposed),
            planned: Money.of(l.amount),
          })),
        }).problems
      : [];
    return {
      id: plan.id,
      countyCode: plan.county_code,
      communityCode: plan.community_code,
      fundYear: plan.fund_year,
      surplus: Money.of(plan.surplus).toString(),
      councilDecision: plan.council_decision,
      lines,
      check: { ...check, problems },
      yearEnd: {
        settlementId: settlement?.id ?? 0,
        state: settlement?.state ?? 'NONE',
        surplus: community?.surplus ?? '0.00',
        surplusPlanApplied: community?.surplusPlanId === plan.id,
      },
      createdBy: plan.created_by,
      createdAt: plan.created_at.toISOString(),
      executedOn: plan.executed_on,
      executedBy: plan.executed_by,
      version: chain.version,
      chain: chainView(SURPLUS_PLAN_WORKFLOW, chain.state, await this.calendar.calendar(), codes),
      allowedActions: allowedChainActions(SURPLUS_PLAN_WORKFLOW, chain.state, actorOf(caller)),
    };
  }

  private communityOf(plan: SurplusPlanRow): { code: string; countyId: number } {
    return { code: plan.community_code, countyId: plan.county_id };
  }

  private async row(manager: EntityManager, id: number): Promise<SurplusPlanRow> {
    const plan = await this.plans.find(manager, id);
    if (!plan) throw notFound('surplusPlan', String(id));
    return plan;
  }
}

interface PlanLine {
  code: string;
  proposed: string;
  amount: string;
}

/** The plan's lines against the year end's statements of the community's members. */
function planLines(year: YearEndOfCommunity, units: SurplusPlanDraft['units']): PlanLine[] {
  const members = year.members.map((m) => ({
    code: m.institutionCode,
    surplusShare: Money.of(m.surplusShare),
    floorTopUp: Money.of(m.floorTopUp),
  }));
  return surplusPlanLines(year.community.communityCode, members, units).map((l) => ({
    code: l.code,
    proposed: l.proposed.toString(),
    amount: l.amount.toString(),
  }));
}

/** SPEC §7's rules on the plan against the year end (refused naming each rule broken). */
function checkPlan(year: YearEndOfCommunity, lines: PlanLine[]): SurplusPlanCheck {
  const members = new Map(year.members.map((m) => [m.institutionCode, m]));
  return checkSurplusPlan({
    surplus: Money.of(year.community.surplus),
    communityPackage: Money.of(year.community.communityPackage),
    floorRate: year.community.floor.floorRate,
    units: lines.map((l) => ({
      code: l.code,
      primary: members.get(l.code)!.primary,
      approvedConsumption: Money.of(members.get(l.code)!.approvedConsumption),
      proposed: Money.of(l.proposed),
      planned: Money.of(l.amount),
    })),
  });
}

/** The check's figures for the view, computed without refusing (a stored plan may no longer meet the year end). */
function planCheck(
  surplus: Money,
  community: CommunitySummary | undefined,
  lines: SurplusPlanLineView[],
): Omit<SurplusPlanView['check'], 'problems'> {
  const sum = (pick: (l: SurplusPlanLineView) => string, primaryOnly: boolean) =>
    Money.sum(lines.filter((l) => !primaryOnly || l.primary).map((l) => Money.of(pick(l)))).toString();
  const primaryFunds = Money.sum(lines.filter((l) => l.primary).map((l) => Money.of(l.approvedConsumption).plus(Money.of(l.amount))));
  return {
    planned: sum((l) => l.amount, false),
    primaryPlanned: sum((l) => l.amount, true),
    primaryProposed: sum((l) => l.proposed, true),
    primaryFunds: primaryFunds.toString(),
    floorRequired: community?.floor.required ?? surplus.toString(),
  };
}

function snapshot(v: SurplusPlanView): Record<string, unknown> {
  return { status: v.chain.status, version: v.version, surplus: v.surplus, lines: v.lines.map((l) => [l.institutionCode, l.amount]) };
}
