import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ClaimAdjustmentKind } from '../../domain/claim-adjustment';
import { Money } from '../../domain/money';

export interface ClaimAdjustmentRow {
  id: number;
  submitterId: number;
  claimPeriod: string;
  kind: ClaimAdjustmentKind;
  amount: Money;
  source: string;
  fromPeriod: string | null;
  sampleId: number | null;
  calculation: string | null;
  createdBy: string;
}

export interface NewClaimAdjustment {
  submitterId: number;
  claimPeriod: string;
  kind: ClaimAdjustmentKind;
  amount: Money;
  /** What made it (`declaration.7`, `sample.3`): the same source never adjusts a unit twice in the same way. */
  source: string;
  fromPeriod?: string | null;
  sampleId?: number | null;
  calculation?: string | null;
  by: string;
}

type Raw = {
  id: number | string;
  submitter_id: number | string;
  claim_period: string;
  kind: ClaimAdjustmentKind;
  amount: string;
  source: string;
  from_period: string | null;
  sample_id: number | string | null;
  calculation: string | null;
  created_by: string;
};

const row = (r: Raw): ClaimAdjustmentRow => ({
  id: Number(r.id),
  submitterId: Number(r.submitter_id),
  claimPeriod: r.claim_period,
  kind: r.kind,
  amount: Money.of(r.amount),
  source: r.source,
  fromPeriod: r.from_period,
  sampleId: r.sample_id === null ? null : Number(r.sample_id),
  calculation: r.calculation,
  createdBy: r.created_by,
});

/**
 * Claim-level adjustments (carried negative nets, extrapolated deductions), keyed like the records
 * by submitter and claim period, so that they move with a claim that rolls over.
 */
@Injectable()
export class ClaimAdjustmentRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /** Adds an adjustment once: the same submitter, kind and source again is a retry and adds nothing (false). */
  async add(manager: EntityManager, a: NewClaimAdjustment): Promise<boolean> {
    const result = await manager.query(
      `INSERT IGNORE INTO claim_adjustment (submitter_id, claim_period, kind, amount, source, from_period, sample_id, calculation, created_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        a.submitterId,
        a.claimPeriod,
        a.kind,
        a.amount.toString(),
        a.source,
        a.fromPeriod ?? null,
        a.sampleId ?? null,
        a.calculation ?? null,
        a.by,
      ],
    );
    return Number(result.affectedRows) === 1;
  }

  async ofClaim(manager: EntityManager, submitterId: number, period: string): Promise<ClaimAdjustmentRow[]> {
    const rows: Raw[] = await manager.query('SELECT * FROM claim_adjustment WHERE submitter_id = ? AND claim_period = ? ORDER BY id', [
      submitterId,
      period,
    ]);
    return rows.map(row);
  }

  /** The adjustments of every claim of a declaration. */
  async ofDeclaration(manager: EntityManager, declarationId: number): Promise<ClaimAdjustmentRow[]> {
    const rows: Raw[] = await manager.query(
      `SELECT a.* FROM claim_adjustment a JOIN member_claim c ON c.institution_id = a.submitter_id AND c.period = a.claim_period
        WHERE c.declaration_id = ? ORDER BY a.id`,
      [declarationId],
    );
    return rows.map(row);
  }

  /** The adjustments a sample made. */
  async ofSample(manager: EntityManager, sampleId: number): Promise<ClaimAdjustmentRow[]> {
    const rows: Raw[] = await manager.query('SELECT * FROM claim_adjustment WHERE sample_id = ? ORDER BY id', [sampleId]);
    return rows.map(row);
  }

  /** A unit's claims after a period (any fund year), with their states: where a carried negative net may go. */
  async laterClaims(manager: EntityManager, institutionId: number, period: string): Promise<{ period: string; state: string }[]> {
    return manager.query('SELECT period, state FROM member_claim WHERE institution_id = ? AND period > ? ORDER BY period FOR UPDATE', [
      institutionId,
      period,
    ]);
  }
}
