import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Caller } from '../../common/caller';
import { notFound } from '../../common/record-errors';
import { inTransaction } from '../../database/transaction';
import { assertActsAtRegion, assertMakerChecker, Scope } from '../../domain/access-policy';
import { assertRegionsOfProvince, assertVersionNamed, PROVINCIAL_FUND_LIFECYCLE, ProvincialFundState } from '../../domain/county-pooling';
import { Money } from '../../domain/money';
import { adjustProvincialFund, DEFAULT_PROVINCIAL_FUND_TERMS, ProvincialFundTerms } from '../../domain/provincial-adjustment-fund';
import { formatRate } from '../../domain/rate';
import { AuditService } from '../audit';
import { RegionService } from '../registry';
import { DraftProvincialFundDto, FundRegionDto } from './dto/pooling.dto';
import { PoolingRepository, ProvincialFundRow } from './pooling.repository';
import { FundRegionView, ProvincialFundView } from './pooling.views';

type Totals = Pick<ProvincialFundView, 'totalContributions' | 'totalReturned' | 'totalWithheld' | 'provincialRiskFundChange' | 'totalHeld'>;
const TERM_NAMES = Object.keys(DEFAULT_PROVINCIAL_FUND_TERMS) as (keyof ProvincialFundTerms)[];

/**
 * The provincial adjustment fund (省级调剂金, SPEC §12.2, seed 004): the province bureau drafts
 * a year from its prefectures' incomes, insured and collection rates and assessment scores;
 * another person of the bureau approves it; it is then posted and never changes again.
 */
@Injectable()
export class ProvincialFundService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: PoolingRepository,
    private readonly regions: RegionService,
    private readonly audit: AuditService,
  ) {}

  /** Drafts the year (or, while a draft, redrafts it naming its version); an identical repeat changes nothing. */
  async draft(caller: Caller, provinceCode: string, dto: DraftProvincialFundDto): Promise<{ view: ProvincialFundView; created: boolean }> {
    const province = await this.regions.province(provinceCode);
    assertActsAtRegion(caller.scope, 'PROVINCE', province.id, `the adjustment fund of ${provinceCode}`);
    const own = new Set((await this.regions.getProvince(provinceCode)).prefectureCodes);
    assertRegionsOfProvince(
      dto.regions.map((r, index) => ({ index, code: r.regionCode })).filter((r) => !own.has(r.code)),
      provinceCode,
    );
    const terms = Object.fromEntries(TERM_NAMES.map((n) => [n, dto[n] ?? formatRate(DEFAULT_PROVINCIAL_FUND_TERMS[n])])) as Record<
      keyof ProvincialFundTerms,
      string
    >;
    const regions = dto.regions.map((r: FundRegionDto) => ({
      regionCode: r.regionCode,
      income: Money.of(r.income).toString(),
      insured: r.insured,
      collectionRate: r.collectionRate,
      assessmentScore: r.assessmentScore,
    }));
    const result = adjustProvincialFund(
      regions.map((r) => ({
        code: r.regionCode,
        income: Money.of(r.income),
        insured: r.insured,
        collectionRate: r.collectionRate,
        assessmentScore: r.assessmentScore,
      })),
      terms,
    );
    const figures = {
      regions: result.regions.map((r) => ({
        code: r.code,
        contribution: r.contribution.toString(),
        distributionWeight: r.distributionWeight.toString(),
        received: r.received.toString(),
        net: r.net.toString(),
        cap: r.cap.toString(),
        returned: r.returned.toString(),
        withheld: r.withheld.toString(),
        netAfterCaps: r.netAfterCaps.toString(),
        held: r.held.toString(),
        secondDistribution: r.secondDistribution.toString(),
        finalNet: r.finalNet.toString(),
      })),
      totalContributions: result.totalContributions.toString(),
      totalReturned: result.totalReturned.toString(),
      totalWithheld: result.totalWithheld.toString(),
      provincialRiskFundChange: result.provincialRiskFundChange.toString(),
      totalHeld: result.totalHeld.toString(),
    };
    const columns = { terms: JSON.stringify(terms), regions: JSON.stringify(regions), figures: JSON.stringify(figures) };
    const { id, created } = await inTransaction(this.dataSource, async (manager) => {
      const existing = await this.repository.fundOf(manager, province.id, dto.fundYear);
      if (existing) {
        if (existing.terms === columns.terms && existing.regions === columns.regions) return { id: Number(existing.id), created: false };
        PROVINCIAL_FUND_LIFECYCLE.apply(existing.state as ProvincialFundState, 'redraft');
        assertVersionNamed(true, dto.version, existing.version);
        await this.repository.updateFund(manager, existing, dto.version!, { ...columns, drafted_by: caller.name });
        await this.audit.record(manager, {
          action: 'provincial-fund.redraft',
          entityType: 'provincial_fund',
          entityId: String(existing.id),
          before: { terms: JSON.parse(existing.terms), regions: JSON.parse(existing.regions) },
          after: { terms, regions },
        });
        return { id: Number(existing.id), created: false };
      }
      const newId = await this.repository.insertFund(manager, {
        province_id: province.id,
        fund_year: dto.fundYear,
        state: 'DRAFTED',
        ...columns,
        drafted_by: caller.name,
      });
      await this.audit.record(manager, {
        action: 'provincial-fund.draft',
        entityType: 'provincial_fund',
        entityId: String(newId),
        before: null,
        after: { state: 'DRAFTED', terms, regions, figures },
      });
      return { id: newId, created: true };
    });
    return { view: await this.fund(id, caller.scope), created };
  }

  async approve(caller: Caller, id: number, version: number): Promise<ProvincialFundView> {
    return this.transition(caller, id, version, 'approve');
  }

  async post(caller: Caller, id: number, version: number): Promise<ProvincialFundView> {
    return this.transition(caller, id, version, 'post');
  }

  private async transition(caller: Caller, id: number, version: number, action: 'approve' | 'post'): Promise<ProvincialFundView> {
    await inTransaction(this.dataSource, async (manager) => {
      const current = await this.repository.fund(manager, id, true);
      if (!current) throw notFound('provincial fund', String(id));
      assertActsAtRegion(caller.scope, 'PROVINCE', current.province_id, `the adjustment fund ${id}`);
      if (action === 'approve') assertMakerChecker(current.drafted_by, caller.name);
      const to = PROVINCIAL_FUND_LIFECYCLE.apply(current.state as ProvincialFundState, action);
      const now = new Date();
      await this.repository.updateFund(
        manager,
        current,
        version,
        action === 'approve'
          ? { state: to, approved_by: caller.name, approved_at: now }
          : { state: to, posted_by: caller.name, posted_at: now },
      );
      await this.audit.record(manager, {
        action: `provincial-fund.${action}`,
        entityType: 'provincial_fund',
        entityId: String(id),
        before: { state: current.state },
        after: { state: to, by: caller.name },
      });
    });
    return this.fund(id, caller.scope);
  }

  /** The year's fund; a prefecture's reader sees its own region's line only. */
  async fund(id: number, scope: Scope): Promise<ProvincialFundView> {
    const row = await this.repository.fund(this.repository.manager, id);
    if (!row) throw notFound('provincial fund', String(id));
    return this.view(row, scope);
  }

  async fundsOf(provinceCode: string, scope: Scope): Promise<ProvincialFundView[]> {
    const province = await this.regions.province(provinceCode);
    return Promise.all((await this.repository.fundsOf(province.id)).map((r) => this.view(r, scope)));
  }

  private async view(row: ProvincialFundRow, scope: Scope): Promise<ProvincialFundView> {
    const terms = JSON.parse(row.terms) as Record<keyof ProvincialFundTerms, string>;
    const inputs = JSON.parse(row.regions) as {
      regionCode: string;
      income: string;
      insured: string;
      collectionRate: string;
      assessmentScore: string;
    }[];
    const figures = JSON.parse(row.figures) as Totals & {
      regions: Omit<FundRegionView, 'income' | 'insured' | 'collectionRate' | 'assessmentScore'>[];
    };
    const ownRegion =
      scope.kind === 'region' && scope.level === 'PREFECTURE' ? (await this.regions.prefectureById(scope.regionId)).code : null;
    const regions: FundRegionView[] = figures.regions
      .filter((r) => ownRegion === null || r.code === ownRegion)
      .map((r) => {
        const input = inputs.find((i) => i.regionCode === r.code)!;
        return {
          ...r,
          income: input.income,
          insured: input.insured,
          collectionRate: input.collectionRate,
          assessmentScore: input.assessmentScore,
        };
      });
    return {
      id: Number(row.id),
      provinceCode: row.province_code,
      fundYear: row.fund_year,
      state: row.state,
      allowedActions: PROVINCIAL_FUND_LIFECYCLE.allowedActions(row.state as ProvincialFundState),
      ...terms,
      regions,
      totalContributions: figures.totalContributions,
      totalReturned: figures.totalReturned,
      totalWithheld: figures.totalWithheld,
      provincialRiskFundChange: figures.provincialRiskFundChange,
      totalHeld: figures.totalHeld,
      draftedBy: row.drafted_by,
      approvedBy: row.approved_by,
      postedBy: row.posted_by,
      version: row.version,
    };
  }
}
