import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { actOnChain, allowedChainActions, ChainAction, ChainStatus, newChain, RESERVE_USE_WORKFLOW } from '../../domain/approval-chain';
import { checkReserveUse, ReserveUseTarget, reserveUseTransfers } from '../../domain/governance';
import { ACCOUNTS } from '../../domain/ledger';
import { Money } from '../../domain/money';
import { BusinessClock } from '../../common/business-clock';
import { Caller } from '../../common/caller';
import { Page } from '../../common/pagination';
import { notFound, staleVersion } from '../../common/record-errors';
import { AuditService } from '../audit';
import { CalendarService } from '../calendar';
import { Transactions } from '../claims';
import { NotificationService } from '../cycles';
import { AllocationService } from '../fund-year';
import { LedgerService } from '../ledger';
import { County, CountyService } from '../registry';
import { actorOf, chainView, ChainView, stepInstitutionTypes } from './chain-view';
import { GovernanceChainRepository, StoredChain } from './governance-chain.repository';
import { GovernanceRecipientsRepository } from './governance-recipients.repository';
import { ReserveUseRepository, ReserveUseRow } from './reserve-use.repository';

export interface ReserveUseView {
  id: number;
  countyCode: string;
  fundYear: number;
  purpose: string;
  amount: string;
  target: ReserveUseTarget;
  reason: string;
  attachments: { name: string; reference: string }[];
  createdBy: string;
  createdAt: string;
  executedOn: string | null;
  executedBy: string | null;
  /** The county's adjustment reserve now (调剂金余额). */
  reserveBalance: string;
  version: number;
  chain: ChainView;
  allowedActions: ChainAction[];
}

export interface ReserveUseApplication {
  fundYear: number;
  purpose: string;
  amount: string;
  target: { kind: 'PACKAGE_INCREASE'; communityCode: string } | { kind: 'DIRECT_PAYMENT'; risk: string };
  reason: string;
  attachments: { name: string; reference: string }[];
}

/**
 * The adjustment reserve's uses (调剂金使用, SPEC §9.1): the bureau applies, the finance bureau
 * agrees, the prefecture bureau reviews, the bureau executes. Executing posts the transfer out
 * of the county's reserve (never below zero: checked when applying and again, under the
 * reserve account's lock, when executing) and, for a package increase, raises the community's
 * M from that day on.
 */
@Injectable()
export class ReserveUseService {
  constructor(
    private readonly transactions: Transactions,
    private readonly chains: GovernanceChainRepository,
    private readonly uses: ReserveUseRepository,
    private readonly recipients: GovernanceRecipientsRepository,
    private readonly counties: CountyService,
    private readonly ledger: LedgerService,
    private readonly allocations: AllocationService,
    private readonly calendar: CalendarService,
    private readonly notifications: NotificationService,
    private readonly audit: AuditService,
    private readonly clock: BusinessClock,
  ) {}

  async apply(caller: Caller, county: County, application: ReserveUseApplication): Promise<ReserveUseView> {
    return this.transactions.run(async (manager) => {
      const amount = Money.of(application.amount);
      checkReserveUse(await this.reserveBalance(manager, county.id, application.fundYear), amount);
      const target = application.target;
      const communityId = target.kind === 'PACKAGE_INCREASE' ? (await this.counties.getCommunity(target.communityCode, manager)).id : null;
      if (target.kind === 'PACKAGE_INCREASE') await this.assertCommunityOfCounty(manager, county, target.communityCode);
      const chainId = await this.chains.insert(manager, RESERVE_USE_WORKFLOW.kind, county.id, newChain());
      const id = await this.uses.insert(manager, {
        chainId,
        countyId: county.id,
        fundYear: application.fundYear,
        purpose: application.purpose,
        amount: amount.toString(),
        targetKind: target.kind,
        communityId,
        risk: target.kind === 'DIRECT_PAYMENT' ? target.risk : null,
        reason: application.reason,
        attachments: JSON.stringify(application.attachments),
        createdBy: caller.name,
      });
      const view = await this.view(manager, caller, id);
      await this.audit.record(manager, {
        action: 'reserveUse.apply',
        entityType: 'reserveUse',
        entityId: String(id),
        before: null,
        after: snapshot(view),
      });
      return view;
    });
  }

  /** One action on the chain (submit, approve, return, reject, execute, withdraw) by the caller. */
  async act(
    caller: Caller,
    id: number,
    request: { action: ChainAction; version: number; step?: string; comment?: string | null },
  ): Promise<ReserveUseView> {
    return this.transactions.run(async (manager) => {
      const use = await this.row(manager, id);
      const chain = (await this.chains.find(manager, use.chain_id, true))!;
      if (chain.version !== request.version) throw staleVersion(chain.version);
      const before = await this.view(manager, caller, id);
      const next = actOnChain(RESERVE_USE_WORKFLOW, chain.state, {
        action: request.action,
        step: request.step,
        comment: request.comment ?? null,
        actor: actorOf(caller),
        at: new Date().toISOString(),
        today: this.clock.today(),
      });
      if (request.action === 'execute') await this.execute(manager, caller, use);
      await this.chains.save(manager, chain, next);
      const after = await this.view(manager, caller, id);
      await this.audit.record(manager, {
        action: `reserveUse.${request.action}`,
        entityType: 'reserveUse',
        entityId: String(id),
        before: snapshot(before),
        after: snapshot(after),
      });
      await this.notifyNext(manager, use, chain, next.status, after);
      return after;
    });
  }

  async get(caller: Caller, id: number): Promise<ReserveUseView> {
    return this.view(this.uses.manager, caller, id);
  }

  async list(
    caller: Caller,
    county: County,
    q: { fundYear?: number; status?: ChainStatus; page: number; pageSize: number },
  ): Promise<Page<ReserveUseView>> {
    const { ids, total } = await this.uses.page(county.id, q, q.page, q.pageSize);
    const items = [];
    for (const id of ids) items.push(await this.view(this.uses.manager, caller, id));
    return { items, page: q.page, pageSize: q.pageSize, total };
  }

  /** Executes under the reserve account's lock: the balance is checked again, the transfer posted, M raised. */
  private async execute(manager: EntityManager, caller: Caller, use: ReserveUseRow): Promise<void> {
    const amount = Money.of(use.amount);
    const target = targetOf(use);
    // The reserve's row is locked while its balance is read: of two executions at once, the second
    // waits, then sees what the first left, and is refused naming that balance.
    checkReserveUse(await this.ledger.lockedBalanceOf(manager, use.county_id, use.fund_year, ACCOUNTS.adjustmentReserve), amount);
    await this.ledger.post(manager, use.county_id, use.fund_year, reserveUseTransfers(use.county_code, String(use.id), amount, target), {
      type: 'reserveUse',
      id: String(use.id),
    });
    const today = this.clock.today();
    if (target.kind === 'PACKAGE_INCREASE')
      await this.allocations.increasePackage(manager, {
        communityId: use.community_id!,
        fundYear: use.fund_year,
        amount,
        sourceType: 'reserveUse',
        sourceId: String(use.id),
        reason: `调剂金使用 ${use.id}: ${use.purpose}`,
        effectiveOn: today,
        createdBy: caller.name,
      });
    await this.uses.markExecuted(manager, use.id, today, caller.name);
  }

  /** Tells the bodies of the steps now open (or the applicant's, once approved or sent back) that it waits for them. */
  private async notifyNext(
    manager: EntityManager,
    use: ReserveUseRow,
    chain: StoredChain,
    status: ChainStatus,
    view: ReserveUseView,
  ): Promise<void> {
    const waiting =
      status === 'IN_REVIEW'
        ? view.chain.steps
            .filter((s) => s.status === 'OPEN')
            .map((s) => ({ types: stepInstitutionTypes(RESERVE_USE_WORKFLOW, s.key), what: s.title }))
        : status === 'APPROVED' || status === 'RETURNED' || status === 'REJECTED'
          ? [{ types: ['BUREAU'], what: status }]
          : [];
    const seq = view.chain.history.length;
    for (const w of waiting)
      for (const institutionId of await this.recipients.ofTypes(manager, use.county_id, w.types))
        await this.notifications.notify(manager, {
          institutionId,
          kind: 'GOVERNANCE_STEP',
          severity: 'INFO',
          dedupKey: `reserveUse:${use.id}:${chain.id}:${seq}:${institutionId}`,
          subjectType: 'reserveUse',
          subjectId: String(use.id),
          message: `调剂金使用 ${use.id}（${use.purpose}，${use.amount} 元）: ${w.what}`,
          details: { status, step: w.what },
        });
  }

  private async view(manager: EntityManager, caller: Caller, id: number): Promise<ReserveUseView> {
    const use = await this.row(manager, id);
    const chain = (await this.chains.find(manager, use.chain_id))!;
    const codes = await this.recipients.codesOf(manager, [...new Set(chain.state.history.map((h) => h.institutionId))]);
    const chainState = chainView(RESERVE_USE_WORKFLOW, chain.state, await this.calendar.calendar(), codes);
    return {
      id: use.id,
      countyCode: use.county_code,
      fundYear: use.fund_year,
      purpose: use.purpose,
      amount: Money.of(use.amount).toString(),
      target: targetOf(use),
      reason: use.reason,
      attachments: JSON.parse(use.attachments),
      createdBy: use.created_by,
      createdAt: use.created_at.toISOString(),
      executedOn: use.executed_on,
      executedBy: use.executed_by,
      reserveBalance: (await this.reserveBalance(manager, use.county_id, use.fund_year)).toString(),
      version: chain.version,
      chain: chainState,
      allowedActions: allowedChainActions(RESERVE_USE_WORKFLOW, chain.state, actorOf(caller)),
    };
  }

  private async row(manager: EntityManager, id: number): Promise<ReserveUseRow> {
    const use = await this.uses.find(manager, id);
    if (!use) throw notFound('reserveUse', String(id));
    return use;
  }

  private reserveBalance(manager: EntityManager, countyId: number, fundYear: number): Promise<Money> {
    return this.ledger.balanceOf(manager, countyId, fundYear, ACCOUNTS.adjustmentReserve);
  }

  private async assertCommunityOfCounty(manager: EntityManager, county: County, communityCode: string): Promise<void> {
    const community = await this.counties.getCommunity(communityCode, manager);
    if (community.countyId !== county.id) throw notFound('community', communityCode);
  }
}

function targetOf(use: ReserveUseRow): ReserveUseTarget {
  return use.target_kind === 'PACKAGE_INCREASE'
    ? { kind: 'PACKAGE_INCREASE', communityCode: use.community_code! }
    : { kind: 'DIRECT_PAYMENT', risk: use.risk! };
}

function snapshot(v: ReserveUseView): Record<string, unknown> {
  return { status: v.chain.status, version: v.version, amount: v.amount, target: v.target, executedOn: v.executedOn };
}
