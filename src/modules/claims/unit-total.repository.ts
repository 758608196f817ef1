import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { FUNDED_DECLARATION_STATES, fundYearOf } from '../../domain/claim-cycle';
import { Money } from '../../domain/money';
import { UnitClaimTotal, unitFigures, UnitTotalState } from '../../domain/unit-totals';
import { sqlList } from './settlement-record.repository';

/** One care unit's records in one claim, as one aggregate over alias `r`, by review outcome. */
const UNIT_FIGURES_SQL = `COUNT(*) AS records, SUM(r.fund_paid) AS claimed,
  COALESCE(SUM(CASE WHEN r.review_status = 'PENDING' THEN r.fund_paid END), 0) AS pending,
  COALESCE(SUM(CASE WHEN r.review_status = 'ACCEPTED' THEN r.fund_paid END), 0) AS accepted,
  COALESCE(SUM(CASE WHEN r.review_status = 'REJECTED' THEN r.fund_paid END), 0) AS rejected,
  COALESCE(SUM(CASE WHEN r.review_status = 'ACCEPTED' AND r.deduction_reason IS NOT NULL THEN r.fund_paid END), 0) AS deducted`;

type FiguresRow = {
  claim_id: number | string;
  unit_id: number | string;
  state: UnitTotalState;
  records: number | string;
  claimed: string;
  pending: string;
  accepted: string;
  rejected: string;
  deducted: string;
};

function totalOf(r: FiguresRow): UnitClaimTotal {
  return {
    claimId: Number(r.claim_id),
    unitId: Number(r.unit_id),
    state: r.state,
    ...unitFigures({
      records: Number(r.records),
      claimed: Money.of(r.claimed),
      pending: Money.of(r.pending),
      accepted: Money.of(r.accepted),
      rejected: Money.of(r.rejected),
      deducted: Money.of(r.deducted),
    }),
  };
}

const TOTAL_COLUMNS = 't.claim_id, t.unit_id, t.state, t.records, t.claimed, t.pending, t.accepted, t.rejected, t.deducted';

/**
 * Per care unit and claim totals (unit_period_total): kept from the records in the transaction
 * that declares a claim, deducts from it or approves it (a private claim: settles it), so that
 * the claim cycle and the year end read units × periods rows instead of the records. A claim's
 * records are those of its submitter with its claim period.
 */
@Injectable()
export class UnitTotalRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /**
   * Recomputes the named claims' totals from their records in one aggregate grouped by submitter
   * and care unit, and keeps them (a unit no longer among the records loses its row). Returns them.
   */
  async keepClaimTotals(manager: EntityManager, claimIds: readonly number[], state: UnitTotalState): Promise<UnitClaimTotal[]> {
    if (claimIds.length === 0) return [];
    const claims: { id: number | string; institution_id: number; county_id: number; community_id: number | null; period: string }[] =
      await manager.query(
        `SELECT id, institution_id, county_id, community_id, period FROM member_claim WHERE id IN (${claimIds.map(() => '?').join(', ')})`,
        [...claimIds],
      );
    const byPeriod = new Map<string, typeof claims>();
    for (const c of claims) byPeriod.set(c.period, [...(byPeriod.get(c.period) ?? []), c]);
    const kept: UnitClaimTotal[] = [];
    const values: unknown[][] = [];
    // One aggregate per claim period (a declaration has one), over the (submitter, claim period) index.
    for (const [period, ofPeriod] of byPeriod) {
      const claimOf = new Map(ofPeriod.map((c) => [Number(c.institution_id), c]));
      const rows: (Omit<FiguresRow, 'claim_id' | 'state'> & { submitter_id: number })[] = await manager.query(
        `SELECT r.submitter_id, r.unit_id, ${UNIT_FIGURES_SQL} FROM settlement_record r
          WHERE r.submitter_id IN (${ofPeriod.map(() => '?').join(', ')}) AND r.claim_period = ? GROUP BY r.submitter_id, r.unit_id`,
        [...ofPeriod.map((c) => c.institution_id), period],
      );
      for (const r of rows) {
        const c = claimOf.get(Number(r.submitter_id))!;
        const total = totalOf({ ...r, claim_id: c.id, state });
        kept.push(total);
        values.push([
          total.claimId,
          c.county_id,
          c.community_id,
          total.unitId,
          c.institution_id,
          period,
          fundYearOf(period),
          state,
          total.records,
          ...[total.claimed, total.pending, total.accepted, total.rejected, total.deducted, total.approved].map(String),
        ]);
      }
    }
    const placeholders = claimIds.map(() => '?').join(', ');
    if (kept.length === 0) {
      await manager.query(`DELETE FROM unit_period_total WHERE claim_id IN (${placeholders})`, [...claimIds]);
      return kept;
    }
    await manager.query(
      `DELETE FROM unit_period_total WHERE claim_id IN (${placeholders}) AND (claim_id, unit_id) NOT IN (${kept.map(() => '(?, ?)').join(', ')})`,
      [...claimIds, ...kept.flatMap((k) => [k.claimId, k.unitId])],
    );
    await manager.query(
      `INSERT INTO unit_period_total (claim_id, county_id, community_id, unit_id, submitter_id, claim_period, fund_year, state,
                                      records, claimed, pending, accepted, rejected, deducted, approved)
       VALUES ${values.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
       ON DUPLICATE KEY UPDATE state = VALUES(state), records = VALUES(records), claimed = VALUES(claimed), pending = VALUES(pending),
         accepted = VALUES(accepted), rejected = VALUES(rejected), deducted = VALUES(deducted), approved = VALUES(approved), version = version + 1`,
      values.flat(),
    );
    return kept;
  }

  /** The declaration's claims that hold any of the named records (the claims a deduction changes). */
  async claimsOfRecords(manager: EntityManager, declarationId: number, recordIds: readonly string[]): Promise<number[]> {
    if (recordIds.length === 0) return [];
    const rows: { id: number | string }[] = await manager.query(
      `SELECT DISTINCT c.id FROM settlement_record r JOIN member_claim c ON c.institution_id = r.submitter_id AND c.period = r.claim_period
        WHERE c.declaration_id = ? AND r.id IN (${recordIds.map(() => '?').join(', ')})`,
      [declarationId, ...recordIds],
    );
    return rows.map((r) => Number(r.id));
  }

  /** The bureau approved the declaration: its claims' totals are approved with it (same transaction). */
  async approveDeclaration(manager: EntityManager, declarationId: number): Promise<void> {
    await manager.query(
      `UPDATE unit_period_total t JOIN member_claim c ON c.id = t.claim_id SET t.state = 'APPROVED', t.version = t.version + 1
        WHERE c.declaration_id = ? AND t.state <> 'APPROVED'`,
      [declarationId],
    );
  }

  /** The kept totals of a declaration's claims. */
  async ofDeclaration(manager: EntityManager, declarationId: number): Promise<UnitClaimTotal[]> {
    const rows: FiguresRow[] = await manager.query(
      `SELECT ${TOTAL_COLUMNS} FROM unit_period_total t JOIN member_claim c ON c.id = t.claim_id WHERE c.declaration_id = ?`,
      [declarationId],
    );
    return rows.map(totalOf);
  }

  // ------------------------------------------------------------ reconciliation with the records

  /** Every kept total (one county's, when given). */
  async kept(manager: EntityManager, countyId: number | null): Promise<UnitClaimTotal[]> {
    const rows: FiguresRow[] = await manager.query(
      `SELECT ${TOTAL_COLUMNS} FROM unit_period_total t ${countyId === null ? '' : 'WHERE t.county_id = ?'}`,
      countyId === null ? [] : [countyId],
    );
    return rows.map(totalOf);
  }

  /**
   * The totals recomputed from the records of every declared or settled claim (one county's, when
   * given), with the state they should have: approved when the declaration was funded or the
   * private claim settled.
   */
  async recomputed(manager: EntityManager, countyId: number | null): Promise<UnitClaimTotal[]> {
    const rows: FiguresRow[] = await manager.query(
      `SELECT c.id AS claim_id, r.unit_id,
              CASE WHEN d.state IN ${sqlList(FUNDED_DECLARATION_STATES)} OR EXISTS (SELECT 1 FROM private_payment p WHERE p.claim_id = c.id)
                   THEN 'APPROVED' ELSE 'DECLARED' END AS state, ${UNIT_FIGURES_SQL}
         FROM member_claim c
         JOIN settlement_record r ON r.submitter_id = c.institution_id AND r.claim_period = c.period
         LEFT JOIN claim_declaration d ON d.id = c.declaration_id
        WHERE (c.declaration_id IS NOT NULL OR EXISTS (SELECT 1 FROM private_payment p WHERE p.claim_id = c.id))
              ${countyId === null ? '' : 'AND c.county_id = ?'}
        GROUP BY c.id, r.unit_id, d.state`,
      countyId === null ? [] : [countyId],
    );
    return rows.map(totalOf);
  }

  /** Runs `work` on one consistent snapshot of the database, writing nothing. */
  async onSnapshot<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      await runner.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
      try {
        return await work(runner.manager);
      } finally {
        await runner.query('ROLLBACK');
      }
    } finally {
      await runner.release();
    }
  }
}
