import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { Caller } from '../../common/caller';
import { notFound, staleVersion } from '../../common/record-errors';
import { inTransaction } from '../../database/transaction';
import { assertMakerChecker } from '../../domain/access-policy';
import { DomainError } from '../../domain/domain-error';
import { CLAIMING_TYPES, COMMUNITY_MEMBER_TYPES, isPrimaryInstitution, InstitutionType } from '../../domain/institution-registry';
import { compareCodes } from '../../domain/largest-remainder';
import { applyTransfers, balanceIn, communityClosingBalances, PRIVATE_ACCOUNTS, TransferSpec } from '../../domain/ledger';
import { Money } from '../../domain/money';
import {
  communityYearEndTransfers,
  CommunityYearEnd,
  unitFunding,
  YEAR_END_LIFECYCLE,
  YearEndState,
  depositReleaseRate,
  privateYearEndTransfers,
  settleCommunityYear,
  settlePrivateYear,
  UnitStatement,
} from '../../domain/year-end-settlement';
import { JobHandler } from '../../queue/job-handler.decorator';
import { OutboxService } from '../../queue/outbox.service';
import { AuditService } from '../audit/audit.service';
import { PerformanceAssessmentService } from '../assessment/performance-assessment.service';
import { AllocationService, packageOf } from '../fund-year/allocation.service';
import { PolicyParametersService } from '../fund-year/policy-parameters.service';
import { LedgerService } from '../ledger/ledger.service';
import { APPROVED_RECORD_SQL, FUNDED_DECLARATION_SQL, sqlList } from '../claims/record-totals';

export interface StatementView {
  institutionCode: string;
  institutionName: string;
  kind: 'MEMBER' | 'PRIVATE';
  communityCode: string | null;
  primary: boolean;
  approvedConsumption: string;
  overspendShare: string;
  surplusShare: string;
  floorTopUp: string;
  depositWithheld: string;
  depositRelease: string;
  paidSoFar: string;
  balanceDue: string;
}

export interface YearEndView {
  id: number;
  countyCode: string;
  fundYear: number;
  state: string;
  version: number;
  revision: number;
  draftedBy: string;
  draftedAt: Date;
  approvedBy: string | null;
  approvedAt: Date | null;
  postingRequestedBy: string | null;
  postedTransfers: number;
  totalTransfers: number;
  postedAt: Date | null;
  summary: YearEndSummary;
  statements: StatementView[];
}

interface CommunitySummary {
  communityCode: string;
  communityPackage: string;
  outOfCountyExpenditure: string;
  outOfCountyUnfunded: string;
  totalExpenditure: string;
  overspend: string;
  surplus: string;
  primaryAfterShares: string;
  primaryShareOfPackage: string;
  floor: { floorRate: string; required: string; shortfall: string; met: boolean };
  /** The floor is not met after shares and top-up: reported, never hidden (SPEC §7). */
  floorViolation: boolean;
  /** Overspend moved from primary units to the others to meet the floor (policy option). */
  floorReapportioned: string;
  score: string | null;
  depositWithheld: string;
  depositReleased: string;
  closingBalances: { package: string; leadAdvance: string; qualityDeposit: string };
}

export interface YearEndSummary {
  options: {
    attributeOutOfCountyToLead: boolean;
    reapportionFloorShortfall: boolean;
    surplusPrimaryWeight: string;
    parametersVersion: number;
  };
  communities: CommunitySummary[];
  privateInstitutions: { count: number; balanceDue: string };
  /** Declarations of the fund year not yet approved: their claims are not in the statements. */
  pendingDeclarations: { communityCode: string; period: string; state: string }[];
  records: number;
  transfers: TransferSpec[];
}

interface UnitRow {
  id: number;
  code: string;
  name: string;
  type: InstitutionType;
  community_id: number | null;
}

/**
 * Year-end settlement of one county and fund year (年终清算, SPEC §7): a statement for every
 * member unit and private institution, computed from the year's approved claims in one pass
 * over the settlement records, checked against the ledger before it is saved, approved by a
 * second person and posted transfer by transfer, so that a posting interrupted at any point
 * completes on retry with no transfer missing or doubled.
 */
@Injectable()
export class YearEndService {
  private readonly logger = new Logger(YearEndService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly allocations: AllocationService,
    private readonly parameters: PolicyParametersService,
    private readonly ledger: LedgerService,
    private readonly assessments: PerformanceAssessmentService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * Drafts the settlement, or returns the one that exists: a second trigger of the same cycle
   * changes nothing. `redraft` recomputes an existing draft (never an approved one).
   */
  async draft(
    manager: EntityManager,
    county: { id: number; code: string },
    fundYear: number,
    draftedBy: string,
    redraft = false,
  ): Promise<{ id: number; created: boolean; state: string; records: number }> {
    const [existing] = await manager.query(
      'SELECT id, state, revision FROM year_end_settlement WHERE county_id = ? AND fund_year = ? FOR UPDATE',
      [county.id, fundYear],
    );
    if (existing && !redraft) return { id: Number(existing.id), created: false, state: existing.state, records: 0 };
    if (existing) YEAR_END_LIFECYCLE.apply(existing.state, 'redraft');
    const { summary, statements } = await this.compute(manager, county, fundYear);
    const summaryText = JSON.stringify(summary);
    let id: number;
    if (existing) {
      id = Number(existing.id);
      await manager.query('DELETE FROM year_end_statement WHERE settlement_id = ?', [id]);
      await manager.query(
        'UPDATE year_end_settlement SET summary = ?, options = ?, drafted_by = ?, drafted_at = CURRENT_TIMESTAMP(3), revision = revision + 1, version = version + 1 WHERE id = ?',
        [summaryText, JSON.stringify(summary.options), draftedBy, id],
      );
    } else {
      const result = await manager.query(
        "INSERT INTO year_end_settlement (county_id, fund_year, state, options, summary, drafted_by, drafted_at) VALUES (?, ?, 'DRAFT', ?, ?, ?, CURRENT_TIMESTAMP(3))",
        [county.id, fundYear, JSON.stringify(summary.options), summaryText, draftedBy],
      );
      id = Number(result.insertId);
    }
    if (statements.length) {
      await manager.query(
        `INSERT INTO year_end_statement (settlement_id, institution_id, community_id, kind, approved_consumption, overspend_share, surplus_share, floor_top_up, deposit_withheld, deposit_release, paid_so_far, balance_due) VALUES ${statements.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        statements.flatMap(({ unit, kind, s }) => [
          id,
          unit.id,
          unit.community_id,
          kind,
          ...[
            s.approvedConsumption,
            s.overspendShare,
            s.surplusShare,
            s.floorTopUp,
            s.depositWithheld,
            s.depositRelease,
            s.paidSoFar,
            s.balanceDue,
          ].map(String),
        ]),
      );
    }
    await this.audit.record(manager, {
      action: existing ? 'yearEnd.redraft' : 'yearEnd.draft',
      entityType: 'yearEndSettlement',
      entityId: String(id),
      before: null,
      after: {
        countyCode: county.code,
        fundYear,
        communities: summary.communities.map((c) => ({
          code: c.communityCode,
          overspend: c.overspend,
          surplus: c.surplus,
          floorViolation: c.floorViolation,
        })),
        statements: statements.length,
      },
    });
    return { id, created: !existing, state: 'DRAFT', records: summary.records };
  }

  /** Everything the statements need, read in the caller's transaction, checked against the ledger. */
  private async compute(
    manager: EntityManager,
    county: { id: number; code: string },
    fundYear: number,
  ): Promise<{ summary: YearEndSummary; statements: { unit: UnitRow; kind: 'MEMBER' | 'PRIVATE'; s: UnitStatement }[] }> {
    const allocation = await this.allocations.inForce(manager, county.id, fundYear);
    if (!allocation) {
      throw new DomainError(
        'NO_ALLOCATION',
        'unprocessable',
        `${county.code} has no approved allocation for ${fundYear}: there is no package to settle`,
        [{ field: 'fundYear', rule: 'allocationApproved', message: String(fundYear) }],
      );
    }
    const parameterSet = await this.parameters.current(manager, county, fundYear);
    const params = parameterSet.values;
    const toLead = params.attributeOutOfCountyToLead === '1';
    const units: UnitRow[] = await manager.query(
      `SELECT id, code, name, type, community_id FROM institution WHERE county_id = ? AND (community_id IS NOT NULL OR type = 'PRIVATE_DESIGNATED') AND type IN ${sqlList([...COMMUNITY_MEMBER_TYPES, 'PRIVATE_DESIGNATED'])}`,
      [county.id],
    );
    const unitById = new Map(units.map((u) => [Number(u.id), u]));

    // Approved claims of the year, by declaration: which (submitter, period) each covers.
    const claims: {
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
        WHERE d.county_id = ? AND d.fund_year = ? AND d.state IN ${FUNDED_DECLARATION_SQL}`,
      [county.id, fundYear],
    );
    const claimKey = (submitter: number, period: string) => `${submitter}|${period}`;
    const declarationOf = new Map(claims.map((c) => [claimKey(Number(c.institution_id), c.period), Number(c.declaration_id)]));
    const privateSettled: { institution_id: number; period: string }[] = await manager.query(
      'SELECT institution_id, period FROM private_payment WHERE county_id = ? AND fund_year = ?',
      [county.id, fundYear],
    );
    const privateClaim = new Set(privateSettled.map((p) => claimKey(Number(p.institution_id), p.period)));

    // One pass over the year's records: approved amounts per unit, submitter and claim period.
    // The submitters are listed (not a subquery) so that the (submitter, claim period) index
    // narrows the scan to the fund year, however many years the table holds.
    const submitters = units.filter((u) => CLAIMING_TYPES.includes(u.type)).map((u) => Number(u.id));
    const aggregate: { unit_id: number; submitter_id: number; claim_period: string; records: string; approved: string }[] =
      submitters.length
        ? await manager.query(
            `SELECT r.unit_id, r.submitter_id, r.claim_period, COUNT(*) AS records,
                  SUM(CASE WHEN ${APPROVED_RECORD_SQL} THEN r.fund_paid ELSE 0 END) AS approved
             FROM settlement_record r
            WHERE r.submitter_id IN (${submitters.map(() => '?').join(', ')}) AND r.claim_period BETWEEN ? AND ?
            GROUP BY r.unit_id, r.submitter_id, r.claim_period`,
            [...submitters, `${fundYear}-01`, `${fundYear}-12`],
          )
        : [];
    let records = 0;
    const byDeclaration = new Map<number, Map<number, { approved: Money; submitterId: number }>>();
    const privateApproved = new Map<number, Money>();
    for (const a of aggregate) {
      records += Number(a.records);
      const key = claimKey(Number(a.submitter_id), a.claim_period);
      const amount = Money.of(a.approved);
      const declarationId = declarationOf.get(key);
      if (declarationId !== undefined) {
        const perUnit = byDeclaration.get(declarationId) ?? new Map<number, { approved: Money; submitterId: number }>();
        perUnit.set(Number(a.unit_id), {
          approved: (perUnit.get(Number(a.unit_id))?.approved ?? Money.ZERO).plus(amount),
          submitterId: Number(a.submitter_id),
        });
        byDeclaration.set(declarationId, perUnit);
      } else if (privateClaim.has(key)) {
        privateApproved.set(Number(a.unit_id), (privateApproved.get(Number(a.unit_id)) ?? Money.ZERO).plus(amount));
      }
    }

    // Each declaration's deposit and funded cash, split over its units as the pass-downs split it.
    const declarations = new Map(claims.map((c) => [Number(c.declaration_id), c]));
    const codeOf = (unitId: number) => unitById.get(unitId)?.code ?? String(unitId);
    const perUnit = unitFunding(
      [...declarations].map(([id, d]) => ({
        id,
        approved: Money.of(d.approved),
        deposit: Money.of(d.deposit),
        funded: Money.of(d.funded),
        units: [...(byDeclaration.get(id) ?? new Map<number, { approved: Money; submitterId: number }>())].map(([unitId, u]) => ({
          code: codeOf(unitId),
          approved: u.approved,
          submitter: codeOf(u.submitterId),
        })),
      })),
    );

    const outOfCounty: { community_id: number; total: string; unfunded: string }[] = await manager.query(
      'SELECT community_id, COALESCE(SUM(total), 0) AS total, COALESCE(SUM(unfunded), 0) AS unfunded FROM out_of_county_import WHERE county_id = ? AND period BETWEEN ? AND ? GROUP BY community_id',
      [county.id, `${fundYear}-01`, `${fundYear}-12`],
    );
    const pendingDeclarations: { code: string; period: string; state: string }[] = await manager.query(
      `SELECT m.code, d.period, d.state FROM claim_declaration d JOIN medical_community m ON m.id = d.community_id WHERE d.county_id = ? AND d.fund_year = ? AND d.state NOT IN ${FUNDED_DECLARATION_SQL} ORDER BY m.code, d.period`,
      [county.id, fundYear],
    );
    const ledgerBefore = await this.ledger.accountTotals(manager, county.id, fundYear);

    const statements: { unit: UnitRow; kind: 'MEMBER' | 'PRIVATE'; s: UnitStatement }[] = [];
    const communities: CommunitySummary[] = [];
    const transfers: TransferSpec[] = [];
    const prefix = `yearend.${county.code}.${fundYear}`;
    const communityIds: { id: number; code: string }[] = await manager.query(
      'SELECT id, code FROM medical_community WHERE county_id = ? ORDER BY code',
      [county.id],
    );
    for (const community of communityIds) {
      const communityPackage = packageOf(allocation, community.code);
      if (!communityPackage) continue;
      const members = units.filter((u) => Number(u.community_id) === Number(community.id)).sort((a, b) => compareCodes(a.code, b.code));
      if (members.length === 0) continue;
      const lead = members.find((m) => m.type === 'LEAD_HOSPITAL');
      const ooc = outOfCounty.find((o) => Number(o.community_id) === Number(community.id));
      const depositWithheld = Money.sum(members.map((m) => perUnit.get(m.code)?.deposit ?? Money.ZERO));
      const score = depositWithheld.isPositive() ? (await this.assessments.assess(manager, Number(community.id), fundYear)).score : null;
      const year: CommunityYearEnd = settleCommunityYear({
        communityCode: community.code,
        communityPackage,
        outOfCountyExpenditure: Money.of(ooc?.total ?? '0'),
        primaryFloorRate: params.primaryFloorRate,
        attributeOutOfCountyToLead: toLead && lead ? lead.code : undefined,
        surplusPrimaryWeight: params.surplusPrimaryWeight,
        reapportionFloorShortfall: params.reapportionFloorShortfall === '1',
        depositReleaseRate: depositReleaseRate(score ?? '100'),
        members: members.map((m) => {
          const u = perUnit.get(m.code);
          return {
            code: m.code,
            primary: isPrimaryInstitution(m.type),
            approvedConsumption: u?.approved ?? Money.ZERO,
            depositWithheld: u?.deposit ?? Money.ZERO,
            paidSoFar: u?.paid ?? Money.ZERO,
          };
        }),
      });
      const closing = communityClosingBalances(ledgerBefore, community.code);
      const outOfCountyUnfunded = Money.of(ooc?.unfunded ?? '0');
      transfers.push(...communityYearEndTransfers(prefix, year, { ...closing, outOfCountyUnfunded }));
      for (const s of year.statements) statements.push({ unit: members.find((m) => m.code === s.code)!, kind: 'MEMBER', s });
      communities.push({
        communityCode: community.code,
        communityPackage: communityPackage.toString(),
        outOfCountyExpenditure: year.outOfCountyExpenditure.toString(),
        outOfCountyUnfunded: outOfCountyUnfunded.toString(),
        totalExpenditure: year.totalExpenditure.toString(),
        overspend: year.overspend.toString(),
        surplus: year.surplus.toString(),
        primaryAfterShares: year.primaryAfterShares.toString(),
        primaryShareOfPackage: year.primaryShareOfPackage,
        floor: {
          floorRate: year.floor.floorRate,
          required: year.floor.required.toString(),
          shortfall: year.floor.shortfall.toString(),
          met: year.floor.met,
        },
        floorViolation: !year.floor.met,
        floorReapportioned: year.floorReapportioned.toString(),
        score,
        depositWithheld: year.depositWithheld.toString(),
        depositReleased: year.depositReleased.toString(),
        closingBalances: asText(closing),
      });
    }

    // Private institutions under total-control settlement.
    const privateRows: { institution_id: number; budget: string | null; funded: string | null; deposit: string | null }[] =
      await manager.query(
        `SELECT i.id AS institution_id, b.amount AS budget,
              (SELECT SUM(p.funded) FROM private_payment p WHERE p.institution_id = i.id AND p.fund_year = ?) AS funded,
              (SELECT SUM(p.deposit) FROM private_payment p WHERE p.institution_id = i.id AND p.fund_year = ?) AS deposit
         FROM institution i LEFT JOIN private_budget b ON b.institution_id = i.id AND b.fund_year = ?
        WHERE i.county_id = ? AND i.type = 'PRIVATE_DESIGNATED' AND (b.id IS NOT NULL OR EXISTS (SELECT 1 FROM private_payment p WHERE p.institution_id = i.id AND p.fund_year = ?))`,
        [fundYear, fundYear, fundYear, county.id, fundYear],
      );
    let privateDue = Money.ZERO;
    for (const p of privateRows.sort((a, b) =>
      compareCodes(unitById.get(Number(a.institution_id))!.code, unitById.get(Number(b.institution_id))!.code),
    )) {
      const unit = unitById.get(Number(p.institution_id))!;
      const s = settlePrivateYear({
        code: unit.code,
        annualBudget: Money.of(p.budget ?? '0'),
        approvedConsumption: privateApproved.get(Number(unit.id)) ?? Money.ZERO,
        funded: Money.of(p.funded ?? '0'),
        depositWithheld: Money.of(p.deposit ?? '0'),
        surplusRewardRate: params.privateSurplusRewardRate,
        overspendShareRate: params.privateOverspendShareRate,
        overspendLimitRate: params.privateOverspendLimitRate,
      });
      transfers.push(...privateYearEndTransfers(prefix, s));
      statements.push({ unit, kind: 'PRIVATE', s });
      privateDue = privateDue.plus(s.balanceDue);
    }

    // Every transfer must post against the ledger as it stands (no protected account below zero).
    applyTransfers(ledgerBefore, transfers);
    return {
      summary: {
        options: {
          attributeOutOfCountyToLead: toLead,
          reapportionFloorShortfall: params.reapportionFloorShortfall === '1',
          surplusPrimaryWeight: params.surplusPrimaryWeight,
          parametersVersion: parameterSet.version,
        },
        communities,
        privateInstitutions: { count: privateRows.length, balanceDue: privateDue.toString() },
        pendingDeclarations: pendingDeclarations.map((d) => ({ communityCode: d.code, period: d.period, state: d.state })),
        records,
        transfers,
      },
      statements,
    };
  }

  /** Drafts an existing draft again, from the records and ledger as they are now. */
  async redraft(caller: Caller, id: number, version: number): Promise<YearEndView> {
    return inTransaction(this.dataSource, async (manager) => {
      const row = await this.row(manager, id, true);
      YEAR_END_LIFECYCLE.apply(row.state, 'redraft');
      if (Number(row.version) !== version) throw staleVersion(Number(row.version));
      await this.draft(manager, { id: row.county_id, code: row.county_code }, Number(row.fund_year), caller.name, true);
      return this.view(manager, id);
    });
  }

  /** The bureau approves a draft; the approver is not the person who drafted it. */
  async approve(caller: Caller, id: number, version: number): Promise<YearEndView> {
    return inTransaction(this.dataSource, async (manager) => {
      const row = await this.row(manager, id, true);
      if (row.state === 'APPROVED' || row.state === 'POSTED') return this.view(manager, id);
      YEAR_END_LIFECYCLE.apply(row.state, 'approve');
      if (Number(row.version) !== version) throw staleVersion(Number(row.version));
      assertMakerChecker(row.drafted_by, caller.name);
      const summary: YearEndSummary = JSON.parse(row.summary);
      if (summary.pendingDeclarations.length) {
        throw new DomainError(
          'DECLARATIONS_PENDING',
          'conflict',
          `${summary.pendingDeclarations.length} declaration(s) of ${row.fund_year} are not yet approved; approve or settle them and draft again`,
          [
            {
              field: 'pendingDeclarations',
              rule: 'allApproved',
              message: summary.pendingDeclarations.map((d) => `${d.communityCode} ${d.period}`).join(', '),
            },
          ],
        );
      }
      await this.assertLedgerUnchanged(manager, row, summary);
      await manager.query(
        "UPDATE year_end_settlement SET state = 'APPROVED', approved_by = ?, approved_at = CURRENT_TIMESTAMP(3), version = version + 1 WHERE id = ?",
        [caller.name, id],
      );
      await this.audit.record(manager, {
        action: 'yearEnd.approve',
        entityType: 'yearEndSettlement',
        entityId: String(id),
        before: { state: row.state },
        after: { state: 'APPROVED', approvedBy: caller.name },
      });
      return this.view(manager, id);
    });
  }

  /** Asks for the approved settlement to be posted; the posting runs as a job (outbox). */
  async requestPosting(caller: Caller, id: number, version: number): Promise<YearEndView> {
    let jobId: string | null = null;
    let askedBefore = false;
    const view = await inTransaction(this.dataSource, async (manager) => {
      const row = await this.row(manager, id, true);
      askedBefore = row.state === 'APPROVED' && Boolean(row.posting_requested_by);
      if (row.state === 'POSTED' || askedBefore) return this.view(manager, id);
      YEAR_END_LIFECYCLE.apply(row.state, 'post');
      if (Number(row.version) !== version) throw staleVersion(Number(row.version));
      await manager.query('UPDATE year_end_settlement SET posting_requested_by = ?, version = version + 1 WHERE id = ?', [caller.name, id]);
      jobId = await this.outbox.add(manager, 'yearend.post', { settlementId: id });
      await this.audit.record(manager, {
        action: 'yearEnd.requestPosting',
        entityType: 'yearEndSettlement',
        entityId: String(id),
        before: { state: row.state },
        after: { state: row.state, postingRequestedBy: caller.name },
      });
      return this.view(manager, id);
    });
    if (jobId) await this.outbox.relay([jobId]);
    else if (askedBefore) await this.outbox.redrive('yearend.post', { settlementId: id });
    return view;
  }

  /**
   * Posts the approved transfers one at a time, each in its own transaction with the progress
   * count; a transfer already posted is skipped by its id. Killed at any point, the job runs
   * again and finishes the rest.
   */
  @JobHandler('yearend.post')
  async post({ settlementId }: { settlementId: number }): Promise<{ posted: number; alreadyPosted: number; transfers: number }> {
    const row = await this.row(this.dataSource.manager, settlementId, false);
    if (row.state === 'POSTED') return { posted: 0, alreadyPosted: Number(row.posted_transfers), transfers: Number(row.posted_transfers) };
    if (row.state !== 'APPROVED')
      throw new DomainError('YEAR_END_NOT_APPROVED', 'conflict', `year-end settlement ${settlementId} is ${row.state}, not approved`);
    const summary: YearEndSummary = JSON.parse(row.summary);
    const transfers = summary.transfers.map((t) => ({ ...t, amount: Money.of(t.amount as unknown as string) }));
    let posted = 0;
    let alreadyPosted = 0;
    for (let i = 0; i < transfers.length; i++) {
      const outcome = await inTransaction(this.dataSource, async (manager) => {
        const r = await this.ledger.post(manager, row.county_id, row.fund_year, [transfers[i]], {
          type: 'yearEndSettlement',
          id: String(settlementId),
        });
        await manager.query('UPDATE year_end_settlement SET posted_transfers = GREATEST(posted_transfers, ?) WHERE id = ?', [
          i + 1,
          settlementId,
        ]);
        return r;
      });
      posted += outcome.posted;
      alreadyPosted += outcome.alreadyPosted;
      if (this.config.queue.yearEndPostingThrottleMs > 0)
        await new Promise((resolve) => setTimeout(resolve, this.config.queue.yearEndPostingThrottleMs));
    }
    await inTransaction(this.dataSource, async (manager) => {
      const result = await manager.query(
        "UPDATE year_end_settlement SET state = 'POSTED', posted_at = CURRENT_TIMESTAMP(3), version = version + 1 WHERE id = ? AND state = 'APPROVED'",
        [settlementId],
      );
      if (Number(result.affectedRows) === 1) {
        await this.audit.record(
          manager,
          {
            action: 'yearEnd.post',
            entityType: 'yearEndSettlement',
            entityId: String(settlementId),
            before: { state: 'APPROVED' },
            after: { state: 'POSTED', transfers: transfers.length },
          },
          { actor: `system:${row.posting_requested_by}` },
        );
      }
    });
    this.logger.log(`year-end settlement ${settlementId}: ${posted} transfers posted, ${alreadyPosted} were already posted`);
    return { posted, alreadyPosted, transfers: transfers.length };
  }

  async get(id: number): Promise<YearEndView> {
    return this.view(this.dataSource.manager, id);
  }

  async find(countyId: number, fundYear: number): Promise<YearEndView | null> {
    const [row] = await this.dataSource.query('SELECT id FROM year_end_settlement WHERE county_id = ? AND fund_year = ?', [
      countyId,
      fundYear,
    ]);
    return row ? this.view(this.dataSource.manager, Number(row.id)) : null;
  }

  /** One unit's statement of the fund year, with its settlement's id and state. */
  async statementOf(
    institutionCode: string,
    fundYear: number,
  ): Promise<{ settlementId: number; state: YearEndState; fundYear: number; statement: StatementView }> {
    const [row] = await this.dataSource.query(
      'SELECT s.id FROM year_end_settlement s JOIN institution i ON i.county_id = s.county_id WHERE i.code = ? AND s.fund_year = ?',
      [institutionCode, fundYear],
    );
    const y = row ? await this.view(this.dataSource.manager, Number(row.id)) : null;
    const statement = y?.statements.find((s) => s.institutionCode === institutionCode);
    if (!y || !statement)
      throw new DomainError('YEAR_END_STATEMENT_NOT_FOUND', 'not_found', `no year-end statement of ${institutionCode} for ${fundYear} yet`);
    return { settlementId: y.id, state: y.state as YearEndState, fundYear: y.fundYear, statement };
  }

  private async assertLedgerUnchanged(manager: EntityManager, row: Row, summary: YearEndSummary): Promise<void> {
    const totals = await this.ledger.accountTotals(manager, row.county_id, row.fund_year);
    for (const c of summary.communities) {
      const now = asText(communityClosingBalances(totals, c.communityCode));
      if (JSON.stringify(now) !== JSON.stringify(c.closingBalances)) {
        throw new DomainError(
          'YEAR_END_LEDGER_CHANGED',
          'conflict',
          `the ledger of ${c.communityCode} changed since the draft (${JSON.stringify(c.closingBalances)} → ${JSON.stringify(now)}); draft again before approving`,
        );
      }
    }
    for (const t of summary.transfers.filter((x) => x.debit.startsWith(PRIVATE_ACCOUNTS.deposit('')))) {
      if (balanceIn(totals, t.debit).lt(Money.of(t.amount as unknown as string)))
        throw new DomainError('YEAR_END_LEDGER_CHANGED', 'conflict', `${t.debit} changed since the draft; draft again before approving`);
    }
  }

  private async row(manager: EntityManager, id: number, lock: boolean): Promise<Row> {
    const [row] = await manager.query(
      `SELECT s.*, c.code AS county_code FROM year_end_settlement s JOIN county c ON c.id = s.county_id WHERE s.id = ?${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    if (!row) throw notFound('year-end settlement', String(id));
    return row;
  }

  private async view(manager: EntityManager, id: number): Promise<YearEndView> {
    const row = await this.row(manager, id, false);
    const statements: StatementRow[] = await manager.query(
      `SELECT s.*, i.code, i.name, i.type, m.code AS community_code FROM year_end_statement s JOIN institution i ON i.id = s.institution_id LEFT JOIN medical_community m ON m.id = s.community_id WHERE s.settlement_id = ? ORDER BY s.kind, m.code, i.code`,
      [id],
    );
    const summary: YearEndSummary = JSON.parse(row.summary);
    return {
      id: Number(row.id),
      countyCode: row.county_code,
      fundYear: Number(row.fund_year),
      state: row.state,
      version: Number(row.version),
      revision: Number(row.revision),
      draftedBy: row.drafted_by,
      draftedAt: row.drafted_at,
      approvedBy: row.approved_by ?? null,
      approvedAt: row.approved_at ?? null,
      postingRequestedBy: row.posting_requested_by ?? null,
      postedTransfers: Number(row.posted_transfers),
      totalTransfers: summary.transfers.length,
      postedAt: row.posted_at ?? null,
      summary,
      statements: statements.map((s) => ({
        institutionCode: s.code,
        institutionName: s.name,
        kind: s.kind,
        communityCode: s.community_code ?? null,
        primary: isPrimaryInstitution(s.type),
        approvedConsumption: Money.of(s.approved_consumption).toString(),
        overspendShare: Money.of(s.overspend_share).toString(),
        surplusShare: Money.of(s.surplus_share).toString(),
        floorTopUp: Money.of(s.floor_top_up).toString(),
        depositWithheld: Money.of(s.deposit_withheld).toString(),
        depositRelease: Money.of(s.deposit_release).toString(),
        paidSoFar: Money.of(s.paid_so_far).toString(),
        balanceDue: Money.of(s.balance_due).toString(),
      })),
    };
  }
}

const asText = (b: { package: Money; leadAdvance: Money; qualityDeposit: Money }) => ({
  package: b.package.toString(),
  leadAdvance: b.leadAdvance.toString(),
  qualityDeposit: b.qualityDeposit.toString(),
});

/** A settlement row (with its county's code) as MySQL returns it. */
interface Row {
  id: number;
  county_id: number;
  county_code: string;
  fund_year: number;
  state: YearEndState;
  version: number;
  revision: number;
  summary: string;
  drafted_by: string;
  drafted_at: Date;
  approved_by: string | null;
  approved_at: Date | null;
  posting_requested_by: string | null;
  posted_transfers: number;
  posted_at: Date | null;
}

/** A statement row with its institution. */
interface StatementRow {
  code: string;
  name: string;
  type: InstitutionType;
  kind: 'MEMBER' | 'PRIVATE';
  community_code: string | null;
  approved_consumption: string;
  overspend_share: string;
  surplus_share: string;
  floor_top_up: string;
  deposit_withheld: string;
  deposit_release: string;
  paid_so_far: string;
  balance_due: string;
}
