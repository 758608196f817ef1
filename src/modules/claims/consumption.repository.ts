import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { FUNDED_DECLARATION_STATES } from '../../domain/claim-cycle';
import { ConsumptionToDate } from '../../domain/consumption';
import { ClaimRecordFigures, FundedDeclarationFigures, PrivateYearFigures } from '../../domain/county-year-end';
import { PeriodFlows } from '../../domain/fund-analysis';
import { InstitutionType, PRIMARY_TYPES } from '../../domain/institution-registry';
import { Money } from '../../domain/money';
import { staysByReferral } from '../../domain/governance';
import { RecordGroup } from '../../domain/performance-assessment';
import { VisitType } from '../../domain/settlement-record';

const list = (words: readonly string[]) => `(${words.map((w) => `'${w}'`).join(', ')})`;

/** Declarations whose claims the bureau approved (and funded), alias `d`. */
const FUNDED_DECLARATION = `d.state IN ${list(FUNDED_DECLARATION_STATES)}`;

/** A settlement record (alias `r`) accepted in pre-review (初审通过) and not deducted (拒付). */
const ACCEPTED_NOT_DEDUCTED = "r.review_status = 'ACCEPTED' AND r.deduction_reason IS NULL";

/**
 * What the claims say about spending (SPEC §13), read only, for monitoring, the fund analysis,
 * the assessment and the year end. An **approved record** is accepted in pre-review, not
 * deducted, and in a declaration the bureau approved; **expenditure to date** is the
 * bureau-approved claims of funded declarations plus the imported out-of-county settlements.
 * The arithmetic on these figures is in src/domain/consumption.ts.
 */
@Injectable()
export class ConsumptionRepository {
  /** A community's expenditure over claim periods `from` to `to` ('YYYY-MM', inclusive). */
  async communityToDate(manager: EntityManager, communityId: number, from: string, to: string): Promise<ConsumptionToDate> {
    const memberApproved = await sum(
      manager,
      `SELECT COALESCE(SUM(d.approved), 0) AS s FROM claim_declaration d WHERE d.community_id = ? AND d.period BETWEEN ? AND ? AND ${FUNDED_DECLARATION}`,
      [communityId, from, to],
    );
    const primaryApproved = await sum(
      manager,
      `SELECT COALESCE(SUM(r.fund_paid), 0) AS s
         FROM claim_declaration d JOIN member_claim c ON c.declaration_id = d.id
         JOIN settlement_record r ON r.submitter_id = c.institution_id AND r.claim_period = c.period
         JOIN institution u ON u.id = r.unit_id
        WHERE d.community_id = ? AND d.period BETWEEN ? AND ? AND ${FUNDED_DECLARATION}
          AND ${ACCEPTED_NOT_DEDUCTED} AND u.type IN ${list(PRIMARY_TYPES)}`,
      [communityId, from, to],
    );
    // The adjustments of primary units' own claims (carried negative nets, extrapolated deductions).
    const primaryAdjusted = await sum(
      manager,
      `SELECT COALESCE(SUM(a.amount), 0) AS s
         FROM claim_declaration d JOIN member_claim c ON c.declaration_id = d.id
         JOIN claim_adjustment a ON a.submitter_id = c.institution_id AND a.claim_period = c.period
         JOIN institution u ON u.id = a.submitter_id
        WHERE d.community_id = ? AND d.period BETWEEN ? AND ? AND ${FUNDED_DECLARATION} AND u.type IN ${list(PRIMARY_TYPES)}`,
      [communityId, from, to],
    );
    const outOfCounty = await sum(
      manager,
      'SELECT COALESCE(SUM(total), 0) AS s FROM out_of_county_import WHERE community_id = ? AND period BETWEEN ? AND ?',
      [communityId, from, to],
    );
    return { memberApproved, primaryApproved: primaryApproved.plus(primaryAdjusted), outOfCounty };
  }

  /** The county fund's spending over claim periods `from` to `to`: communities, out of county, private institutions. */
  async countyToDate(
    manager: EntityManager,
    countyId: number,
    from: string,
    to: string,
  ): Promise<{ memberApproved: Money; outOfCounty: Money; privateApproved: Money }> {
    const [memberApproved, outOfCounty, privateApproved] = await Promise.all([
      sum(
        manager,
        `SELECT COALESCE(SUM(d.approved), 0) AS s FROM claim_declaration d WHERE d.county_id = ? AND d.period BETWEEN ? AND ? AND ${FUNDED_DECLARATION}`,
        [countyId, from, to],
      ),
      sum(manager, 'SELECT COALESCE(SUM(o.total), 0) AS s FROM out_of_county_import o WHERE o.county_id = ? AND o.period BETWEEN ? AND ?', [
        countyId,
        from,
        to,
      ]),
      sum(manager, 'SELECT COALESCE(SUM(approved), 0) AS s FROM private_payment WHERE county_id = ? AND period BETWEEN ? AND ?', [
        countyId,
        from,
        to,
      ]),
    ]);
    return { memberApproved, outOfCounty, privateApproved };
  }

  /**
   * A community's records over claim periods `from` to `to`, grouped as the fund analysis and the
   * assessment read them (care unit, visit type, insured township, pathway), and its
   * out-of-county settlements grouped by referral. The records are the approved ones of SPEC §13:
   * accepted in pre-review, not deducted, in a declaration the bureau approved. Amounts are net of
   * refunds (a refund's are negative); `records` counts settlements, not the refunds of them.
   */
  async flows(manager: EntityManager, communityId: number, from: string, to: string): Promise<PeriodFlows> {
    const groups: GroupRow[] = await manager.query(
      `SELECT u.code, u.name, u.type, p.code AS parent_code, r.visit_type, r.insured_township_code, r.clinical_pathway,
              SUM(r.refund_of IS NULL) AS records, SUM(r.fund_paid) AS fund_paid, SUM(r.total_cost) AS total_cost
         FROM institution u
         JOIN settlement_record r ON r.unit_id = u.id
         JOIN member_claim c ON c.institution_id = r.submitter_id AND c.period = r.claim_period
         JOIN claim_declaration d ON d.id = c.declaration_id AND ${FUNDED_DECLARATION}
         LEFT JOIN institution p ON p.id = u.parent_id
        WHERE u.community_id = ? AND r.claim_period BETWEEN ? AND ? AND ${ACCEPTED_NOT_DEDUCTED}
        GROUP BY u.id, u.code, u.name, u.type, p.code, r.visit_type, r.insured_township_code, r.clinical_pathway`,
      [communityId, from, to],
    );
    const stays: { id: number; insured_hash: string; stay_date: string; fund_paid: string; total_cost: string }[] = await manager.query(
      `SELECT id, insured_hash, DATE_FORMAT(COALESCE(admission_date, settlement_date), '%Y-%m-%d') AS stay_date, fund_paid, total_cost
         FROM out_of_county_settlement WHERE community_id = ? AND period BETWEEN ? AND ?`,
      [communityId, from, to],
    );
    const referrals: { id: number; insured_hash: string; valid_from: string; valid_to: string }[] = stays.length
      ? await manager.query(
          `SELECT f.id, f.insured_hash, DATE_FORMAT(f.valid_from, '%Y-%m-%d') AS valid_from, DATE_FORMAT(f.valid_to, '%Y-%m-%d') AS valid_to
             FROM referral f JOIN governance_chain g ON g.id = f.chain_id WHERE f.community_id = ? AND g.status = 'APPROVED'`,
          [communityId],
        )
      : [];
    // Referred: matched with an approved referral by the rule the referral report applies.
    const outOfCounty = staysByReferral(
      stays.map((s) => ({
        id: s.id,
        insuredHash: s.insured_hash,
        admissionDate: s.stay_date,
        fundPaid: Money.of(s.fund_paid),
        totalCost: Money.of(s.total_cost),
      })),
      referrals.map((r) => ({ id: r.id, insuredHash: r.insured_hash, validFrom: r.valid_from, validTo: r.valid_to })),
    );
    return {
      groups: groups.map((g): RecordGroup => ({
        unit: { code: g.code, name: g.name, type: g.type, parentCode: g.parent_code },
        visitType: g.visit_type,
        insuredTownshipCode: g.insured_township_code,
        clinicalPathway: Number(g.clinical_pathway) === 1,
        records: Number(g.records),
        fundPaid: Money.of(g.fund_paid),
        totalCost: Money.of(g.total_cost),
      })),
      outOfCounty,
    };
  }

  // ------------------------------------------------------------ the year end (SPEC §7)

  /** The fund year's funded declarations of a county, with the (submitter, period) claims each covers. */
  async fundedDeclarations(manager: EntityManager, countyId: number, fundYear: number): Promise<FundedDeclarationFigures[]> {
    const rows: {
      institution_id: number;
      period: string;
      declaration_id: number;
      deposit: string;
      funded: string;
      approved: string;
      community_id: number;
    }[] = await manager.query(
      `SELECT c.institution_id, c.period, d.id AS declaration_id, d.deposit, d.funded, d.approved, d.community_id
         FROM claim_declaration d JOIN member_claim c ON c.declaration_id = d.id
        WHERE d.county_id = ? AND d.fund_year = ? AND ${FUNDED_DECLARATION}`,
      [countyId, fundYear],
    );
    const out = new Map<number, FundedDeclarationFigures>();
    for (const r of rows) {
      const id = Number(r.declaration_id);
      const d = out.get(id) ?? {
        id,
        communityId: Number(r.community_id),
        approved: Money.of(r.approved),
        deposit: Money.of(r.deposit),
        funded: Money.of(r.funded),
        claims: [],
      };
      d.claims.push({ submitterId: Number(r.institution_id), period: r.period });
      out.set(id, d);
    }
    return [...out.values()];
  }

  /** The (submitter, period) claims of private institutions the bureau settled in the fund year. */
  async privateSettledClaims(
    manager: EntityManager,
    countyId: number,
    fundYear: number,
  ): Promise<{ submitterId: number; period: string }[]> {
    const rows: { institution_id: number; period: string }[] = await manager.query(
      'SELECT institution_id, period FROM private_payment WHERE county_id = ? AND fund_year = ?',
      [countyId, fundYear],
    );
    return rows.map((r) => ({ submitterId: Number(r.institution_id), period: r.period }));
  }

  /**
   * The fund year's records of the given submitters: the records and the amount accepted and not
   * deducted per care unit, submitter and claim period. Claims declared or settled are read from
   * their per-unit totals (units × periods rows, kept with the declaration, deductions and the
   * approval), never from their records; only the year's claims without totals (not declared: open,
   * under pre-review) are counted from their records, through the (submitter, claim period) index.
   * Whether a group's claim is in an approved declaration is decided by the caller from
   * `fundedDeclarations`. A claim's adjustments come as a group of its submitter's own, with no records.
   */
  async recordsByClaim(manager: EntityManager, submitters: number[], fundYear: number): Promise<ClaimRecordFigures[]> {
    if (submitters.length === 0) return [];
    const inList = submitters.map(() => '?').join(', ');
    const years = [`${fundYear}-01`, `${fundYear}-12`];
    const kept: ClaimFigureRow[] = await manager.query(
      `SELECT t.unit_id, t.submitter_id, t.claim_period, t.records, t.approved FROM unit_period_total t
        WHERE t.submitter_id IN (${inList}) AND t.claim_period BETWEEN ? AND ?`,
      [...submitters, ...years],
    );
    const without: { institution_id: number; period: string }[] = await manager.query(
      `SELECT c.institution_id, c.period FROM member_claim c
        WHERE c.institution_id IN (${inList}) AND c.period BETWEEN ? AND ?
          AND NOT EXISTS (SELECT 1 FROM unit_period_total t WHERE t.claim_id = c.id)`,
      [...submitters, ...years],
    );
    const counted: ClaimFigureRow[] = without.length
      ? await manager.query(
          `SELECT r.unit_id, r.submitter_id, r.claim_period, COUNT(*) AS records,
                  SUM(CASE WHEN ${ACCEPTED_NOT_DEDUCTED} THEN r.fund_paid ELSE 0 END) AS approved
             FROM settlement_record r
            WHERE ${without.map(() => '(r.submitter_id = ? AND r.claim_period = ?)').join(' OR ')}
            GROUP BY r.unit_id, r.submitter_id, r.claim_period`,
          without.flatMap((c) => [c.institution_id, c.period]),
        )
      : [];
    // A claim's adjustments (carried negative nets, extrapolated deductions) count as its submitter's own.
    const adjustments: ClaimFigureRow[] = await manager.query(
      `SELECT a.submitter_id AS unit_id, a.submitter_id, a.claim_period, 0 AS records, SUM(a.amount) AS approved
         FROM claim_adjustment a
        WHERE a.submitter_id IN (${inList}) AND a.claim_period BETWEEN ? AND ?
        GROUP BY a.submitter_id, a.claim_period`,
      [...submitters, ...years],
    );
    return [...kept, ...counted, ...adjustments].map((a) => ({
      unitId: Number(a.unit_id),
      submitterId: Number(a.submitter_id),
      claimPeriod: a.claim_period,
      records: Number(a.records),
      approved: Money.of(a.approved),
    }));
  }

  /** Imported out-of-county spending of the fund year per community, and of it what the county fund did not fund. */
  async outOfCountyByCommunity(
    manager: EntityManager,
    countyId: number,
    fundYear: number,
  ): Promise<{ communityId: number; total: Money; unfunded: Money }[]> {
    const rows: { community_id: number; total: string; unfunded: string }[] = await manager.query(
      'SELECT community_id, COALESCE(SUM(total), 0) AS total, COALESCE(SUM(unfunded), 0) AS unfunded FROM out_of_county_import WHERE county_id = ? AND period BETWEEN ? AND ? GROUP BY community_id',
      [countyId, `${fundYear}-01`, `${fundYear}-12`],
    );
    return rows.map((o) => ({ communityId: Number(o.community_id), total: Money.of(o.total), unfunded: Money.of(o.unfunded) }));
  }

  /** Declarations of the fund year the bureau has not approved, by community code and period. */
  async pendingDeclarations(
    manager: EntityManager,
    countyId: number,
    fundYear: number,
  ): Promise<{ communityCode: string; period: string; state: string }[]> {
    const rows: { code: string; period: string; state: string }[] = await manager.query(
      `SELECT m.code, d.period, d.state FROM claim_declaration d JOIN medical_community m ON m.id = d.community_id WHERE d.county_id = ? AND d.fund_year = ? AND NOT (${FUNDED_DECLARATION}) ORDER BY m.code, d.period`,
      [countyId, fundYear],
    );
    return rows.map((d) => ({ communityCode: d.code, period: d.period, state: d.state }));
  }

  /** Private institutions with a budget or a payment in the fund year: budget, funded and deposit withheld. */
  async privateFigures(manager: EntityManager, countyId: number, fundYear: number): Promise<PrivateYearFigures[]> {
    const rows: { institution_id: number; budget: string | null; funded: string | null; deposit: string | null }[] = await manager.query(
      `SELECT i.id AS institution_id, b.amount AS budget,
              (SELECT SUM(p.funded) FROM private_payment p WHERE p.institution_id = i.id AND p.fund_year = ?) AS funded,
              (SELECT SUM(p.deposit) FROM private_payment p WHERE p.institution_id = i.id AND p.fund_year = ?) AS deposit
         FROM institution i LEFT JOIN private_budget b ON b.institution_id = i.id AND b.fund_year = ?
        WHERE i.county_id = ? AND i.type = 'PRIVATE_DESIGNATED' AND (b.id IS NOT NULL OR EXISTS (SELECT 1 FROM private_payment p WHERE p.institution_id = i.id AND p.fund_year = ?))`,
      [fundYear, fundYear, fundYear, countyId, fundYear],
    );
    return rows.map((p) => ({
      institutionId: Number(p.institution_id),
      annualBudget: Money.of(p.budget ?? '0'),
      funded: Money.of(p.funded ?? '0'),
      depositWithheld: Money.of(p.deposit ?? '0'),
    }));
  }
}

type ClaimFigureRow = { unit_id: number; submitter_id: number; claim_period: string; records: string | number; approved: string };

type GroupRow = {
  code: string;
  name: string;
  type: InstitutionType;
  parent_code: string | null;
  visit_type: VisitType;
  insured_township_code: string | null;
  clinical_pathway: number | string;
  records: number | string;
  fund_paid: string;
  total_cost: string;
};
async function sum(manager: EntityManager, sql: string, args: unknown[]): Promise<Money> {
  return Money.of(String((await manager.query(sql, args))[0].s ?? '0'));
}
