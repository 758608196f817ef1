import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ChainStatus } from '../../domain/approval-chain';

export type DisputeRow = {
  id: number;
  chain_id: number;
  kind: 'DISPUTE' | 'PERIODIC_REVIEW';
  county_id: number;
  community_id: number;
  community_code: string;
  filed_by_institution_id: number;
  filed_by_code: string;
  subject_type: string;
  subject_ref: string;
  description: string;
  attachments: string;
  created_by: string;
  created_at: Date;
  findings: string | null;
  rectifying_unit_id: number | null;
  rectifying_unit_code: string | null;
  rectification_deadline: string | null;
  rectification_note: string | null;
  rectification_evidence: string | null;
  overdue_on: string | null;
  hold_id: number | null;
};

export interface NewDispute {
  chainId: number;
  kind: 'DISPUTE' | 'PERIODIC_REVIEW';
  countyId: number;
  communityId: number;
  filedByInstitutionId: number;
  subjectType: string;
  subjectRef: string;
  description: string;
  attachments: string;
  createdBy: string;
}

const SELECT = `SELECT d.id, d.chain_id, d.kind, d.county_id, d.community_id, m.code AS community_code, d.filed_by_institution_id, f.code AS filed_by_code,
       d.subject_type, d.subject_ref, d.description, d.attachments, d.created_by, d.created_at, d.findings, d.rectifying_unit_id,
       r.code AS rectifying_unit_code, DATE_FORMAT(d.rectification_deadline, '%Y-%m-%d') AS rectification_deadline, d.rectification_note,
       d.rectification_evidence, DATE_FORMAT(d.overdue_on, '%Y-%m-%d') AS overdue_on, d.hold_id
  FROM dispute d JOIN medical_community m ON m.id = d.community_id JOIN institution f ON f.id = d.filed_by_institution_id
  LEFT JOIN institution r ON r.id = d.rectifying_unit_id`;

/** Disputes (评审) and periodic reviews (定期评审) of a community, with the committee's opinion and the rectification. */
@Injectable()
export class DisputeRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  async insert(manager: EntityManager, d: NewDispute): Promise<number> {
    const result = await manager.query(
      `INSERT INTO dispute (chain_id, kind, county_id, community_id, filed_by_institution_id, subject_type, subject_ref, description, attachments, created_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        d.chainId,
        d.kind,
        d.countyId,
        d.communityId,
        d.filedByInstitutionId,
        d.subjectType,
        d.subjectRef,
        d.description,
        d.attachments,
        d.createdBy,
      ],
    );
    return Number(result.insertId);
  }

  async find(manager: EntityManager, id: number, lock = false): Promise<DisputeRow | undefined> {
    const [row]: DisputeRow[] = await manager.query(`${SELECT} WHERE d.id = ?${lock ? ' FOR UPDATE' : ''}`, [id]);
    return row;
  }

  async setOpinion(manager: EntityManager, id: number, o: { findings: string; unitId: number; deadline: string }): Promise<void> {
    await manager.query(
      'UPDATE dispute SET findings = ?, rectifying_unit_id = ?, rectification_deadline = ?, overdue_on = NULL WHERE id = ?',
      [o.findings, o.unitId, o.deadline, id],
    );
  }

  async setFindings(manager: EntityManager, id: number, findings: string): Promise<void> {
    await manager.query('UPDATE dispute SET findings = ? WHERE id = ?', [findings, id]);
  }

  async setRectification(manager: EntityManager, id: number, note: string, evidence: string): Promise<void> {
    await manager.query('UPDATE dispute SET rectification_note = ?, rectification_evidence = ? WHERE id = ?', [note, evidence, id]);
  }

  /** A reopened rectification may get a new deadline; its overdue mark is cleared so the watch looks again. */
  async setDeadline(manager: EntityManager, id: number, deadline: string): Promise<void> {
    await manager.query('UPDATE dispute SET rectification_deadline = ?, overdue_on = NULL WHERE id = ?', [deadline, id]);
  }

  async markOverdue(manager: EntityManager, id: number, today: string, holdId: number | null): Promise<void> {
    await manager.query('UPDATE dispute SET overdue_on = ?, hold_id = COALESCE(?, hold_id) WHERE id = ?', [today, holdId, id]);
  }

  /**
   * A county's disputes in review that the watch has not yet found overdue, with the stage their
   * chain is at, locked: two watches at once act once. Which of them are overdue is policy's call.
   */
  async unwatchedInReview(manager: EntityManager, countyId: number): Promise<(DisputeRow & { stage: number })[]> {
    return manager.query(
      `${SELECT.replace('SELECT d.id,', 'SELECT g.stage, d.id,')} JOIN governance_chain g ON g.id = d.chain_id
        WHERE d.county_id = ? AND g.status = 'IN_REVIEW' AND d.rectification_deadline IS NOT NULL AND d.overdue_on IS NULL
        ORDER BY d.id FOR UPDATE`,
      [countyId],
    );
  }

  /** A community's disputes and reviews, newest first, one page; `involving` limits them to those a unit filed or must rectify. */
  async page(
    communityId: number,
    filter: { status?: ChainStatus; involving?: readonly number[] },
    page: number,
    pageSize: number,
  ): Promise<{ ids: number[]; total: number }> {
    const where = ['d.community_id = ?'];
    const args: unknown[] = [communityId];
    if (filter.status !== undefined) {
      where.push('g.status = ?');
      args.push(filter.status);
    }
    if (filter.involving !== undefined) {
      const ids = filter.involving.length ? filter.involving : [0];
      const list = ids.map(() => '?').join(', ');
      where.push(`(d.filed_by_institution_id IN (${list}) OR d.rectifying_unit_id IN (${list}))`);
      args.push(...ids, ...ids);
    }
    const from = `FROM dispute d JOIN governance_chain g ON g.id = d.chain_id WHERE ${where.join(' AND ')}`;
    const [{ total }]: { total: string }[] = await this.dataSource.query(`SELECT COUNT(*) AS total ${from}`, args);
    const rows: { id: number }[] = await this.dataSource.query(`SELECT d.id ${from} ORDER BY d.id DESC LIMIT ? OFFSET ?`, [
      ...args,
      pageSize,
      (page - 1) * pageSize,
    ]);
    return { ids: rows.map((r) => r.id), total: Number(total) };
  }

  /** The units of a township scope: the township and its village clinics. */
  async townshipUnits(townshipId: number): Promise<number[]> {
    const rows: { id: number }[] = await this.dataSource.query('SELECT id FROM institution WHERE id = ? OR parent_id = ?', [
      townshipId,
      townshipId,
    ]);
    return rows.map((r) => r.id);
  }
}
