import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ClaimAdjustmentKind } from '../../domain/claim-adjustment';

export type StatementDeclarationRow = {
  id: number;
  community_id: number;
  community_code: string;
  county_id: number;
  period: string;
  state: string;
  declared_on: string;
  approved_at: string | null;
  disbursed_on: string | null;
  disbursement_ref: string | null;
  claimed: string;
  rejected: string;
  accepted: string;
  deducted: string;
  adjusted: string;
  approved: string;
  funded: string;
  deposit: string;
  advance_offset: string;
  cash: string;
};

export type StatementClaimRow = {
  claim_id: number;
  institution_id: number;
  code: string;
  name: string;
  submitted_on: string | null;
  reviewed_on: string | null;
  declared_on: string | null;
  funded_on: string | null;
  passed_down_on: string | null;
};

export type StatementGroupRow = {
  claim_id: number;
  review_status: string;
  review_reason: string | null;
  deduction_reason: string | null;
  records: number | string;
  amount: string;
};

export type StatementAdjustmentRow = {
  claim_id: number;
  id: number;
  kind: ClaimAdjustmentKind;
  amount: string;
  source: string;
  from_period: string | null;
  sample_id: number | null;
  calculation: string | null;
};

export type StatementRuleHitRow = {
  claim_id: number;
  status: string;
  hits: number | string;
  deduction: string;
};

export type StatementPassDownRow = {
  id: number;
  payee_id: number;
  amount: string;
  state: string;
  paid_on: string | null;
  deadline: string;
};

export type StatementTransferRow = {
  id: string;
  amount: string;
  memo: string;
  reference_type: string;
  reference_id: string;
  posted_at: string;
};

export type StatementResponseRow = {
  institution_id: number;
  response: 'CONFIRMED' | 'DISPUTED';
  figures: string;
  note: string | null;
  dispute_id: number | null;
  responded_on: string;
  responded_by: string;
};

const DAY = (col: string) => `DATE_FORMAT(${col}, '%Y-%m-%d')`;

/** What the monthly statements per unit (结算单) are read from: the declaration, its claims' records, its pass-downs and ledger transfers. */
@Injectable()
export class StatementRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  async declaration(manager: EntityManager, id: number): Promise<StatementDeclarationRow | undefined> {
    const [row]: StatementDeclarationRow[] = await manager.query(
      `SELECT d.id, d.community_id, m.code AS community_code, d.county_id, d.period, d.state, ${DAY('d.declared_on')} AS declared_on,
              ${DAY('d.approved_at')} AS approved_at, ${DAY('d.disbursed_on')} AS disbursed_on, d.disbursement_ref,
              d.claimed, d.rejected, d.accepted, d.deducted, d.adjusted, d.approved, d.funded, d.deposit, d.advance_offset, d.cash
         FROM claim_declaration d JOIN medical_community m ON m.id = d.community_id WHERE d.id = ?`,
      [id],
    );
    return row;
  }

  claims(manager: EntityManager, declarationId: number): Promise<StatementClaimRow[]> {
    return manager.query(
      `SELECT c.id AS claim_id, c.institution_id, i.code, i.name, ${DAY('c.submitted_on')} AS submitted_on, ${DAY('c.reviewed_on')} AS reviewed_on,
              ${DAY('c.declared_on')} AS declared_on, ${DAY('c.funded_on')} AS funded_on, ${DAY('c.passed_down_on')} AS passed_down_on
         FROM member_claim c JOIN institution i ON i.id = c.institution_id WHERE c.declaration_id = ? ORDER BY i.code`,
      [declarationId],
    );
  }

  groups(manager: EntityManager, declarationId: number): Promise<StatementGroupRow[]> {
    return manager.query(
      `SELECT c.id AS claim_id, r.review_status, r.review_reason, r.deduction_reason, COUNT(*) AS records, SUM(r.fund_paid) AS amount
         FROM settlement_record r JOIN member_claim c ON c.institution_id = r.submitter_id AND c.period = r.claim_period
        WHERE c.declaration_id = ?
        GROUP BY c.id, r.review_status, r.review_reason, r.deduction_reason`,
      [declarationId],
    );
  }

  /** The adjustments of the declaration's claims (carried negative nets, extrapolated deductions). */
  adjustments(manager: EntityManager, declarationId: number): Promise<StatementAdjustmentRow[]> {
    return manager.query(
      `SELECT c.id AS claim_id, a.id, a.kind, a.amount, a.source, a.from_period, a.sample_id, a.calculation
         FROM claim_adjustment a JOIN member_claim c ON c.institution_id = a.submitter_id AND c.period = a.claim_period
        WHERE c.declaration_id = ? ORDER BY a.id`,
      [declarationId],
    );
  }

  /** The rule hits (智能审核) on the records of the declaration's claims, by claim and the lead's decision. */
  ruleHits(manager: EntityManager, declarationId: number): Promise<StatementRuleHitRow[]> {
    return manager.query(
      `SELECT c.id AS claim_id, h.status, COUNT(*) AS hits, SUM(h.deduction) AS deduction
         FROM review_hit h JOIN settlement_record r ON r.id = h.record_id
         JOIN member_claim c ON c.institution_id = r.submitter_id AND c.period = r.claim_period
        WHERE c.declaration_id = ?
        GROUP BY c.id, h.status`,
      [declarationId],
    );
  }

  passDowns(manager: EntityManager, declarationId: number): Promise<StatementPassDownRow[]> {
    return manager.query(
      `SELECT id, payee_id, amount, state, ${DAY('paid_on')} AS paid_on, ${DAY('deadline')} AS deadline
         FROM pass_down WHERE declaration_id = ? AND level = 'MEMBER'`,
      [declarationId],
    );
  }

  /** The ledger transfers of the declaration (approval, disbursement) and of its member pass-downs. */
  transfers(manager: EntityManager, declarationId: number, passDownIds: readonly number[]): Promise<StatementTransferRow[]> {
    const ids = passDownIds.map(String);
    return manager.query(
      `SELECT id, amount, memo, reference_type, reference_id, DATE_FORMAT(posted_at, '%Y-%m-%d %H:%i:%s') AS posted_at
         FROM ledger_transfer
        WHERE (reference_type = 'declaration' AND reference_id = ?)
           ${ids.length ? `OR (reference_type = 'passDown' AND reference_id IN (${ids.map(() => '?').join(', ')}))` : ''}
        ORDER BY posted_at, id`,
      [String(declarationId), ...ids],
    );
  }

  /** Each unit's latest answer to its statement. */
  responses(manager: EntityManager, declarationId: number): Promise<StatementResponseRow[]> {
    return manager.query(
      `SELECT s.institution_id, s.response, s.figures, s.note, s.dispute_id, ${DAY('s.responded_on')} AS responded_on, s.responded_by
         FROM unit_statement_response s
        WHERE s.declaration_id = ? AND s.id = (SELECT MAX(x.id) FROM unit_statement_response x WHERE x.declaration_id = s.declaration_id AND x.institution_id = s.institution_id)`,
      [declarationId],
    );
  }

  async respond(
    manager: EntityManager,
    r: {
      declarationId: number;
      institutionId: number;
      response: 'CONFIRMED' | 'DISPUTED';
      figures: string;
      note: string | null;
      disputeId: number | null;
      on: string;
      by: string;
    },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO unit_statement_response (declaration_id, institution_id, response, figures, note, dispute_id, responded_on, responded_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [r.declarationId, r.institutionId, r.response, r.figures, r.note, r.disputeId, r.on, r.by],
    );
  }

  /** A dispute (争议) as the statement links it: its filer and subject. */
  async dispute(
    manager: EntityManager,
    id: number,
  ): Promise<{ id: number; filed_by_institution_id: number; subject_type: string } | undefined> {
    const [row]: { id: number; filed_by_institution_id: number; subject_type: string }[] = await manager.query(
      'SELECT id, filed_by_institution_id, subject_type FROM dispute WHERE id = ?',
      [id],
    );
    return row;
  }

  /** The declaration a claim went into, if any. */
  async declarationOfClaim(id: number): Promise<{ declaration_id: number | null; institution_id: number } | undefined> {
    const [row]: { declaration_id: number | null; institution_id: number }[] = await this.dataSource.query(
      'SELECT declaration_id, institution_id FROM member_claim WHERE id = ?',
      [id],
    );
    return row;
  }
}
