import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { NationalCode, NationalCodeKind } from '../../domain/national-settlement';
import { AMOUNT_FIELDS, SettlementRecordInput, VisitType } from '../../domain/settlement-record';
import { Amounts, OriginalSettlement } from '../../domain/settlement-refund';
import { Money } from '../../domain/money';

const COLUMN: Record<(typeof AMOUNT_FIELDS)[number], string> = {
  totalCost: 'total_cost',
  coveredCost: 'covered_cost',
  fundPaid: 'fund_paid',
  criticalIllnessPaid: 'critical_illness_paid',
  medicalAidPaid: 'medical_aid_paid',
  selfPaid: 'self_paid',
};

const CHUNK = 1000;
const fen = (text: string | null): bigint => (text === null ? 0n : Money.of(text).toCents());

export interface OrphanRow {
  id: number;
  submitterId: number;
  submitterCode: string;
  externalId: string;
  refundOf: string;
  unitCode: string;
  settlementDate: string;
  fundPaid: string;
  totalCost: string;
  state: 'WAITING' | 'APPLIED' | 'DROPPED';
  receivedBy: string;
  decidedBy: string | null;
  decisionReason: string | null;
  createdAt: string;
  decidedAt: string | null;
  communityId: number | null;
  countyId: number;
}

/** The national extract's code tables, the county units' national codes, refunds' originals and orphans. */
@Injectable()
export class NationalIntakeRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async codes(): Promise<NationalCode[]> {
    const rows: { kind: NationalCodeKind; code: string; name: string; counts: number; visit_type: VisitType | null }[] =
      await this.dataSource.query('SELECT kind, code, name, counts, visit_type FROM national_code ORDER BY kind, code');
    return rows.map((r) => ({ kind: r.kind, code: r.code, name: r.name, counts: r.counts === 1, visitType: r.visit_type }));
  }

  async code(kind: string, code: string): Promise<NationalCode | undefined> {
    return (await this.codes()).find((c) => c.kind === kind && c.code === code);
  }

  async saveCode(manager: EntityManager, c: NationalCode, by: string): Promise<void> {
    await manager.query(
      `INSERT INTO national_code (kind, code, name, counts, visit_type, updated_by) VALUES (?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE name = VALUES(name), counts = VALUES(counts), visit_type = VALUES(visit_type), updated_by = VALUES(updated_by)`,
      [c.kind, c.code, c.name, c.counts ? 1 : 0, c.visitType, by],
    );
  }

  async deleteCode(manager: EntityManager, kind: string, code: string): Promise<void> {
    await manager.query('DELETE FROM national_code WHERE kind = ? AND code = ?', [kind, code]);
  }

  /** The county's active units by their national code (fixmedins_code). */
  async unitsByNationalCode(countyId: number): Promise<Map<string, string>> {
    const rows: { national_code: string; code: string }[] = await this.dataSource.query(
      'SELECT national_code, code FROM institution WHERE county_id = ? AND national_code IS NOT NULL AND active = 1',
      [countyId],
    );
    return new Map(rows.map((r) => [r.national_code, r.code]));
  }

  /** Stored originals of refunds, by external id, with the refunds already stored against each. */
  async originals(manager: EntityManager, submitterId: number, externalIds: readonly string[]): Promise<Map<string, OriginalSettlement>> {
    const out = new Map<string, OriginalSettlement>();
    for (let start = 0; start < externalIds.length; start += CHUNK)
      for (const [id, o] of await this.originalsChunk(manager, submitterId, externalIds.slice(start, start + CHUNK))) out.set(id, o);
    return out;
  }

  private async originalsChunk(
    manager: EntityManager,
    submitterId: number,
    externalIds: readonly string[],
  ): Promise<Map<string, OriginalSettlement>> {
    const out = new Map<string, OriginalSettlement>();
    const cols = AMOUNT_FIELDS.map((f) => `r.${COLUMN[f]}`).join(', ');
    const refundCols = AMOUNT_FIELDS.map(
      (f) =>
        `(SELECT SUM(x.${COLUMN[f]}) FROM settlement_record x WHERE x.submitter_id = r.submitter_id AND x.refund_of = r.external_id) AS refunded_${COLUMN[f]}`,
    ).join(', ');
    const rows: Record<string, string | null>[] = await manager.query(
      `SELECT r.external_id, i.code AS unit_code, r.claim_period, ${cols}, ${refundCols}
         FROM settlement_record r JOIN institution i ON i.id = r.unit_id
        WHERE r.submitter_id = ? AND r.external_id IN (${externalIds.map(() => '?').join(', ')})`,
      [submitterId, ...externalIds],
    );
    for (const r of rows) {
      const amounts = Object.fromEntries(AMOUNT_FIELDS.map((f) => [f, fen(r[COLUMN[f]])])) as Amounts;
      const refunded = Object.fromEntries(AMOUNT_FIELDS.map((f) => [f, fen(r[`refunded_${COLUMN[f]}`])])) as Amounts;
      out.set(r.external_id!, { unitCode: r.unit_code!, claimPeriod: r.claim_period!, amounts, refunded });
    }
    return out;
  }

  /** Keeps a refund whose original has not arrived; a re-sent orphan is left as it is. */
  async holdOrphan(
    manager: EntityManager,
    o: {
      submitterId: number;
      externalId: string;
      refundOf: string;
      unitCode: string;
      settlementDate: string;
      fundPaid: string;
      totalCost: string;
      record: SettlementRecordInput;
      by: string;
    },
  ): Promise<boolean> {
    const result: { affectedRows: number } = await manager.query(
      `INSERT IGNORE INTO refund_orphan (submitter_id, external_id, refund_of, unit_code, settlement_date, fund_paid, total_cost, record, received_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [o.submitterId, o.externalId, o.refundOf, o.unitCode, o.settlementDate, o.fundPaid, o.totalCost, JSON.stringify(o.record), o.by],
    );
    return result.affectedRows === 1;
  }

  /** Waiting orphans of a submitter whose originals are among `externalIds`. */
  async waitingFor(submitterId: number, externalIds: readonly string[]): Promise<{ id: number; record: SettlementRecordInput }[]> {
    if (externalIds.length === 0) return [];
    // Most submitters have no refund waiting: one indexed look before matching a large batch.
    const waiting: { refund_of: string }[] = await this.dataSource.query(
      "SELECT DISTINCT refund_of FROM refund_orphan WHERE submitter_id = ? AND state = 'WAITING'",
      [submitterId],
    );
    if (waiting.length === 0) return [];
    const stored = new Set(externalIds);
    const wanted = waiting.map((w) => w.refund_of).filter((id) => stored.has(id));
    const out: { id: number; record: SettlementRecordInput }[] = [];
    for (let start = 0; start < wanted.length; start += CHUNK) {
      const chunk = wanted.slice(start, start + CHUNK);
      const rows: { id: number; record: string }[] = await this.dataSource.query(
        `SELECT id, record FROM refund_orphan WHERE submitter_id = ? AND state = 'WAITING' AND refund_of IN (${chunk.map(() => '?').join(', ')}) ORDER BY id`,
        [submitterId, ...chunk],
      );
      out.push(...rows.map((r) => ({ id: r.id, record: JSON.parse(r.record) as SettlementRecordInput })));
    }
    return out.sort((a, b) => a.id - b.id);
  }

  async decide(manager: EntityManager, id: number, state: 'APPLIED' | 'DROPPED', by: string, reason: string | null): Promise<boolean> {
    const result: { affectedRows: number } = await manager.query(
      `UPDATE refund_orphan SET state = ?, decided_by = ?, decision_reason = ?, decided_at = CURRENT_TIMESTAMP(3) WHERE id = ? AND state = 'WAITING'`,
      [state, by, reason, id],
    );
    return result.affectedRows === 1;
  }

  async orphans(where: {
    countyId?: number | readonly number[];
    communityId?: number;
    submitterId?: number;
    state?: string;
  }): Promise<OrphanRow[]> {
    const cond: string[] = [];
    const params: unknown[] = [];
    if (where.countyId !== undefined) {
      const ids = typeof where.countyId === 'number' ? [where.countyId] : where.countyId.length ? where.countyId : [0];
      cond.push(`i.county_id IN (${ids.map(() => '?').join(', ')})`);
      params.push(...ids);
    }
    if (where.communityId !== undefined) {
      cond.push('i.community_id = ?');
      params.push(where.communityId);
    }
    if (where.submitterId !== undefined) {
      cond.push('o.submitter_id = ?');
      params.push(where.submitterId);
    }
    if (where.state !== undefined) {
      cond.push('o.state = ?');
      params.push(where.state);
    }
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT o.*, i.code AS submitter_code, i.community_id, i.county_id FROM refund_orphan o JOIN institution i ON i.id = o.submitter_id
        ${cond.length ? `WHERE ${cond.join(' AND ')}` : ''} ORDER BY o.id`,
      params,
    );
    return rows.map((r) => ({
      id: Number(r.id),
      submitterId: Number(r.submitter_id),
      submitterCode: String(r.submitter_code),
      externalId: String(r.external_id),
      refundOf: String(r.refund_of),
      unitCode: String(r.unit_code),
      settlementDate:
        r.settlement_date instanceof Date ? r.settlement_date.toISOString().slice(0, 10) : String(r.settlement_date).slice(0, 10),
      fundPaid: Money.of(String(r.fund_paid)).toString(),
      totalCost: Money.of(String(r.total_cost)).toString(),
      state: r.state as OrphanRow['state'],
      receivedBy: String(r.received_by),
      decidedBy: (r.decided_by as string | null) ?? null,
      decisionReason: (r.decision_reason as string | null) ?? null,
      createdAt: new Date(r.created_at as string).toISOString(),
      decidedAt: r.decided_at ? new Date(r.decided_at as string).toISOString() : null,
      communityId: (r.community_id as number | null) ?? null,
      countyId: Number(r.county_id),
    }));
  }
}
