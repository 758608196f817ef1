import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ChainHistoryEntry, ChainState, ChainStatus } from '../../domain/approval-chain';

type ChainRow = {
  id: number;
  kind: string;
  county_id: number;
  status: ChainStatus;
  stage: number;
  approved_steps: string;
  resume_stage: number;
  applicant_id: number | null;
  assigned_unit_id: number | null;
  stage_opened_on: string | null;
  version: number;
};

type StepRow = {
  seq: number;
  action: ChainHistoryEntry['action'];
  step: string | null;
  user_id: number;
  username: string;
  institution_id: number;
  acted_at: Date;
  comment: string | null;
};

export interface StoredChain {
  id: number;
  kind: string;
  countyId: number;
  version: number;
  state: ChainState;
}

/** Approval chains (SPEC §9): each chain's state on one row, every step taken in order beside it. */
@Injectable()
export class GovernanceChainRepository {
  async insert(manager: EntityManager, kind: string, countyId: number, state: ChainState): Promise<number> {
    const result = await manager.query(
      `INSERT INTO governance_chain (kind, county_id, status, stage, approved_steps, resume_stage, applicant_id, assigned_unit_id, stage_opened_on)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [kind, countyId, ...stateColumns(state)],
    );
    return Number(result.insertId);
  }

  async find(manager: EntityManager, id: number, lock = false): Promise<StoredChain | undefined> {
    const [row]: ChainRow[] = await manager.query(
      `SELECT id, kind, county_id, status, stage, approved_steps, resume_stage, applicant_id, assigned_unit_id,
              DATE_FORMAT(stage_opened_on, '%Y-%m-%d') AS stage_opened_on, version
         FROM governance_chain WHERE id = ?${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    if (!row) return undefined;
    const steps: StepRow[] = await manager.query(
      'SELECT seq, action, step, user_id, username, institution_id, acted_at, comment FROM governance_chain_step WHERE chain_id = ? ORDER BY seq',
      [id],
    );
    return {
      id: row.id,
      kind: row.kind,
      countyId: row.county_id,
      version: row.version,
      state: {
        status: row.status,
        stage: row.stage,
        approved: row.approved_steps ? row.approved_steps.split(',') : [],
        resumeStage: row.resume_stage,
        applicantId: row.applicant_id,
        assignedUnitId: row.assigned_unit_id,
        stageOpenedOn: row.stage_opened_on,
        history: steps.map((s) => ({
          action: s.action,
          step: s.step,
          userId: s.user_id,
          username: s.username,
          institutionId: s.institution_id,
          at: s.acted_at.toISOString(),
          comment: s.comment,
        })),
      },
    };
  }

  /** Saves the chain's new state and the history entries it gained, bumping the version. */
  async save(manager: EntityManager, chain: StoredChain, next: ChainState): Promise<void> {
    await manager.query(
      `UPDATE governance_chain SET status = ?, stage = ?, approved_steps = ?, resume_stage = ?, applicant_id = ?, assigned_unit_id = ?,
              stage_opened_on = ?, version = version + 1 WHERE id = ?`,
      [...stateColumns(next), chain.id],
    );
    const added = next.history.slice(chain.state.history.length);
    for (const [i, h] of added.entries())
      await manager.query(
        `INSERT INTO governance_chain_step (chain_id, seq, action, step, user_id, username, institution_id, acted_at, comment)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [chain.id, chain.state.history.length + i + 1, h.action, h.step, h.userId, h.username, h.institutionId, new Date(h.at), h.comment],
      );
  }

  /**
   * The chains of a county that may wait for someone now (in review, sent back, approved and not
   * yet executed), with the document each belongs to.
   */
  async openInCounty(
    manager: EntityManager,
    countyId: number,
  ): Promise<
    {
      chainId: number;
      kind: string;
      reserveUseId: number | null;
      amount: string | null;
      disputeId: number | null;
      referralId: number | null;
      surplusPlanId: number | null;
    }[]
  > {
    const rows: {
      id: number;
      kind: string;
      reserve_id: number | null;
      amount: string | null;
      dispute_id: number | null;
      referral_id: number | null;
      surplus_plan_id: number | null;
      surplus: string | null;
    }[] = await manager.query(
      `SELECT g.id, g.kind, r.id AS reserve_id, r.amount, d.id AS dispute_id, f.id AS referral_id, s.id AS surplus_plan_id, s.surplus
           FROM governance_chain g
           LEFT JOIN reserve_use r ON r.chain_id = g.id LEFT JOIN dispute d ON d.chain_id = g.id LEFT JOIN referral f ON f.chain_id = g.id
           LEFT JOIN surplus_plan s ON s.chain_id = g.id
          WHERE g.county_id = ? AND g.status IN ('IN_REVIEW', 'RETURNED', 'APPROVED') ORDER BY g.id`,
      [countyId],
    );
    return rows.map((r) => ({
      chainId: r.id,
      kind: r.kind,
      reserveUseId: r.reserve_id,
      amount: r.amount ?? r.surplus,
      disputeId: r.dispute_id,
      referralId: r.referral_id,
      surplusPlanId: r.surplus_plan_id,
    }));
  }
}

function stateColumns(s: ChainState): unknown[] {
  return [s.status, s.stage, s.approved.join(','), s.resumeStage, s.applicantId, s.assignedUnitId, s.stageOpenedOn];
}
