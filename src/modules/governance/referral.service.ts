import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { actOnChain, allowedChainActions, ChainAction, ChainStatus, newChain, REFERRAL_WORKFLOW } from '../../domain/approval-chain';
import { checkReferral, referralReport } from '../../domain/governance';
import { Money } from '../../domain/money';
import { maskInsuredId } from '../../domain/settlement-record';
import { BusinessClock } from '../../common/business-clock';
import { Caller } from '../../common/caller';
import { Page } from '../../common/pagination';
import { InsuredIdHasher } from '../../common/record-hashing';
import { notFound, staleVersion } from '../../common/record-errors';
import { AuditService } from '../audit';
import { CalendarService } from '../calendar';
import { Transactions } from '../claims';
import { InstitutionRepository, MedicalCommunity } from '../registry';
import { actorOf, chainView, ChainView } from './chain-view';
import { GovernanceChainRepository } from './governance-chain.repository';
import { GovernanceRecipientsRepository } from './governance-recipients.repository';
import { ReferralRepository, ReferralRow } from './referral.repository';

export interface ReferralView {
  id: number;
  communityCode: string;
  fromUnitCode: string;
  insuredMasked: string;
  receivingHospital: string;
  diagnosisCode: string | null;
  validFrom: string;
  validTo: string;
  reason: string;
  recordedBy: string;
  createdAt: string;
  version: number;
  chain: ChainView;
  allowedActions: ChainAction[];
}

export interface ReferralInput {
  insuredId: string;
  fromUnitCode: string;
  receivingHospital: string;
  diagnosisCode: string | null;
  validFrom: string;
  validTo: string;
  reason: string;
}

export interface ReferralReportView {
  communityCode: string;
  fundYear: number;
  period: string | null;
  settlements: number;
  matched: number;
  flagged: number;
  flaggedAmount: string;
  /** The 10% the settlement system took from these patients' reimbursement: reported here, not applied. */
  reduction: string;
  months: { period: string; settlements: number; matched: number; flagged: number; flaggedAmount: string; reduction: string }[];
  flaggedSettlements: {
    externalId: string;
    period: string;
    hospitalName: string;
    insuredMasked: string;
    stayDate: string;
    fundPaid: string;
    reduction: string;
  }[];
}

/**
 * Out-of-county referrals (县外转诊, 打包付费办法 §五(四), SPEC §9.4): the lead unit records a
 * referral and another of its finance staff approves it. Imported out-of-county settlements are
 * matched with approved referrals (same insured, stay inside the window); those without are
 * flagged, with the 10% the settlement system took from the patient reported.
 */
@Injectable()
export class ReferralService {
  constructor(
    private readonly transactions: Transactions,
    private readonly chains: GovernanceChainRepository,
    private readonly referrals: ReferralRepository,
    private readonly recipients: GovernanceRecipientsRepository,
    private readonly institutions: InstitutionRepository,
    private readonly insuredIds: InsuredIdHasher,
    private readonly calendar: CalendarService,
    private readonly audit: AuditService,
    private readonly clock: BusinessClock,
  ) {}

  async record(caller: Caller, community: MedicalCommunity, input: ReferralInput): Promise<ReferralView> {
    const from = await this.institutions.placementByCode(input.fromUnitCode);
    checkReferral({
      recorder: { type: caller.institution.type, communityId: caller.institution.communityId },
      communityId: community.id,
      fromUnitInCommunity: from !== null && from.communityId === community.id,
      validFrom: input.validFrom,
      validTo: input.validTo,
    });
    return this.transactions.run(async (manager) => {
      const chainId = await this.chains.insert(manager, REFERRAL_WORKFLOW.kind, community.countyId, newChain());
      const id = await this.referrals.insert(manager, {
        chainId,
        countyId: community.countyId,
        communityId: community.id,
        fromUnitId: from!.id,
        insuredHash: this.insuredIds.hash(input.insuredId),
        insuredMasked: maskInsuredId(input.insuredId),
        receivingHospital: input.receivingHospital,
        diagnosisCode: input.diagnosisCode,
        validFrom: input.validFrom,
        validTo: input.validTo,
        reason: input.reason,
        recordedBy: caller.name,
      });
      const view = await this.view(manager, caller, id);
      await this.audit.record(manager, {
        action: 'referral.record',
        entityType: 'referral',
        entityId: String(id),
        before: null,
        after: snapshot(view),
      });
      return view;
    });
  }

  async act(caller: Caller, id: number, request: { action: ChainAction; version: number; comment?: string | null }): Promise<ReferralView> {
    return this.transactions.run(async (manager) => {
      const row = await this.row(manager, id);
      const chain = (await this.chains.find(manager, row.chain_id, true))!;
      if (chain.version !== request.version) throw staleVersion(chain.version);
      const before = await this.view(manager, caller, id);
      const step = request.action === 'approve' || request.action === 'return' || request.action === 'reject' ? 'leadApproves' : undefined;
      const next = actOnChain(REFERRAL_WORKFLOW, chain.state, {
        action: request.action,
        step,
        comment: request.comment ?? null,
        actor: actorOf(caller),
        at: new Date().toISOString(),
        today: this.clock.today(),
      });
      await this.chains.save(manager, chain, next);
      const after = await this.view(manager, caller, id);
      await this.audit.record(manager, {
        action: `referral.${request.action}`,
        entityType: 'referral',
        entityId: String(id),
        before: snapshot(before),
        after: snapshot(after),
      });
      return after;
    });
  }

  async get(caller: Caller, id: number): Promise<ReferralView> {
    return this.view(this.referrals.manager, caller, id);
  }

  async list(
    caller: Caller,
    community: MedicalCommunity,
    q: { status?: ChainStatus; page: number; pageSize: number },
  ): Promise<Page<ReferralView>> {
    const { ids, total } = await this.referrals.page(community.id, q, q.page, q.pageSize);
    const items = [];
    for (const id of ids) items.push(await this.view(this.referrals.manager, caller, id));
    return { items, page: q.page, pageSize: q.pageSize, total };
  }

  /** A year's (or one month's) out-of-county settlements matched with approved referrals. */
  async report(community: MedicalCommunity, fundYear: number, period?: string): Promise<ReferralReportView> {
    const stays = await this.referrals.stays(community.id, period ?? `${fundYear}-01`, period ?? `${fundYear}-12`);
    const dates = stays.map((s) => s.stay_date).sort();
    const approved = dates.length ? await this.referrals.approved(community.id, dates[0], dates[dates.length - 1]) : [];
    const { total, months } = referralReport(
      stays.map((s) => ({
        id: s.id,
        insuredHash: s.insured_hash,
        admissionDate: s.stay_date,
        period: s.period,
        fundPaid: Money.of(s.fund_paid),
      })),
      approved.map((r) => ({ id: r.id, insuredHash: r.insured_hash, validFrom: r.valid_from, validTo: r.valid_to })),
    );
    const byId = new Map(stays.map((s) => [s.id, s]));
    return {
      communityCode: community.code,
      fundYear,
      period: period ?? null,
      settlements: stays.length,
      matched: total.matched.length,
      flagged: total.flagged.length,
      flaggedAmount: total.flaggedAmount.toString(),
      reduction: total.reductionTotal.toString(),
      months: months.map((m) => ({ ...m, flaggedAmount: m.flaggedAmount.toString(), reduction: m.reduction.toString() })),
      flaggedSettlements: total.flagged.map((f) => {
        const s = byId.get(f.stayId)!;
        return {
          externalId: s.external_id,
          period: s.period,
          hospitalName: s.hospital_name,
          insuredMasked: s.insured_masked,
          stayDate: s.stay_date,
          fundPaid: f.fundPaid.toString(),
          reduction: f.reduction.toString(),
        };
      }),
    };
  }

  private async view(manager: EntityManager, caller: Caller, id: number): Promise<ReferralView> {
    const r = await this.row(manager, id);
    const chain = (await this.chains.find(manager, r.chain_id))!;
    const codes = await this.recipients.codesOf(manager, [...new Set(chain.state.history.map((h) => h.institutionId))]);
    return {
      id: r.id,
      communityCode: r.community_code,
      fromUnitCode: r.from_unit_code,
      insuredMasked: r.insured_masked,
      receivingHospital: r.receiving_hospital,
      diagnosisCode: r.diagnosis_code,
      validFrom: r.valid_from,
      validTo: r.valid_to,
      reason: r.reason,
      recordedBy: r.recorded_by,
      createdAt: r.created_at.toISOString(),
      version: chain.version,
      chain: chainView(REFERRAL_WORKFLOW, chain.state, await this.calendar.calendar(), codes),
      // An approved referral is in force as it stands: there is nothing to execute.
      allowedActions: allowedChainActions(REFERRAL_WORKFLOW, chain.state, actorOf(caller)).filter((a) => a !== 'execute'),
    };
  }

  private async row(manager: EntityManager, id: number): Promise<ReferralRow> {
    const r = await this.referrals.find(manager, id);
    if (!r) throw notFound('referral', String(id));
    return r;
  }
}

function snapshot(v: ReferralView): Record<string, unknown> {
  return { status: v.chain.status, version: v.version, validFrom: v.validFrom, validTo: v.validTo, receivingHospital: v.receivingHospital };
}
