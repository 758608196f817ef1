import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Scope } from '../../domain/access-policy';
import { MemberClaimState } from '../../domain/claim-cycle';
import { CLAIMING_TYPES } from '../../domain/institution-registry';
import { Money } from '../../domain/money';
import { PageWindow, pageOffset } from '../../common/pagination';
import { institutionScopeSql } from '../registry';
import {
  CLAIM_ADJUSTED_SQL,
  KEPT_TOTALS_SQL,
  RECORD_TOTALS_SQL,
  sqlList,
  totals,
  TotalsRow,
  ClaimTotals,
} from './settlement-record.repository';

export type ClaimRow = {
  id: number;
  institution_id: number;
  institution_code: string;
  community_id: number | null;
  county_id: number;
  period: string;
  state: MemberClaimState;
  version: number;
  cutoff: string;
  submitted_on: string | null;
  submitted_by: string | null;
  late: number;
  returned_on: string | null;
  returned_by: string | null;
  /** JSON: the reasons of the last return for correction. */
  return_reasons: string | null;
  returns: number;
  reviewed_by: string | null;
  reviewed_on: string | null;
  declared_on: string | null;
  declaration_id: number | null;
  funded_on: string | null;
  passed_down_on: string | null;
  paid_on: string | null;
};

/** The condition limiting an institution alias to a scope, in plain SQL (the registry's one definition). */
export const scopeCondition = institutionScopeSql;

/** Conditions joined with AND, each in parentheses (TRUE when there are none). */
export function allOf(conditions: readonly { sql: string; params: unknown[] }[]): { sql: string; params: unknown[] } {
  if (conditions.length === 0) return { sql: 'TRUE', params: [] };
  return { sql: conditions.map((c) => `(${c.sql})`).join(' AND '), params: conditions.flatMap((c) => c.params) };
}

/** Which member claims a list shows. */
export interface ClaimFilter {
  /** Claims of institutions within the scope. */
  scope?: Scope;
  institutionId?: number;
  communityId?: number;
  /** Private institutions' claims of a county (they claim to the bureau directly). */
  privateOfCounty?: number;
  period?: string;
  states?: readonly string[];
}

/** A unit's claim to open for a period (cut-off included). */
export interface ClaimOpening {
  institutionId: number;
  communityId: number | null;
  countyId: number;
  period: string;
  cutoff: string;
}

function claimConditions(filter: ClaimFilter): { sql: string; params: unknown[] } {
  return allOf([
    ...(filter.scope ? [scopeCondition(filter.scope, 'i')] : []),
    ...(filter.institutionId !== undefined ? [{ sql: 'c.institution_id = ?', params: [filter.institutionId] }] : []),
    ...(filter.communityId !== undefined ? [{ sql: 'c.community_id = ?', params: [filter.communityId] }] : []),
    ...(filter.privateOfCounty !== undefined
      ? [{ sql: 'c.county_id = ? AND c.community_id IS NULL', params: [filter.privateOfCounty] }]
      : []),
    ...(filter.period ? [{ sql: 'c.period = ?', params: [filter.period] }] : []),
    ...(filter.states?.length ? [{ sql: `c.state IN (${filter.states.map(() => '?').join(', ')})`, params: [...filter.states] }] : []),
  ]);
}

const CLAIM_COLUMNS = `c.id, c.institution_id, i.code AS institution_code, c.community_id, c.county_id, c.period, c.state, c.version,
  DATE_FORMAT(c.cutoff, '%Y-%m-%d') AS cutoff, DATE_FORMAT(c.submitted_on, '%Y-%m-%d') AS submitted_on, c.submitted_by, c.late,
  DATE_FORMAT(c.returned_on, '%Y-%m-%d') AS returned_on, c.returned_by, c.return_reasons, c.returns, c.reviewed_by,
  DATE_FORMAT(c.reviewed_on, '%Y-%m-%d') AS reviewed_on, DATE_FORMAT(c.declared_on, '%Y-%m-%d') AS declared_on, c.declaration_id,
  DATE_FORMAT(c.funded_on, '%Y-%m-%d') AS funded_on, DATE_FORMAT(c.passed_down_on, '%Y-%m-%d') AS passed_down_on,
  DATE_FORMAT(c.paid_on, '%Y-%m-%d') AS paid_on`;
const CLAIM_SELECT = `SELECT ${CLAIM_COLUMNS} FROM member_claim c JOIN institution i ON i.id = c.institution_id`;

/** Member claims (成员单位申报): one per claiming unit and period. */
@Injectable()
export class MemberClaimRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  async find(manager: EntityManager, id: number, lock: boolean): Promise<ClaimRow | undefined> {
    const [row]: ClaimRow[] = await manager.query(`${CLAIM_SELECT} WHERE c.id = ?${lock ? ' FOR UPDATE' : ''}`, [id]);
    return row;
  }

  /** Claims with their record totals, newest period first: one page of them, or (no window) at most 500 for an inbox. */
  async listWithTotals(filter: ClaimFilter, window?: PageWindow): Promise<{ rows: (ClaimRow & { totals: ClaimTotals })[]; total: number }> {
    const where = claimConditions(filter);
    const limit = window ? 'LIMIT ? OFFSET ?' : 'LIMIT 500';
    const rows: (ClaimRow & TotalsRow)[] = await this.dataSource.query(
      `SELECT ${CLAIM_COLUMNS}, ${RECORD_TOTALS_SQL}, ${CLAIM_ADJUSTED_SQL} AS adjusted FROM member_claim c JOIN institution i ON i.id = c.institution_id
         LEFT JOIN settlement_record r ON r.submitter_id = c.institution_id AND r.claim_period = c.period
        WHERE ${where.sql} GROUP BY c.id ORDER BY c.period DESC, i.code, c.id ${limit}`,
      [...where.params, ...(window ? [window.pageSize, pageOffset(window)] : [])],
    );
    const claims = rows.map((r) => ({ ...r, totals: totals(r) }));
    if (!window) return { rows: claims, total: claims.length };
    const [{ n }]: { n: string | number }[] = await this.dataSource.query(
      `SELECT COUNT(*) AS n FROM member_claim c JOIN institution i ON i.id = c.institution_id WHERE ${where.sql}`,
      where.params,
    );
    return { rows: claims, total: Number(n) };
  }

  /** The claims a declaration carries, locked (its disbursement moves them on). */
  ofDeclaration(manager: EntityManager, declarationId: number): Promise<ClaimRow[]> {
    return manager.query(`${CLAIM_SELECT} WHERE c.declaration_id = ? ORDER BY i.code FOR UPDATE`, [declarationId]);
  }

  /** One unit's claim in a declaration, locked (the pass-down to the unit moves it on). */
  async ofDeclarationMember(manager: EntityManager, declarationId: number, institutionId: number): Promise<ClaimRow | undefined> {
    const [row]: ClaimRow[] = await manager.query(`${CLAIM_SELECT} WHERE c.declaration_id = ? AND c.institution_id = ? FOR UPDATE`, [
      declarationId,
      institutionId,
    ]);
    return row;
  }

  /** A community's claims for a period, locked (declaring decides on them). */
  ofCommunityPeriod(manager: EntityManager, communityId: number, period: string): Promise<ClaimRow[]> {
    return manager.query(`${CLAIM_SELECT} WHERE c.community_id = ? AND c.period = ? FOR UPDATE`, [communityId, period]);
  }

  /** A unit's claims from a period on (`lock`: for update, while records are stored). */
  statesFrom(
    manager: EntityManager,
    institutionId: number,
    fromPeriod: string,
    lock: boolean,
  ): Promise<{ period: string; state: string }[]> {
    return manager.query(`SELECT period, state FROM member_claim WHERE institution_id = ? AND period >= ?${lock ? ' FOR UPDATE' : ''}`, [
      institutionId,
      fromPeriod,
    ]);
  }

  /** The ids of a unit's claims for some periods. */
  async idsOfPeriods(manager: EntityManager, institutionId: number, periods: readonly string[]): Promise<Map<string, number>> {
    if (periods.length === 0) return new Map();
    const rows: { id: number; period: string }[] = await manager.query(
      `SELECT id, period FROM member_claim WHERE institution_id = ? AND period IN (${periods.map(() => '?').join(', ')})`,
      [institutionId, ...periods],
    );
    return new Map(rows.map((r) => [r.period, Number(r.id)]));
  }

  /** Applies a transition's changes and bumps the version. */
  async update(manager: EntityManager, id: number, changes: Record<string, unknown>): Promise<void> {
    await manager.query(
      `UPDATE member_claim SET ${Object.keys(changes)
        .map((k) => `${k} = ?`)
        .join(', ')}, version = version + 1 WHERE id = ?`,
      [...Object.values(changes), id],
    );
  }

  async markDeclared(manager: EntityManager, id: number, declarationId: number, declaredOn: string): Promise<void> {
    await manager.query(
      "UPDATE member_claim SET state = 'DECLARED', declaration_id = ?, declared_on = ?, version = version + 1 WHERE id = ?",
      [declarationId, declaredOn, id],
    );
  }

  async markRolledOver(manager: EntityManager, id: number): Promise<void> {
    await manager.query("UPDATE member_claim SET state = 'ROLLED_OVER', version = version + 1 WHERE id = ?", [id]);
  }

  async markSettled(manager: EntityManager, id: number): Promise<void> {
    await manager.query("UPDATE member_claim SET state = 'SETTLED', version = version + 1 WHERE id = ?", [id]);
  }

  /**
   * Opens claims (OPEN, with their cut-off) where none exists yet: the named units' claims, or
   * every active claiming unit's of a county for a period (community members and private
   * institutions). Returns how many were opened.
   */
  async openClaims(
    manager: EntityManager,
    what: { claims: readonly ClaimOpening[] } | { countyId: number; period: string; cutoff: string },
  ): Promise<number> {
    if ('claims' in what) {
      if (what.claims.length === 0) return 0;
      const result = await manager.query(
        `INSERT IGNORE INTO member_claim (institution_id, community_id, county_id, period, state, cutoff) VALUES ${what.claims.map(() => "(?, ?, ?, ?, 'OPEN', ?)").join(', ')}`,
        what.claims.flatMap((c) => [c.institutionId, c.communityId, c.countyId, c.period, c.cutoff]),
      );
      return Number(result.affectedRows);
    }
    const result = await manager.query(
      `INSERT IGNORE INTO member_claim (institution_id, community_id, county_id, period, state, cutoff)
       SELECT id, community_id, county_id, ?, 'OPEN', ? FROM institution
        WHERE county_id = ? AND active = 1 AND type IN ${sqlList(CLAIMING_TYPES)}
          AND (community_id IS NOT NULL OR type = 'PRIVATE_DESIGNATED')`,
      [what.period, what.cutoff, what.countyId],
    );
    return Number(result.affectedRows);
  }

  /** Each declared member claim's record totals, in code order, from the per-unit totals kept since it was declared. */
  async membersOfDeclaration(
    manager: EntityManager,
    declarationId: number,
  ): Promise<{ institutionId: number; institutionCode: string; claimId: number; totals: ClaimTotals }[]> {
    return (await this.membersOfDeclarations(manager, [Number(declarationId)])).get(Number(declarationId)) ?? [];
  }

  /** The members of each of these declarations with their claims' totals, in one statement (a page of declarations). */
  async membersOfDeclarations(
    manager: EntityManager,
    declarationIds: readonly number[],
  ): Promise<Map<number, { institutionId: number; institutionCode: string; claimId: number; totals: ClaimTotals }[]>> {
    const out = new Map<number, { institutionId: number; institutionCode: string; claimId: number; totals: ClaimTotals }[]>();
    if (declarationIds.length === 0) return out;
    const rows: (TotalsRow & { declaration_id: number; institution_id: number; institution_code: string; claim_id: number })[] =
      await manager.query(
        `SELECT c.declaration_id, c.institution_id, i.code AS institution_code, c.id AS claim_id, ${KEPT_TOTALS_SQL}, ${CLAIM_ADJUSTED_SQL} AS adjusted
           FROM member_claim c JOIN institution i ON i.id = c.institution_id
           LEFT JOIN unit_period_total t ON t.claim_id = c.id
          WHERE c.declaration_id IN (?) GROUP BY c.declaration_id, c.institution_id, i.code, c.id ORDER BY i.code`,
        [declarationIds],
      );
    for (const m of rows) {
      const id = Number(m.declaration_id);
      const members = out.get(id) ?? [];
      members.push({
        institutionId: m.institution_id,
        institutionCode: m.institution_code,
        claimId: Number(m.claim_id),
        totals: totals(m),
      });
      out.set(id, members);
    }
    return out;
  }

  /** A community's claims of a period by state: how many, their records and the amount claimed. */
  async stateSummary(communityId: number, period: string): Promise<{ state: string; count: number; records: number; claimed: string }[]> {
    const rows: { state: string; count: number; records: number; claimed: string }[] = await this.dataSource.query(
      `SELECT c.state, COUNT(DISTINCT c.id) AS count, COUNT(r.id) AS records, COALESCE(SUM(r.fund_paid), 0) AS claimed
         FROM member_claim c LEFT JOIN settlement_record r ON r.submitter_id = c.institution_id AND r.claim_period = c.period
        WHERE c.community_id = ? AND c.period = ? GROUP BY c.state ORDER BY c.state`,
      [communityId, period],
    );
    return rows.map((c) => ({
      state: c.state,
      count: Number(c.count),
      records: Number(c.records),
      claimed: Money.of(c.claimed).toString(),
    }));
  }
}
