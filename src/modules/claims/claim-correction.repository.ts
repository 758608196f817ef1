import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ClaimTotals } from './settlement-record.repository';

export type ClaimVersionEvent = 'SUBMITTED' | 'RETURNED' | 'RESUBMITTED';

/** A reason the reviewer gave for returning a claim: a reason code, a note, and optionally the record it concerns. */
export interface ReturnReason {
  reason: string;
  note: string | null;
  recordId: string | null;
}

/** One kept version of a claim: what it carried when submitted, returned or resubmitted. */
export interface ClaimVersionView {
  seq: number;
  event: ClaimVersionEvent;
  actedOn: string;
  actedBy: string;
  reasons: ReturnReason[];
  totals: ClaimTotals;
  records: { id: string; externalId: string; fundPaid: string; reviewStatus: string; reviewReason: string | null }[];
}

/** A record the unit withdrew from a returned claim, kept as it was. */
export interface WithdrawnRecordView {
  recordId: string;
  externalId: string;
  fundPaid: string;
  withdrawnOn: string;
  withdrawnBy: string;
}

/** The kept versions of claims (退回补正) and the records withdrawn from them. */
@Injectable()
export class ClaimCorrectionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Keeps the claim as it stands now (its records and totals) as its next version. */
  async keepVersion(
    manager: EntityManager,
    claim: { id: number; institution_id: number; period: string },
    event: ClaimVersionEvent,
    by: string,
    on: string,
    reasons: readonly ReturnReason[],
    totals: ClaimTotals,
  ): Promise<void> {
    const records: Record<string, unknown>[] = await manager.query(
      `SELECT CAST(id AS CHAR) AS id, external_id AS externalId, CAST(fund_paid AS CHAR) AS fundPaid, review_status AS reviewStatus,
              review_reason AS reviewReason
         FROM settlement_record WHERE submitter_id = ? AND claim_period = ? ORDER BY id`,
      [claim.institution_id, claim.period],
    );
    await manager.query(
      `INSERT INTO member_claim_version (claim_id, seq, event, acted_on, acted_by, reasons, totals, records)
       SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ?, ? FROM member_claim_version WHERE claim_id = ?`,
      [claim.id, event, on, by, JSON.stringify(reasons), JSON.stringify(totals), JSON.stringify(records), claim.id],
    );
  }

  async versions(claimId: number): Promise<ClaimVersionView[]> {
    const rows: {
      seq: number;
      event: ClaimVersionEvent;
      acted_on: string;
      acted_by: string;
      reasons: string;
      totals: string;
      records: string;
    }[] = await this.dataSource.query(
      `SELECT seq, event, DATE_FORMAT(acted_on, '%Y-%m-%d') AS acted_on, acted_by, reasons, totals, records
           FROM member_claim_version WHERE claim_id = ? ORDER BY seq`,
      [claimId],
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      event: r.event,
      actedOn: r.acted_on,
      actedBy: r.acted_by,
      reasons: JSON.parse(r.reasons ?? '[]') as ReturnReason[],
      totals: JSON.parse(r.totals) as ClaimTotals,
      records: JSON.parse(r.records) as ClaimVersionView['records'],
    }));
  }

  /**
   * Withdraws records from a returned claim: each is kept as it was (every column) and then
   * removed, so the unit may upload its corrected version under the same settlement id.
   * Returns how many were withdrawn; ids outside the claim are left to the caller to refuse.
   */
  async withdraw(
    manager: EntityManager,
    claim: { id: number; institution_id: number; period: string },
    recordIds: readonly string[],
    by: string,
    on: string,
  ): Promise<number> {
    if (recordIds.length === 0) return 0;
    const marks = recordIds.map(() => '?').join(', ');
    const rows: Record<string, unknown>[] = await manager.query(
      `SELECT * FROM settlement_record WHERE submitter_id = ? AND claim_period = ? AND id IN (${marks}) FOR UPDATE`,
      [claim.institution_id, claim.period, ...recordIds],
    );
    for (const r of rows) {
      await manager.query(
        `INSERT INTO withdrawn_settlement_record (claim_id, record_id, external_id, fund_paid, content, withdrawn_on, withdrawn_by)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [claim.id, r.id, r.external_id, r.fund_paid, JSON.stringify(r), on, by],
      );
    }
    if (rows.length) {
      await manager.query(
        `DELETE FROM settlement_record WHERE id IN (${rows.map(() => '?').join(', ')})`,
        rows.map((r) => r.id),
      );
    }
    return rows.length;
  }

  async withdrawn(claimId: number): Promise<WithdrawnRecordView[]> {
    const rows: { record_id: string; external_id: string; fund_paid: string; withdrawn_on: string; withdrawn_by: string }[] =
      await this.dataSource.query(
        `SELECT CAST(record_id AS CHAR) AS record_id, external_id, CAST(fund_paid AS CHAR) AS fund_paid,
                DATE_FORMAT(withdrawn_on, '%Y-%m-%d') AS withdrawn_on, withdrawn_by
           FROM withdrawn_settlement_record WHERE claim_id = ? ORDER BY id`,
        [claimId],
      );
    return rows.map((r) => ({
      recordId: r.record_id,
      externalId: r.external_id,
      fundPaid: r.fund_paid,
      withdrawnOn: r.withdrawn_on,
      withdrawnBy: r.withdrawn_by,
    }));
  }
}
