import { Injectable, OnModuleInit } from '@nestjs/common';
import { actingCountyId } from '../../domain/access-policy';
import { EntityManager } from 'typeorm';
import {
  actOnChain,
  allowedStepActions,
  ChainAction,
  ChainStatus,
  DISPUTE_WORKFLOW,
  newChain,
  PERIODIC_REVIEW_WORKFLOW,
  WorkflowDefinition,
} from '../../domain/approval-chain';
import { checkRectificationOrder, DisputeSubject, notAMember, rectificationOverdue } from '../../domain/governance';
import { BusinessClock } from '../../common/business-clock';
import { Caller } from '../../common/caller';
import { DeadlineWatchEvents, DeadlineWatchFindings, DeadlineWatchRun } from '../../common/deadline-watch-events';
import { Page } from '../../common/pagination';
import { notFound, staleVersion } from '../../common/record-errors';
import { AuditService } from '../audit';
import { CalendarService } from '../calendar';
import { CommunityFundingService, Transactions } from '../claims';
import { NotificationService } from '../cycles';
import { InstitutionRepository, MedicalCommunity } from '../registry';
import { actorOf, chainView, ChainView, stepInstitutionTypes } from './chain-view';
import { GovernanceChainRepository, StoredChain } from './governance-chain.repository';
import { GovernanceRecipientsRepository } from './governance-recipients.repository';
import { DisputeRepository, DisputeRow } from './dispute.repository';

export interface DisputeView {
  id: number;
  kind: 'DISPUTE' | 'PERIODIC_REVIEW';
  communityCode: string;
  filedBy: string;
  subject: { type: string; reference: string };
  description: string;
  attachments: { name: string; reference: string }[];
  createdBy: string;
  createdAt: string;
  opinion: { findings: string; rectifyingUnitCode: string | null; rectificationDeadline: string | null } | null;
  rectification: { note: string; evidence: { name: string; reference: string }[] } | null;
  /** The day the deadline watch found the rectification overdue, and the disbursement hold it placed. */
  overdueOn: string | null;
  holdId: number | null;
  version: number;
  chain: ChainView;
  /** What the caller may do now, named as the routes are (`POST /disputes/{id}/{action}`, camel case). */
  allowedActions: DisputeAction[];
}

export type DisputeAction =
  'submit' | 'withdraw' | 'register' | 'requestDocuments' | 'opinion' | 'dismiss' | 'rectification' | 'accept' | 'reopen';

/** Each chain action on each step, as the dispute's routes name it. */
const ROUTE_ACTION: Record<string, DisputeAction> = {
  'submit:': 'submit',
  'withdraw:': 'withdraw',
  'approve:committeeRegisters': 'register',
  'return:committeeRegisters': 'requestDocuments',
  'approve:committeeOpinion': 'opinion',
  'reject:committeeOpinion': 'dismiss',
  'approve:unitRectifies': 'rectification',
  'approve:committeeAccepts': 'accept',
  'return:committeeAccepts': 'reopen',
};

export interface DisputeFiling {
  subjectType: DisputeSubject;
  subjectRef: string;
  description: string;
  attachments: { name: string; reference: string }[];
}

/** The steps of both chains that the routes name. */
const STEP = { register: 'committeeRegisters', opinion: 'committeeOpinion', rectify: 'unitRectifies', accept: 'committeeAccepts' } as const;
const definitionOf = (kind: DisputeRow['kind']): WorkflowDefinition => (kind === 'DISPUTE' ? DISPUTE_WORKFLOW : PERIODIC_REVIEW_WORKFLOW);
/** The stage of a chain where the named unit rectifies (read from its definition). */
const rectificationStage = (kind: DisputeRow['kind']): number =>
  definitionOf(kind).stages.findIndex((stage) => stage.some((step) => step.key === STEP.rectify));

/**
 * Review and disputes (评审, SPEC §9.2, 基金管理办法 第十七–二十一条): a member unit files a dispute
 * (or the committee opens a periodic review), the committee registers it (or asks for documents),
 * issues an opinion naming the unit that must rectify and by when, the unit records its
 * rectification, the committee accepts or reopens. A rectification still open after its deadline
 * puts the community's disbursements on hold (the daily deadline watch, exactly once, telling the
 * lead unit, the bureau and the health bureau); accepting it lifts that hold.
 */
@Injectable()
export class DisputeService implements OnModuleInit {
  constructor(
    private readonly transactions: Transactions,
    private readonly chains: GovernanceChainRepository,
    private readonly disputes: DisputeRepository,
    private readonly recipients: GovernanceRecipientsRepository,
    private readonly institutions: InstitutionRepository,
    private readonly funding: CommunityFundingService,
    private readonly calendar: CalendarService,
    private readonly notifications: NotificationService,
    private readonly audit: AuditService,
    private readonly clock: BusinessClock,
    private readonly watch: DeadlineWatchEvents,
  ) {}

  onModuleInit(): void {
    this.watch.register('rectification', (run) => this.placeHoldsForOverdueRectifications(run));
  }

  /** A member unit files a dispute about its own community (a draft until submitted). */
  async file(caller: Caller, filing: DisputeFiling): Promise<DisputeView> {
    const communityId = caller.institution.communityId;
    if (communityId === null) throw notAMember(caller.institution.code);
    return this.create(caller, { id: communityId, countyId: actingCountyId(caller.scope) }, 'DISPUTE', filing);
  }

  /** The review committee opens a periodic review of a community; it starts at the committee's opinion. */
  async openReview(caller: Caller, community: { id: number; countyId: number }, filing: DisputeFiling): Promise<DisputeView> {
    return this.create(caller, community, 'PERIODIC_REVIEW', filing);
  }

  async act(
    caller: Caller,
    id: number,
    request: {
      action: ChainAction;
      step?: string;
      version: number;
      comment?: string | null;
      opinion?: { findings: string; rectifyingUnitCode: string; rectificationDeadline: string };
      rectification?: { note: string; evidence: { name: string; reference: string }[] };
      newDeadline?: string;
    },
  ): Promise<DisputeView> {
    return this.transactions.run(async (manager) => {
      const row = await this.row(manager, caller, id, true);
      const chain = (await this.chains.find(manager, row.chain_id, true))!;
      if (chain.version !== request.version) throw staleVersion(chain.version);
      const before = await this.view(manager, caller, id);
      const today = this.clock.today();
      let state = chain.state;
      if (request.opinion) {
        const unit = await this.institutions.placementByCode(request.opinion.rectifyingUnitCode);
        checkRectificationOrder(
          { deadline: request.opinion.rectificationDeadline, unitInCommunity: unit !== null && unit.communityId === row.community_id },
          today,
        );
        state = { ...state, assignedUnitId: unit!.id };
        await this.disputes.setOpinion(manager, id, {
          findings: request.opinion.findings,
          unitId: unit!.id,
          deadline: request.opinion.rectificationDeadline,
        });
      }
      const next = actOnChain(definitionOf(row.kind), state, {
        action: request.action,
        step: request.step,
        comment: request.comment ?? null,
        actor: actorOf(caller),
        at: new Date().toISOString(),
        today,
      });
      if (request.action === 'reject' && request.step === STEP.opinion) await this.disputes.setFindings(manager, id, request.comment ?? '');
      if (request.rectification)
        await this.disputes.setRectification(manager, id, request.rectification.note, JSON.stringify(request.rectification.evidence));
      if (request.newDeadline) {
        checkRectificationOrder({ deadline: request.newDeadline, unitInCommunity: true }, today);
        await this.disputes.setDeadline(manager, id, request.newDeadline);
      }
      await this.chains.save(manager, chain, next);
      // Accepting the rectification closes the dispute and lifts the hold its overdue deadline placed.
      if (next.status === 'APPROVED' && row.hold_id !== null)
        await this.funding.liftHoldIn(manager, Number(row.hold_id), caller.name, `评审 ${id}: rectification accepted`);
      const after = await this.view(manager, caller, id);
      await this.audit.record(manager, {
        action: `dispute.${request.action}`,
        entityType: 'dispute',
        entityId: String(id),
        before: snapshot(before),
        after: snapshot(after),
      });
      await this.notifyNext(manager, row, chain, after);
      return after;
    });
  }

  async get(caller: Caller, id: number): Promise<DisputeView> {
    await this.row(this.disputes.manager, caller, id);
    return this.view(this.disputes.manager, caller, id);
  }

  async list(
    caller: Caller,
    community: MedicalCommunity,
    q: { status?: ChainStatus; page: number; pageSize: number },
  ): Promise<Page<DisputeView>> {
    const involving = await this.unitsOfMemberScope(caller);
    const { ids, total } = await this.disputes.page(community.id, { status: q.status, involving }, q.page, q.pageSize);
    const items = [];
    for (const id of ids) items.push(await this.view(this.disputes.manager, caller, id));
    return { items, page: q.page, pageSize: q.pageSize, total };
  }

  /** The deadline watch's part: holds for rectifications past their deadline, once each, with notices. */
  private async placeHoldsForOverdueRectifications({ manager, countyId, today }: DeadlineWatchRun): Promise<DeadlineWatchFindings> {
    const found: DeadlineWatchFindings = { counts: { overdueRectifications: 0, rectificationHolds: 0 }, deliveryJobs: [] };
    const candidates = await this.disputes.unwatchedInReview(manager, countyId);
    // Overdue: still at the rectification stage of its chain, and the deadline has passed (policy).
    const overdue = candidates.filter((d) =>
      rectificationOverdue(d.stage === rectificationStage(d.kind), d.rectification_deadline!, today),
    );
    for (const d of overdue) {
      const reason = `评审 ${d.id}: ${d.rectifying_unit_code} did not rectify by ${d.rectification_deadline}`;
      const { hold, created } = await this.funding.placeHoldIn(
        manager,
        { id: d.community_id, code: d.community_code },
        'deadline-watch',
        reason,
      );
      await this.disputes.markOverdue(manager, d.id, today, created ? hold.id : null);
      found.counts.overdueRectifications++;
      if (created) found.counts.rectificationHolds++;
      for (const institutionId of await this.recipients.leadBureauAndHealth(manager, countyId, d.community_id)) {
        const r = await this.notifications.notify(manager, {
          institutionId,
          kind: 'RECTIFICATION_OVERDUE',
          severity: 'WARNING',
          dedupKey: `dispute:${d.id}:overdue:${d.rectification_deadline}:${institutionId}`,
          subjectType: 'dispute',
          subjectId: String(d.id),
          message: `${reason}; disbursements to ${d.community_code} are on hold until the rectification is accepted`,
          details: { holdId: hold.id, deadline: d.rectification_deadline },
        });
        if (r.deliveryJob) found.deliveryJobs.push(r.deliveryJob);
      }
    }
    return found;
  }

  private async create(
    caller: Caller,
    community: { id: number; countyId: number },
    kind: DisputeRow['kind'],
    filing: DisputeFiling,
  ): Promise<DisputeView> {
    return this.transactions.run(async (manager) => {
      const definition = definitionOf(kind);
      const chainId = await this.chains.insert(manager, definition.kind, community.countyId, newChain());
      const id = await this.disputes.insert(manager, {
        chainId,
        kind,
        countyId: community.countyId,
        communityId: community.id,
        filedByInstitutionId: caller.institution.id,
        subjectType: filing.subjectType,
        subjectRef: filing.subjectRef,
        description: filing.description,
        attachments: JSON.stringify(filing.attachments),
        createdBy: caller.name,
      });
      const view = await this.view(manager, caller, id);
      await this.audit.record(manager, {
        action: `dispute.file`,
        entityType: 'dispute',
        entityId: String(id),
        before: null,
        after: snapshot(view),
      });
      return view;
    });
  }

  private async notifyNext(manager: EntityManager, row: DisputeRow, chain: StoredChain, view: DisputeView): Promise<void> {
    const definition = definitionOf(row.kind);
    const open = view.chain.steps.filter((s) => s.status === 'OPEN');
    const targets: { ids: number[]; what: string }[] = [];
    for (const s of open)
      targets.push({
        ids:
          s.key === STEP.rectify
            ? [row.rectifying_unit_id ?? (await this.disputes.find(manager, row.id))!.rectifying_unit_id!]
            : await this.recipients.ofTypes(manager, row.county_id, stepInstitutionTypes(definition, s.key)),
        what: s.title,
      });
    if (view.chain.status === 'RETURNED' || view.chain.status === 'REJECTED' || view.chain.status === 'APPROVED')
      targets.push({ ids: [row.filed_by_institution_id], what: view.chain.status });
    const seq = view.chain.history.length;
    for (const t of targets)
      for (const institutionId of t.ids)
        await this.notifications.notify(manager, {
          institutionId,
          kind: 'GOVERNANCE_STEP',
          severity: 'INFO',
          dedupKey: `dispute:${row.id}:${chain.id}:${seq}:${institutionId}`,
          subjectType: 'dispute',
          subjectId: String(row.id),
          message: `评审 ${row.id}（${row.community_code}，${row.subject_type}）: ${t.what}`,
          details: { status: view.chain.status, step: t.what },
        });
  }

  private async view(manager: EntityManager, caller: Caller, id: number): Promise<DisputeView> {
    const d = (await this.disputes.find(manager, id))!;
    const chain = (await this.chains.find(manager, d.chain_id))!;
    const codes = await this.recipients.codesOf(manager, [...new Set(chain.state.history.map((h) => h.institutionId))]);
    const definition = definitionOf(d.kind);
    return {
      id: d.id,
      kind: d.kind,
      communityCode: d.community_code,
      filedBy: d.filed_by_code,
      subject: { type: d.subject_type, reference: d.subject_ref },
      description: d.description,
      attachments: JSON.parse(d.attachments),
      createdBy: d.created_by,
      createdAt: d.created_at.toISOString(),
      opinion:
        d.findings === null
          ? null
          : { findings: d.findings, rectifyingUnitCode: d.rectifying_unit_code, rectificationDeadline: d.rectification_deadline },
      rectification:
        d.rectification_note === null ? null : { note: d.rectification_note, evidence: JSON.parse(d.rectification_evidence ?? '[]') },
      overdueOn: d.overdue_on,
      holdId: d.hold_id === null ? null : Number(d.hold_id),
      version: chain.version,
      chain: chainView(definition, chain.state, await this.calendar.calendar(), codes),
      allowedActions: allowedStepActions(definition, chain.state, actorOf(caller)).flatMap((a) => {
        const named = ROUTE_ACTION[`${a.action}:${a.step ?? ''}`];
        return named ? [named] : [];
      }),
    };
  }

  /**
   * The dispute, if the caller may see it: bodies of the county and the lead unit see every
   * dispute of the community; a member unit only those it filed or must rectify (404 otherwise).
   */
  private async row(manager: EntityManager, caller: Caller, id: number, lock = false): Promise<DisputeRow> {
    const d = await this.disputes.find(manager, id, lock);
    const involving = await this.unitsOfMemberScope(caller);
    if (!d || (involving && !involving.includes(d.filed_by_institution_id) && !involving.includes(d.rectifying_unit_id ?? -1)))
      throw notFound('dispute', String(id));
    return d;
  }

  /** The units a member unit's scope covers (a township: itself and its villages); undefined for the county and the lead. */
  private async unitsOfMemberScope(caller: Caller): Promise<number[] | undefined> {
    if (caller.scope.kind === 'county' || caller.scope.kind === 'region' || caller.scope.kind === 'community') return undefined;
    if (caller.scope.kind === 'township') return this.disputes.townshipUnits(caller.scope.institutionId);
    return [caller.scope.institutionId];
  }
}

function snapshot(v: DisputeView): Record<string, unknown> {
  return { status: v.chain.status, version: v.version, opinion: v.opinion, rectification: v.rectification, holdId: v.holdId };
}
