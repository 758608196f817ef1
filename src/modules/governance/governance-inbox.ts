import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  allowedStepActions,
  ChainAction,
  DISPUTE_WORKFLOW,
  openStepDeadlines,
  PERIODIC_REVIEW_WORKFLOW,
  REFERRAL_WORKFLOW,
  RESERVE_USE_WORKFLOW,
  SURPLUS_PLAN_WORKFLOW,
  WorkflowDefinition,
} from '../../domain/approval-chain';
import { Money } from '../../domain/money';
import { Caller } from '../../common/caller';
import { ContributedInboxItem, InboxContributions } from '../../common/inbox-contributions';
import { CalendarService } from '../calendar';
import { actorOf } from './chain-view';
import { GovernanceChainRepository } from './governance-chain.repository';

const WORKFLOWS: Record<string, WorkflowDefinition> = {
  RESERVE_USE: RESERVE_USE_WORKFLOW,
  DISPUTE: DISPUTE_WORKFLOW,
  PERIODIC_REVIEW: PERIODIC_REVIEW_WORKFLOW,
  REFERRAL: REFERRAL_WORKFLOW,
  SURPLUS_PLAN: SURPLUS_PLAN_WORKFLOW,
};

/** Reserve uses and surplus plans are executed by a route; an approved dispute or referral waits for nobody. */
const acts = (kind: string, action: ChainAction): boolean => action !== 'execute' || kind === 'RESERVE_USE' || kind === 'SURPLUS_PLAN';

/**
 * Puts in each caller's inbox the governance chains waiting for that person now: a step of
 * theirs to approve, return or reject (with its deadline), a returned application to resubmit,
 * an approved reserve use or surplus plan to execute.
 */
@Injectable()
export class GovernanceInbox implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly chains: GovernanceChainRepository,
    private readonly calendar: CalendarService,
    private readonly inbox: InboxContributions,
  ) {}

  onModuleInit(): void {
    this.inbox.register('governance', (caller, today) => this.waiting(caller, today));
  }

  async waiting(caller: Caller, today: string): Promise<ContributedInboxItem[]> {
    const manager = this.dataSource.manager;
    if (caller.institution.countyId === null) return []; // the county's chains wait for the county's bodies
    const open = await this.chains.openInCounty(manager, caller.institution.countyId);
    if (open.length === 0) return [];
    const calendar = await this.calendar.calendar();
    const items: ContributedInboxItem[] = [];
    for (const o of open) {
      const definition = WORKFLOWS[o.kind];
      const chain = await this.chains.find(manager, o.chainId);
      if (!definition || !chain) continue;
      const mine = allowedStepActions(definition, chain.state, actorOf(caller)).filter((a) => acts(o.kind, a.action));
      if (mine.length === 0) continue;
      const deadline =
        openStepDeadlines(definition, chain.state, calendar)
          .filter((d) => mine.some((a) => a.step === d.step.key))
          .map((d) => d.deadline.deadline)
          .sort()[0] ?? null;
      const [kind, id, link] =
        o.reserveUseId !== null
          ? (['reserveUseToAct', o.reserveUseId, `/api/v1/reserve-uses/${o.reserveUseId}`] as const)
          : o.disputeId !== null
            ? (['disputeToAct', o.disputeId, `/api/v1/disputes/${o.disputeId}`] as const)
            : o.surplusPlanId !== null
              ? (['surplusPlanToAct', o.surplusPlanId, `/api/v1/surplus-plans/${o.surplusPlanId}`] as const)
              : (['referralToAct', o.referralId!, `/api/v1/referrals/${o.referralId}`] as const);
      items.push({
        kind,
        id,
        period: (chain.state.stageOpenedOn ?? today).slice(0, 7),
        institutionCode: caller.institution.code,
        amount: o.amount === null ? null : Money.of(o.amount).toString(),
        deadline,
        overdue: deadline !== null && today > deadline,
        link,
      });
    }
    return items;
  }
}
