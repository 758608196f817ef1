import { Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { extrapolatedDeductionByClaim } from '../../domain/claim-adjustment';
import { fundYearOf } from '../../domain/claim-cycle';
import { assertClaimReviewer, assertClaimUnderReview, assertDeclarationUnderReview } from '../../domain/declaration';
import { Money } from '../../domain/money';
import { drawSample, Extrapolation, extrapolateRejection, SampleSize, SampleStratum } from '../../domain/sampling';
import { BusinessClock } from '../../common/business-clock';
import { Caller } from '../../common/caller';
import { notFound } from '../../common/record-errors';
import { AuditService } from '../audit';
import { PolicyParametersService } from '../fund-year';
import { ClaimAdjustmentRepository } from './claim-adjustment.repository';
import { ClaimRow, MemberClaimRepository } from './member-claim.repository';
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
  /** Sampled settlements, and of them how many were rejected (or deducted). */
  sampledRecords: number;
  rejectedRecords: number;
  /**
   * Whether the deduction was applied to the claim(s) as an adjustment (the county's policy
   * parameter `applySampleExtrapolation`, off by default): a claim's sample when its period is
   * declared, a declaration's when the bureau approves it. Until then, or when off, it is shown only.
   */
  applied: boolean;
  /** What was applied (the sum of the adjustments it made), null when not applied. */
  appliedDeduction: string | null;
  /** Whether the county's policy for the fund year applies a sample's extrapolation. */
  policyApplies: boolean;
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

/** A sample's extrapolation with the counts and amounts it comes from. */
interface SampleExtrapolationFigures {
  sampledRecords: number;
  rejectedRecords: number;
  sampledAmount: Money;
  sampledRejected: Money;
  undecided: number;
  unsampledRecords: number;
  deduction: Extrapolation;
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
    private readonly adjustments: ClaimAdjustmentRepository,
    private readonly parameters: PolicyParametersService,
  ) {}

  /**
   * Applies the latest sample of a claim when its period is declared, if the county's policy for
   * the fund year says so: the sample's rejection rate applied to the claim's unsampled records is
   * a deduction of the claim (an adjustment with its calculation), audited. Nothing when the
   * policy is off, the claim has no sample or the deduction is zero; once only.
   */
  async applyToClaim(manager: EntityManager, claim: ClaimRow, by: string): Promise<void> {
    const row = await this.samples.latest(manager, { claimId: Number(claim.id) });
    if (!row || !(await this.policyApplies(manager, Number(claim.county_id), fundYearOf(claim.period)))) return;
    const x = this.extrapolation(row, await this.samples.claimRecords(manager, claim.institution_id, claim.period));
    await this.apply(
      manager,
      row,
      x,
      new Map([[Number(claim.institution_id), { period: claim.period, deduction: x.deduction.deduction }]]),
      by,
    );
  }

  /**
   * Applies the latest sample of a declaration when the bureau approves it, if the county's policy
   * says so: the deduction, spread over the unsampled records by amount, is a deduction of each
   * claim whose records carry a part of it.
   */
  async applyToDeclaration(
    manager: EntityManager,
    declaration: { id: number; county_id: number; fund_year: number; period: string },
    by: string,
  ): Promise<void> {
    const row = await this.samples.latest(manager, { declarationId: Number(declaration.id) });
    if (!row || !(await this.policyApplies(manager, Number(declaration.county_id), Number(declaration.fund_year)))) return;
    const records = await this.samples.declarationRecords(manager, declaration.id);
    const x = this.extrapolation(row, records);
    const byClaim = extrapolatedDeductionByClaim(
      x.deduction.perRecord,
      new Map(records.map((r) => [Number(r.id), Number(r.submitter_id)])),
    );
    await this.apply(
      manager,
      row,
      x,
      new Map([...byClaim].map(([submitter, deduction]) => [submitter, { period: declaration.period, deduction }])),
      by,
    );
  }

  private async policyApplies(manager: EntityManager, countyId: number, fundYear: number): Promise<boolean> {
    return (await this.parameters.terms(manager, { id: countyId, code: '' }, fundYear)).applySampleExtrapolation;
  }

  private async apply(
    manager: EntityManager,
    row: SampleRow,
    x: SampleExtrapolationFigures,
    perClaim: ReadonlyMap<number, { period: string; deduction: Money }>,
    by: string,
  ): Promise<void> {
    const applied: { submitterId: number; period: string; deduction: string }[] = [];
    for (const [submitterId, { period, deduction }] of perClaim) {
      if (!deduction.isPositive()) continue;
      const added = await this.adjustments.add(manager, {
        submitterId,
        claimPeriod: period,
        kind: 'EXTRAPOLATED_DEDUCTION',
        amount: deduction.negated(),
        source: `sample.${row.id}`,
        sampleId: Number(row.id),
        calculation: x.deduction.calculation,
        by,
      });
      if (added) applied.push({ submitterId, period, deduction: deduction.toString() });
    }
    if (applied.length === 0) return;
    await this.audit.record(manager, {
      action: 'sample.extrapolation.apply',
      entityType: row.claim_id !== null ? 'memberClaim' : 'declaration',
      entityId: String(row.claim_id ?? row.declaration_id),
      before: null,
      after: {
        sampleId: Number(row.id),
        sampledRecords: x.sampledRecords,
        rejectedRecords: x.rejectedRecords,
        sampledAmount: x.sampledAmount.toString(),
        sampledRejected: x.sampledRejected.toString(),
        rate: x.deduction.rate,
        unsampledRecords: x.unsampledRecords,
        base: x.deduction.unsampledAmount.toString(),
        deduction: x.deduction.deduction.toString(),
        calculation: x.deduction.calculation,
        claims: applied,
      },
    });
  }

  async drawForClaim(caller: Caller, claimId: number, size: SampleSize, seed: number | undefined): Promise<SampleView> {
    return this.transactions.run(async (manager) => {
      const claim = await this.claims.find(manager, claimId, true);
      if (!claim) throw notFound('member claim', String(claimId));
      assertClaimReviewer(caller.institution, { id: claimId, institutionCode: claim.institution_code, communityId: claim.community_id });
      assertClaimUnderReview({ id: claimId, state: claim.state });
      const records = await this.samples.claimRecords(manager, claim.institution_id, claim.period);
      return this.draw(manager, caller, { claimId, declarationId: null }, records, size, seed, {
        countyId: Number(claim.county_id),
        fundYear: fundYearOf(claim.period),
      });
    });
  }

  async drawForDeclaration(caller: Caller, declarationId: number, size: SampleSize, seed: number | undefined): Promise<SampleView> {
    return this.transactions.run(async (manager) => {
      const d = await this.samples.declaration(manager, declarationId);
      if (d === undefined) throw notFound('declaration', String(declarationId));
      assertDeclarationUnderReview({ id: declarationId, state: d.state });
      const records = await this.samples.declarationRecords(manager, declarationId);
      return this.draw(manager, caller, { claimId: null, declarationId }, records, size, seed, d);
    });
  }

  async latestOfClaim(claimId: number): Promise<SampleView> {
    const manager = this.samples.manager;
    const row = await this.samples.latest(manager, { claimId });
    if (!row) throw notFound('sample of member claim', String(claimId));
    const claim = (await this.claims.find(manager, claimId, false))!;
    return this.view(manager, row, await this.samples.claimRecords(manager, claim.institution_id, claim.period), {
      countyId: Number(claim.county_id),
      fundYear: fundYearOf(claim.period),
    });
  }

  async latestOfDeclaration(declarationId: number): Promise<SampleView> {
    const manager = this.samples.manager;
    const row = await this.samples.latest(manager, { declarationId });
    if (!row) throw notFound('sample of declaration', String(declarationId));
    return this.view(
      manager,
      row,
      await this.samples.declarationRecords(manager, declarationId),
      (await this.samples.declaration(manager, declarationId))!,
    );
  }

  private async draw(
    manager: Parameters<SampleRepository['insert']>[0],
    caller: Caller,
    subject: { claimId: number | null; declarationId: number | null },
    records: SampleRecordRow[],
    size: SampleSize,
    givenSeed: number | undefined,
    countyYear: { countyId: number; fundYear: number },
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
    const view = await this.view(
      manager,
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
      countyYear,
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

  /**
   * The sample's rejection rate (by amount) and its extrapolation to the records it did not draw
   * and the reviewer did not already reject. Only settlements count: a refund (negative amount)
   * is neither a base for the rate nor for the deduction.
   */
  private extrapolation(row: SampleRow, records: readonly SampleRecordRow[]): SampleExtrapolationFigures {
    const ids = new Set((JSON.parse(row.record_ids) as number[]).map(String));
    const claimSample = row.claim_id !== null;
    const settlements = records.filter((r) => Money.of(r.fund_paid).isPositive());
    const sampled = settlements.filter((r) => ids.has(r.id));
    const rejected = (r: SampleRecordRow) => (claimSample ? r.review_status === 'REJECTED' : r.deduction_reason !== null);
    const amount = (rs: readonly SampleRecordRow[]) => Money.sum(rs.map((r) => Money.of(r.fund_paid)));
    const unsampled = settlements.filter((r) => !ids.has(r.id) && !rejected(r));
    const sampledAmount = amount(sampled);
    const sampledRejected = amount(sampled.filter(rejected));
    return {
      sampledRecords: sampled.length,
      rejectedRecords: sampled.filter(rejected).length,
      sampledAmount,
      sampledRejected,
      undecided: sampled.filter((r) => r.review_status === 'PENDING').length,
      unsampledRecords: unsampled.length,
      deduction: extrapolateRejection({
        sampledAmount,
        sampledRejected,
        unsampled: unsampled.map((r) => ({ id: Number(r.id), amount: Money.of(r.fund_paid) })),
      }),
    };
  }

  private async view(
    manager: EntityManager,
    row: SampleRow,
    records: readonly SampleRecordRow[],
    countyYear: { countyId: number; fundYear: number },
  ): Promise<SampleView> {
    const ids = new Set((JSON.parse(row.record_ids) as number[]).map(String));
    const claimSample = row.claim_id !== null;
    const sampled = records.filter((r) => ids.has(r.id));
    const f = this.extrapolation(row, records);
    const x = f.deduction;
    const made = await this.adjustments.ofSample(manager, Number(row.id));
    const policyApplies = await this.policyApplies(manager, countyYear.countyId, countyYear.fundYear);
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
        sampledAmount: f.sampledAmount.toString(),
        sampledRejected: f.sampledRejected.toString(),
        undecided: f.undecided,
        rate: x.rate,
        unsampledRecords: f.unsampledRecords,
        unsampledAmount: x.unsampledAmount.toString(),
        deduction: x.deduction.toString(),
        calculation: x.calculation,
        sampledRecords: f.sampledRecords,
        rejectedRecords: f.rejectedRecords,
        applied: made.length > 0,
        appliedDeduction: made.length ? Money.sum(made.map((a) => a.amount.negated())).toString() : null,
        policyApplies,
      },
    };
  }
}
