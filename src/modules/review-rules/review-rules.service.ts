import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BusinessClock } from '../../common/business-clock';
import { Caller } from '../../common/caller';
import { Page, pageOf } from '../../common/pagination';
import { notFound, staleVersion } from '../../common/record-errors';
import { inTransaction } from '../../database/transaction';
import {
  checkEffectiveFrom,
  checkRuleSet,
  decideHitAction,
  defaultRuleSet,
  HitAction,
  hitActions,
  hitKey,
  HitStatus,
  rejectionNote,
  RULE_PARAMS,
  RULE_REASON,
  RuleDefinition,
  RuleId,
  runRules,
} from '../../domain/review-rules';
import { JobHandler } from '../../queue/job-handler.decorator';
import { AuditService } from '../audit';
import { MemberClaimRepository, MemberClaimService } from '../claims';
import { CountyService } from '../registry';
import { HitRow, jsonOf, ReviewRulesRepository } from './review-rules.repository';

const fenText = (fen: bigint) => `${fen / 100n}.${String(fen % 100n).padStart(2, '0')}`;

export interface RuleSetView {
  county: string;
  /** 0: no version saved yet; the defaults shown are what the rules run with. */
  version: number;
  effectiveFrom: string | null;
  savedBy: string | null;
  savedAt: string | null;
  rules: RuleDefinition[];
  /** Each rule's parameters with their bounds, for the editing screen. */
  parameterBounds: typeof RULE_PARAMS;
  allowedActions: 'save'[];
}

export interface RuleHitView {
  id: string;
  claimPeriod: string;
  batchId: string;
  ruleSetVersion: number;
  ruleId: string;
  ruleName: string;
  severity: string;
  /** The records involved; the first is the one an accepted hit rejects. */
  recordIds: string[];
  recordId: string;
  evidence: Record<string, unknown>;
  suggestedDeduction: string;
  reasonCode: string;
  status: HitStatus;
  answer: string | null;
  answeredBy: string | null;
  answeredAt: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  createdAt: string;
  allowedActions: HitAction[];
}

const REVIEWERS = ['LEAD_FINANCE', 'BUREAU_CLERK'];

/**
 * Rule-based pre-review (智能审核): runs the county's rule set over every intake batch as a job,
 * keeps the hits, and lets the member unit answer a hit and the lead unit accept it (the record
 * is rejected through the claim's own pre-review, with the rule's reason) or dismiss it.
 */
@Injectable()
export class ReviewRulesService {
  private readonly logger = new Logger(ReviewRulesService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repo: ReviewRulesRepository,
    private readonly counties: CountyService,
    private readonly claims: MemberClaimRepository,
    private readonly claimService: MemberClaimService,
    private readonly audit: AuditService,
    private readonly clock: BusinessClock,
  ) {}

  // ------------------------------------------------------------ the job

  /**
   * Reviews one intake batch against the county's records of its claim periods (and the month
   * before). Idempotent: a batch reviewed before is left alone, and the hits and the run's mark
   * are stored in one transaction, so a crash before the commit only means the work runs again.
   */
  @JobHandler('rules.review-batch')
  async reviewBatch({ batchId }: { batchId: string }): Promise<{ reviewed: boolean; records: number; hits: number }> {
    if (await this.repo.ranBefore(batchId)) return { reviewed: false, records: 0, hits: 0 };
    const batch = await this.repo.batch(batchId);
    if (!batch || batch.recordIds.length === 0) return { reviewed: false, records: 0, hits: 0 };
    const set = (await this.repo.ruleSetOn(this.repo.manager, batch.countyId, this.clock.today())) ?? {
      version: 0,
      rules: defaultRuleSet(),
    };
    const records = await this.repo.reviewRecords(batch.countyId, batch.periods, batchId);
    const costs = set.rules.some((r) => r.id === 'COST_OUTLIER' && r.enabled)
      ? await this.repo.costsByDiagnosis(batch.countyId, batch.periods)
      : new Map<string, bigint[]>();
    const byId = new Map(records.map((r) => [r.id, r]));
    const hits = runRules(records, set.rules, new Set(batch.recordIds), { costsByDiagnosis: costs }).map((hit) => {
      const first = byId.get(hit.recordIds[0])!;
      return {
        hit,
        key: hitKey(hit),
        submitterId: first.submitterId,
        claimPeriod: first.claimPeriod,
        deduction: fenText(hit.deductionFen),
      };
    });
    const stored = await inTransaction(this.dataSource, (manager) =>
      this.repo.saveRun(manager, { batchId, countyId: batch.countyId, version: set.version, records: batch.recordIds.length }, hits),
    );
    this.logger.log(`batch ${batchId}: ${batch.recordIds.length} records reviewed, ${stored} new hits`);
    return { reviewed: true, records: batch.recordIds.length, hits: stored };
  }

  // ------------------------------------------------------------ the rule set

  async ruleSet(caller: Caller, countyCode: string): Promise<RuleSetView> {
    const county = await this.counties.getCounty(countyCode);
    const [latest] = await this.repo.ruleSets(county.id);
    return {
      county: countyCode,
      version: latest?.version ?? 0,
      effectiveFrom: latest?.effectiveFrom ?? null,
      savedBy: latest?.savedBy ?? null,
      savedAt: latest?.savedAt ?? null,
      rules: latest?.rules ?? defaultRuleSet(),
      parameterBounds: RULE_PARAMS,
      allowedActions: caller.roles.includes('BUREAU_CLERK') ? ['save'] : [],
    };
  }

  async versions(countyCode: string) {
    const county = await this.counties.getCounty(countyCode);
    return this.repo.ruleSets(county.id);
  }

  /** The bureau saves a new version, in force from `effectiveFrom` (today or later); `version` must be the current one. */
  async saveRuleSet(caller: Caller, countyCode: string, version: number, effectiveFrom: string, rules: unknown): Promise<RuleSetView> {
    const county = await this.counties.getCounty(countyCode);
    const checked = checkRuleSet(rules);
    checkEffectiveFrom(effectiveFrom, this.clock.today());
    await inTransaction(this.dataSource, async (manager) => {
      const current = await this.repo.lockCurrentVersion(manager, county.id);
      if (current !== version) throw staleVersion(current);
      await this.repo.insertRuleSet(manager, {
        countyId: county.id,
        version: current + 1,
        effectiveFrom,
        rules: checked,
        savedBy: caller.name,
      });
      await this.audit.record(manager, {
        action: 'reviewRules.save',
        entityType: 'county',
        entityId: countyCode,
        before: { version: current },
        after: { version: current + 1, effectiveFrom, rules: checked },
      });
    });
    return this.ruleSet(caller, countyCode);
  }

  // ------------------------------------------------------------ hits

  private async claim(claimId: number) {
    const row = await this.claims.find(this.claims.manager, claimId, false);
    if (!row) throw notFound(`member claim ${claimId}`, 'MEMBER_CLAIM_NOT_FOUND');
    return row;
  }

  private view(row: HitRow, caller: Caller | null, claimant: boolean, underReview = false): RuleHitView {
    return {
      id: row.id,
      claimPeriod: row.claim_period,
      batchId: row.batch_id,
      ruleSetVersion: Number(row.rule_set_version),
      ruleId: row.rule_id,
      ruleName: row.rule_name,
      severity: row.severity,
      recordIds: jsonOf<string[]>(row.record_ids),
      recordId: row.record_id,
      evidence: jsonOf<Record<string, unknown>>(row.evidence),
      suggestedDeduction: String(row.deduction),
      reasonCode: RULE_REASON[row.rule_id as RuleId] ?? 'OTHER',
      status: row.status,
      answer: row.answer,
      answeredBy: row.answered_by,
      answeredAt: row.answered_at,
      decidedBy: row.decided_by,
      decidedAt: row.decided_at,
      decisionNote: row.decision_note,
      createdAt: row.created_at,
      allowedActions: caller
        ? hitActions(row.status, {
            claimant: claimant && caller.roles.some((r) => r === 'MEMBER_CLERK' || r === 'PRIVATE_CLERK'),
            reviewer: !claimant && caller.roles.some((r) => REVIEWERS.includes(r)),
            underReview,
          })
        : [],
    };
  }

  /** A claim's hits, undecided first, violations before suspicions, largest deduction first; with the open counts. */
  async hitsOfClaim(
    caller: Caller,
    claimId: number,
    filter: { status?: string; severity?: string },
    page: number,
    pageSize: number,
  ): Promise<Page<RuleHitView> & { open: number; answered: number; openDeduction: string }> {
    const claim = await this.claim(claimId);
    const submitterId = Number(claim.institution_id);
    const { rows, total } = await this.repo.hitsOf({ submitterId, period: claim.period }, filter, page, pageSize);
    const counts = await this.repo.openCounts(submitterId, claim.period);
    const claimant = caller.institution.id === submitterId;
    return {
      ...pageOf(
        rows.map((r) => this.view(r, caller, claimant, claim.state === 'SUBMITTED')),
        total,
        { page, pageSize },
      ),
      open: counts.open,
      answered: counts.answered,
      openDeduction: counts.deduction,
    };
  }

  /** The county's hits of a claim period (the bureau's and the lead's overview). */
  async hitsOfCounty(countyCode: string, period: string, filter: { status?: string; severity?: string }, page: number, pageSize: number) {
    const county = await this.counties.getCounty(countyCode);
    const { rows, total } = await this.repo.hitsOf({ countyId: county.id, period }, filter, page, pageSize);
    return pageOf(
      rows.map((r) => this.view(r, null, false)),
      total,
      { page, pageSize },
    );
  }

  private async hitOfClaim(claimId: number, hitId: string) {
    const claim = await this.claim(claimId);
    const row = await this.repo.hit(this.repo.manager, hitId, false);
    if (!row || Number(row.submitter_id) !== Number(claim.institution_id) || row.claim_period !== claim.period)
      throw notFound(`rule hit ${hitId} of member claim ${claimId}`, 'RULE_HIT_NOT_FOUND');
    return { claim, row };
  }

  /** The member unit answers a hit (申诉) before the lead decides; a new answer replaces the last. */
  async answer(caller: Caller, claimId: number, hitId: string, answer: string): Promise<RuleHitView> {
    await this.hitOfClaim(claimId, hitId);
    await inTransaction(this.dataSource, async (manager) => {
      const row = (await this.repo.hit(manager, hitId, true))!;
      decideHitAction(hitId, row.status, 'answer', answer);
      await this.repo.answer(manager, hitId, answer.trim(), caller.name);
      await this.audit.record(manager, {
        action: 'ruleHit.answer',
        entityType: 'ruleHit',
        entityId: hitId,
        before: { status: row.status, answer: row.answer },
        after: { status: 'ANSWERED', answer: answer.trim() },
      });
    });
    return this.view((await this.repo.hit(this.repo.manager, hitId, false))!, caller, true);
  }

  /**
   * The lead unit accepts a hit: its record is rejected through the claim's pre-review (初审) with
   * the rule's reason code and a note from the hit's evidence; then the hit is marked accepted.
   */
  async accept(caller: Caller, claimId: number, hitId: string, note: string | null): Promise<RuleHitView> {
    const { row } = await this.hitOfClaim(claimId, hitId);
    decideHitAction(hitId, row.status, 'accept', note);
    const ruleId = row.rule_id as RuleId;
    await this.claimService.reviewRecords(caller, claimId, [
      {
        recordId: row.record_id,
        decision: 'REJECT',
        reason: RULE_REASON[ruleId],
        note: rejectionNote({ ruleId, ruleName: row.rule_name, evidence: jsonOf(row.evidence), note }),
      },
    ]);
    return this.decide(caller, hitId, 'accept', note);
  }

  /** The lead unit dismisses a hit, with a note saying why. */
  async dismiss(caller: Caller, claimId: number, hitId: string, note: string): Promise<RuleHitView> {
    await this.hitOfClaim(claimId, hitId);
    return this.decide(caller, hitId, 'dismiss', note);
  }

  private async decide(caller: Caller, hitId: string, action: 'accept' | 'dismiss', note: string | null): Promise<RuleHitView> {
    await inTransaction(this.dataSource, async (manager) => {
      const row = (await this.repo.hit(manager, hitId, true))!;
      const status = decideHitAction(hitId, row.status, action, note) as 'ACCEPTED' | 'DISMISSED';
      await this.repo.decide(manager, hitId, status, note?.trim() || null, caller.name);
      await this.audit.record(manager, {
        action: `ruleHit.${action}`,
        entityType: 'ruleHit',
        entityId: hitId,
        before: { status: row.status },
        after: { status, note: note?.trim() || null, recordId: row.record_id },
      });
    });
    return this.view((await this.repo.hit(this.repo.manager, hitId, false))!, caller, false);
  }
}
