import { Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { assertClaimReviewer, assertClaimUnderReview, assertDeclarationUnderReview } from '../../domain/declaration';
import { Money } from '../../domain/money';
import { drawSample, extrapolateRejection, SampleSize, SampleStratum } from '../../domain/sampling';
import { BusinessClock } from '../../common/business-clock';
import { Caller } from '../../common/caller';
import { notFound } from '../../common/record-errors';
import { AuditService } from '../audit';
import { MemberClaimRepository } from './member-claim.repository';
import { SampleRecordRow, SampleRepository, SampleRow } from './sample.repository';
import { Transactions } from './transactions';

export interface SampleRecordView {
  id: string;
  externalId: string;
  unitCode: string;
  fundPaid: string;
  reviewStatus: string;
  reviewReason: string | null;
  deductionReason: string | null;
}

export interface SampleExtrapolationView {
  sampledAmount: string;
  /** Of the sample: rejected in pre-review (a claim's sample) or deducted by the bureau (a declaration's). */
  sampledRejected: string;
  /** Sampled records still undecided (PENDING): the rate is provisional while any remain. */
  undecided: number;
  rate: string;
  unsampledRecords: number;
  unsampledAmount: string;
  deduction: string;
  calculation: string;
  /**
   * Whether the county's policy applies the deduction to the unsampled records (off by default):
   * the calculation is shown and audited; it is not posted as a deduction.
   */
  applied: boolean;
}

/** A sample (抽样审核) with its seed, size, strata, the sampled records and the extrapolation of its rejection rate. */
export interface SampleView {
  id: number;
  subject: 'CLAIM' | 'DECLARATION';
  claimId: number | null;
  declarationId: number | null;
  seed: number;
  share: string | null;
  count: number | null;
  population: number;
  strata: SampleStratum[];
  drawnOn: string;
  drawnBy: string;
  records: SampleRecordView[];
  extrapolation: SampleExtrapolationView;
}

const recordView = (r: SampleRecordRow): SampleRecordView => ({
  id: r.id,
  externalId: r.external_id,
  unitCode: r.unit_code,
  fundPaid: Money.of(r.fund_paid).toString(),
  reviewStatus: r.review_status,
  reviewReason: r.review_reason,
  deductionReason: r.deduction_reason,
});

/**
 * Sample review (抽样审核): the lead unit draws a reproducible sample of a submitted claim's
 * records (stratified by the unit that provided care), the bureau of a declaration's accepted
 * records (stratified by claiming unit); the reviewer then reviews the sampled records through the
 * usual pre-review or deduction routes, and the sample shows its rejection rate applied to the rest.
 */
@Injectable()
export class SampleService {
  constructor(
    private readonly transactions: Transactions,
    private readonly samples: SampleRepository,
    private readonly claims: MemberClaimRepository,
    private readonly audit: AuditService,
    private readonly clock: BusinessClock,
  ) {}

  async drawForClaim(caller: Caller, claimId: number, size: SampleSize, seed: number | undefined): Promise<SampleView> {
    return this.transactions.run(async (manager) => {
      const claim = await this.claims.find(manager, claimId, true);
      if (!claim) throw notFound('member claim', String(claimId));
      assertClaimReviewer(caller.institution, { id: claimId, institutionCode: claim.institution_code, communityId: claim.community_id });
      assertClaimUnderReview({ id: claimId, state: claim.state });
      const records = await this.samples.claimRecords(manager, claim.institution_id, claim.period);
      return this.draw(manager, caller, { claimId, declarationId: null }, records, size, seed);
    });
  }

  async drawForDeclaration(caller: Caller, declarationId: number, size: SampleSize, seed: number | undefined): Promise<SampleView> {
    return this.transactions.run(async (manager) => {
      const state = await this.samples.declarationState(manager, declarationId);
      if (state === undefined) throw notFound('declaration', String(declarationId));
      assertDeclarationUnderReview({ id: declarationId, state });
      const records = await this.samples.declarationRecords(manager, declarationId);
      return this.draw(manager, caller, { claimId: null, declarationId }, records, size, seed);
    });
  }

  async latestOfClaim(claimId: number): Promise<SampleView> {
    const manager = this.samples.manager;
    const row = await this.samples.latest(manager, { claimId });
    if (!row) throw notFound('sample of member claim', String(claimId));
    const claim = (await this.claims.find(manager, claimId, false))!;
    return this.view(row, await this.samples.claimRecords(manager, claim.institution_id, claim.period));
  }

  async latestOfDeclaration(declarationId: number): Promise<SampleView> {
    const manager = this.samples.manager;
    const row = await this.samples.latest(manager, { declarationId });
    if (!row) throw notFound('sample of declaration', String(declarationId));
    return this.view(row, await this.samples.declarationRecords(manager, declarationId));
  }

  private async draw(
    manager: Parameters<SampleRepository['insert']>[0],
    caller: Caller,
    subject: { claimId: number | null; declarationId: number | null },
    records: SampleRecordRow[],
    size: SampleSize,
    givenSeed: number | undefined,
  ): Promise<SampleView> {
    const seed = givenSeed ?? randomInt(0, 2 ** 32 - 1);
    const drawn = drawSample(
      records.map((r) => ({ id: Number(r.id), unitCode: r.unit_code })),
      { seed, size },
    );
    const id = await this.samples.insert(manager, {
      ...subject,
      seed,
      share: size.share ?? null,
      count: size.count ?? null,
      population: drawn.population,
      recordIds: drawn.recordIds,
      strata: drawn.strata,
      on: this.clock.today(),
      by: caller.name,
    });
    const view = this.view(
      {
        id,
        claim_id: subject.claimId,
        declaration_id: subject.declarationId,
        seed,
        size_share: size.share ?? null,
        size_count: size.count ?? null,
        population: drawn.population,
        record_ids: JSON.stringify(drawn.recordIds),
        strata: JSON.stringify(drawn.strata),
        drawn_on: this.clock.today(),
        drawn_by: caller.name,
      },
      records,
    );
    await this.audit.record(manager, {
      action: 'sample.draw',
      entityType: subject.claimId !== null ? 'memberClaim' : 'declaration',
      entityId: String(subject.claimId ?? subject.declarationId),
      before: null,
      after: {
        sampleId: id,
        seed,
        share: view.share,
        count: view.count,
        population: view.population,
        recordIds: drawn.recordIds,
        strata: drawn.strata,
      },
    });
    return view;
  }

  private view(row: SampleRow, records: readonly SampleRecordRow[]): SampleView {
    const ids = new Set((JSON.parse(row.record_ids) as number[]).map(String));
    const claimSample = row.claim_id !== null;
    const sampled = records.filter((r) => ids.has(r.id));
    const rejected = (r: SampleRecordRow) => (claimSample ? r.review_status === 'REJECTED' : r.deduction_reason !== null);
    const amount = (rs: readonly SampleRecordRow[]) => Money.sum(rs.map((r) => Money.of(r.fund_paid)));
    const unsampled = records.filter((r) => !ids.has(r.id) && !rejected(r));
    const sampledAmount = amount(sampled);
    const sampledRejected = amount(sampled.filter(rejected));
    const x = extrapolateRejection({
      sampledAmount,
      sampledRejected,
      unsampled: unsampled.map((r) => ({ id: Number(r.id), amount: Money.of(r.fund_paid) })),
    });
    return {
      id: Number(row.id),
      subject: claimSample ? 'CLAIM' : 'DECLARATION',
      claimId: row.claim_id === null ? null : Number(row.claim_id),
      declarationId: row.declaration_id === null ? null : Number(row.declaration_id),
      seed: Number(row.seed),
      share: row.size_share === null ? null : row.size_share,
      count: row.size_count === null ? null : Number(row.size_count),
      population: Number(row.population),
      strata: JSON.parse(row.strata) as SampleStratum[],
      drawnOn: row.drawn_on,
      drawnBy: row.drawn_by,
      records: sampled.map(recordView),
      extrapolation: {
        sampledAmount: sampledAmount.toString(),
        sampledRejected: sampledRejected.toString(),
        undecided: sampled.filter((r) => r.review_status === 'PENDING').length,
        rate: x.rate,
        unsampledRecords: unsampled.length,
        unsampledAmount: x.unsampledAmount.toString(),
        deduction: x.deduction.toString(),
        calculation: x.calculation,
        applied: false,
      },
    };
  }
}
