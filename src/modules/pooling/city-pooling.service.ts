import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Caller } from '../../common/caller';
import { notFound, outOfScope } from '../../common/record-errors';
import { inTransaction } from '../../database/transaction';
import { actingCountyId, assertActsAtRegion, assertMakerChecker } from '../../domain/access-policy';
import {
  CityPoolingTerms,
  countyResultTransfers,
  CountyResultSharing,
  DEFAULT_CITY_POOLING_TERMS,
  shareCountyFundResult,
} from '../../domain/city-gap-sharing';
import {
  assertCountyOfPrefecture,
  assertFiguresEntered,
  assertPoolUnchanged,
  assertRaisedTotalKnown,
  assertVersionNamed,
  CITY_SHARING_LIFECYCLE,
  CitySharingState,
  closingBalance,
  countyResultOpeningTransfers,
  countyYearResult,
  pooledFundAvailable,
} from '../../domain/county-pooling';
import { communityPackageAccount } from '../../domain/ledger';
import { Dec, Money } from '../../domain/money';
import { formatRate } from '../../domain/rate';
import { AuditService } from '../audit';
import { LedgerService } from '../ledger';
import { CountyService, RegionService } from '../registry';
import { ComputeSharingDto, FundResultDto, PoolingTermsDto } from './dto/pooling.dto';
import { FundResultRow, PoolingRepository, PoolingTermsRow, SharingRow } from './pooling.repository';
import { FundResultView, PoolingTermsView, SharingFiguresView, SharingInputsView, SharingView } from './pooling.views';

const TERM_COLUMNS: Record<keyof CityPoolingTerms, keyof PoolingTermsRow> = {
  cityShare: 'city_share',
  cityFinanceShare: 'city_finance_share',
  cityFinanceCapRate: 'city_finance_cap_rate',
  priorGapCityShareCut: 'prior_gap_city_share_cut',
  priorGapCityFinanceFactor: 'prior_gap_city_finance_factor',
  belowGoodCityShareCut: 'below_good_city_share_cut',
  transitionSurplusToCounty: 'transition_surplus_to_county',
  surplusToCounty: 'surplus_to_county',
};
const TERM_NAMES = Object.keys(TERM_COLUMNS) as (keyof CityPoolingTerms)[];
const FIGURE_NAMES: (keyof SharingFiguresView)[] = [
  'result',
  'gap',
  'surplus',
  'effectiveCityShare',
  'effectiveCityFinanceShare',
  'transitionDifferenceCovered',
  'sharedGap',
  'cityPart',
  'countyPart',
  'countyPartFromBalance',
  'countyPartFromSubsidy',
  'poolPays',
  'unpaid',
  'cityFinanceBeforeCap',
  'cityFinanceCap',
  'capCutOff',
  'cityFinance',
  'countyFinance',
  'surplusToCountyBalance',
  'surplusToPooledFund',
];

/**
 * The county fund's yearly results and their city-level sharing (SPEC §12.1, seed 000 §8): the
 * county bureau enters what its books hold; the prefecture bureau sets the year's terms and
 * computes a county's sharing; the prefecture's finance bureau confirms it (another person);
 * the prefecture bureau executes it, posting the movements in the county's fund-year ledger.
 */
@Injectable()
export class CityPoolingService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: PoolingRepository,
    private readonly counties: CountyService,
    private readonly regions: RegionService,
    private readonly ledger: LedgerService,
    private readonly audit: AuditService,
  ) {}

  /** The county bureau enters (or corrects, naming the version) the year's figures; an identical repeat changes nothing. */
  async enterFundResult(caller: Caller, countyCode: string, fundYear: number, dto: FundResultDto): Promise<FundResultView> {
    const county = await this.counties.getCounty(countyCode);
    if (county.id !== actingCountyId(caller.scope)) throw outOfScope('countyCode', `county ${countyCode}`);
    await inTransaction(this.dataSource, async (manager) => {
      await this.counties.lockCounty(manager, county.id);
      const current = await this.repository.fundResult(manager, county.id, fundYear, true);
      const fromAllocation = await this.repository.allocationRaisedTotal(manager, county.id, fundYear);
      const raised = dto.raisedTotal ?? fromAllocation ?? current?.raised_total ?? null;
      const values = {
        raised_total: assertRaisedTotalKnown(countyCode, fundYear, raised === null ? null : Money.of(raised)).toString(),
        income: Money.of(dto.income).toString(),
        expenditure: Money.of(dto.expenditure).toString(),
        opening_balance: Money.of(dto.openingBalance).toString(),
        transition_subsidy_difference: Money.of(dto.transitionSubsidyDifference ?? '0').toString(),
      };
      if (!current) {
        await this.repository.insertFundResult(manager, { county_id: county.id, fund_year: fundYear, ...values, entered_by: caller.name });
        await this.audit.record(manager, {
          action: 'county-fund-result.enter',
          entityType: 'county_fund_result',
          entityId: `${countyCode}:${fundYear}`,
          before: null,
          after: values,
        });
        return;
      }
      assertVersionNamed(true, dto.version, current.version);
      const before = fundFigures(current);
      const same = Object.entries(values).every(([k, v]) => Money.of(String(current[k as keyof FundResultRow])).eq(Money.of(v)));
      if (same && dto.version === current.version) return;
      await this.repository.updateFundResult(manager, current, dto.version!, { ...values, entered_by: caller.name });
      await this.audit.record(manager, {
        action: 'county-fund-result.enter',
        entityType: 'county_fund_result',
        entityId: `${countyCode}:${fundYear}`,
        before,
        after: values,
      });
    });
    return this.fundResult(countyCode, fundYear);
  }

  async fundResult(countyCode: string, fundYear: number): Promise<FundResultView> {
    const county = await this.counties.getCounty(countyCode);
    const row = await this.repository.fundResult(this.repository.manager, county.id, fundYear);
    if (!row) throw notFound('county fund result', `${countyCode} ${fundYear}`);
    return this.fundResultView(row);
  }

  /** The results of the given counties (a county's own, or every county of a prefecture), newest year first. */
  async fundResults(countyIds: readonly number[], fundYear?: number): Promise<FundResultView[]> {
    return Promise.all((await this.repository.fundResultsOf(countyIds, fundYear)).map((r) => this.fundResultView(r)));
  }

  async countyIdsOfPrefecture(prefectureCode: string): Promise<number[]> {
    const prefecture = await this.regions.prefecture(prefectureCode);
    const codes = (await this.regions.getPrefecture(prefecture.code)).countyCodes;
    const ids: number[] = [];
    for (const code of codes) ids.push((await this.counties.getCounty(code)).id);
    return ids;
  }

  private async fundResultView(row: FundResultRow): Promise<FundResultView> {
    const manager = this.repository.manager;
    const executed = await this.repository.executedSharingOf(row.county_id, row.fund_year);
    const anySharing = executed ?? (await this.repository.sharingStateOf(row.county_id, row.fund_year));
    const figures = executed ? (JSON.parse(executed.figures) as Record<string, string>) : null;
    const { result, gap, surplus } = countyYearResult({
      raisedTotal: Money.of(row.raised_total),
      income: Money.of(row.income),
      expenditure: Money.of(row.expenditure),
      openingBalance: Money.of(row.opening_balance),
    });
    const totals = await this.ledger.accountTotals(manager, row.county_id, row.fund_year);
    const packagesFunded = Money.sum(
      [...totals].filter(([code]) => code.startsWith(communityPackageAccount(''))).map(([, t]) => t.credits),
    );
    return {
      countyCode: row.county_code,
      fundYear: row.fund_year,
      raisedTotal: Money.of(row.raised_total).toString(),
      income: Money.of(row.income).toString(),
      expenditure: Money.of(row.expenditure).toString(),
      result: result.toString(),
      gap: gap.toString(),
      surplus: surplus.toString(),
      openingBalance: Money.of(row.opening_balance).toString(),
      closingBalance: closingBalance(
        Money.of(row.opening_balance),
        figures && {
          countyPartFromBalance: Money.of(figures.countyPartFromBalance),
          surplusToCountyBalance: Money.of(figures.surplusToCountyBalance),
        },
      ).toString(),
      transitionSubsidyDifference: Money.of(row.transition_subsidy_difference).toString(),
      allocationRaisedTotal: await this.repository.allocationRaisedTotal(manager, row.county_id, row.fund_year),
      packagesFunded: packagesFunded.toString(),
      sharingId: anySharing ? Number(anySharing.id) : null,
      sharingState: anySharing ? anySharing.state : null,
      enteredBy: row.entered_by,
      version: row.version,
    };
  }

  /** The prefecture's terms for the year; the SPEC §12.1 defaults (not stored) until it sets them. */
  async terms(prefectureCode: string, fundYear: number): Promise<PoolingTermsView> {
    const prefecture = await this.regions.prefecture(prefectureCode);
    const manager = this.repository.manager;
    const row = await this.repository.poolingTerms(manager, prefecture.id, fundYear);
    return this.termsView(manager, prefecture.code, prefecture.id, fundYear, row);
  }

  async setTerms(caller: Caller, prefectureCode: string, fundYear: number, dto: PoolingTermsDto): Promise<PoolingTermsView> {
    const prefecture = await this.regions.prefecture(prefectureCode);
    assertActsAtRegion(caller.scope, 'PREFECTURE', prefecture.id, `the pooling terms of ${prefectureCode}`);
    return inTransaction(this.dataSource, async (manager) => {
      await this.repository.lockPrefecture(manager, prefecture.id);
      const current = await this.repository.poolingTerms(manager, prefecture.id, fundYear, true);
      const base = current ? termsOf(current) : defaultTerms();
      const next: Record<string, unknown> = {};
      for (const name of TERM_NAMES) next[TERM_COLUMNS[name]] = dto[name] ?? base[name];
      next.transition_year = (dto.transitionYear ?? (current ? Boolean(current.transition_year) : false)) ? 1 : 0;
      next.pooled_fund_opening = Money.of(dto.pooledFundOpening ?? current?.pooled_fund_opening ?? '0').toString();
      // The rates are checked as the policy reads them (0 to 1, exact) before anything is stored.
      shareCountyFundResult(
        { countyCode: '-', raisedTotal: Money.ZERO, income: Money.ZERO, expenditure: Money.ZERO, accumulatedBalance: Money.ZERO },
        Money.ZERO,
        { gapLastYear: false, assessmentBelowGood: false, transitionYear: false, transitionSubsidyDifference: Money.ZERO },
        Object.fromEntries(TERM_NAMES.map((n) => [n, String(next[TERM_COLUMNS[n]])])) as unknown as CityPoolingTerms,
      );
      if (!current) {
        await this.repository.insertPoolingTerms(manager, {
          prefecture_id: prefecture.id,
          fund_year: fundYear,
          ...next,
          set_by: caller.name,
        });
      } else {
        assertVersionNamed(true, dto.version, current.version);
        await this.repository.updatePoolingTerms(manager, current, dto.version!, { ...next, set_by: caller.name });
      }
      await this.audit.record(manager, {
        action: 'city-pooling-terms.set',
        entityType: 'city_pooling_terms',
        entityId: `${prefectureCode}:${fundYear}`,
        before: current
          ? { ...termsOf(current), transitionYear: Boolean(current.transition_year), pooledFundOpening: current.pooled_fund_opening }
          : null,
        after: next,
      });
      const row = await this.repository.poolingTerms(manager, prefecture.id, fundYear);
      return this.termsView(manager, prefecture.code, prefecture.id, fundYear, row);
    });
  }

  /** The prefecture bureau computes (or, while not confirmed, recomputes) a county's sharing for a year. */
  async compute(caller: Caller, prefectureCode: string, dto: ComputeSharingDto): Promise<{ view: SharingView; created: boolean }> {
    const prefecture = await this.regions.prefecture(prefectureCode);
    assertActsAtRegion(caller.scope, 'PREFECTURE', prefecture.id, `the gap sharing of ${prefectureCode}`);
    const county = await this.counties.findCounty(dto.countyCode);
    assertCountyOfPrefecture(dto.countyCode, prefectureCode, county !== null && county.prefectureId === prefecture.id);
    const { id, created } = await inTransaction(this.dataSource, async (manager) => {
      await this.repository.lockPrefecture(manager, prefecture.id);
      const figures = await this.repository.fundResult(manager, county!.id, dto.fundYear);
      assertFiguresEntered(dto.countyCode, dto.fundYear, figures !== null);
      const lastYear = await this.repository.fundResult(manager, county!.id, dto.fundYear - 1);
      const termsRow = await this.storedTerms(manager, caller, prefecture.id, prefectureCode, dto.fundYear);
      const pool = await this.poolBalance(manager, prefecture.id, dto.fundYear, termsRow);
      const inputs: SharingInputsView = {
        raisedTotal: Money.of(figures!.raised_total).toString(),
        income: Money.of(figures!.income).toString(),
        expenditure: Money.of(figures!.expenditure).toString(),
        accumulatedBalance: Money.of(figures!.opening_balance).toString(),
        pooledFundBalance: pool.toString(),
        gapLastYear: lastYear !== null && Money.of(lastYear.income).lt(Money.of(lastYear.expenditure)),
        assessmentBelowGood: dto.assessmentBelowGood ?? false,
        transitionYear: Boolean(termsRow.transition_year),
        transitionSubsidyDifference: termsRow.transition_year ? Money.of(figures!.transition_subsidy_difference).toString() : '0.00',
        termsVersion: termsRow.version,
      };
      const sharing = shareCountyFundResult(
        {
          countyCode: dto.countyCode,
          raisedTotal: Money.of(inputs.raisedTotal),
          income: Money.of(inputs.income),
          expenditure: Money.of(inputs.expenditure),
          accumulatedBalance: Money.of(inputs.accumulatedBalance),
        },
        pool,
        {
          gapLastYear: inputs.gapLastYear,
          assessmentBelowGood: inputs.assessmentBelowGood,
          transitionYear: inputs.transitionYear,
          transitionSubsidyDifference: Money.of(inputs.transitionSubsidyDifference),
        },
        termsOf(termsRow),
      );
      const columns = {
        gap: sharing.gap.toString(),
        surplus: sharing.surplus.toString(),
        pool_pays: sharing.poolPays.toString(),
        surplus_to_pool: sharing.surplusToPooledFund.toString(),
        pooled_fund_balance: pool.toString(),
        inputs: JSON.stringify(inputs),
        figures: JSON.stringify(figuresOf(sharing)),
      };
      const existing = await this.repository.sharingOf(manager, county!.id, dto.fundYear);
      if (existing) {
        CITY_SHARING_LIFECYCLE.apply(existing.state as CitySharingState, 'recompute');
        if (existing.inputs === columns.inputs && existing.figures === columns.figures) return { id: Number(existing.id), created: false };
        await this.repository.updateSharing(manager, existing, existing.version, { ...columns, computed_by: caller.name });
        await this.audit.record(manager, {
          action: 'city-gap-sharing.recompute',
          entityType: 'city_gap_sharing',
          entityId: String(existing.id),
          before: { inputs: JSON.parse(existing.inputs), figures: JSON.parse(existing.figures) },
          after: { inputs, figures: figuresOf(sharing) },
        });
        return { id: Number(existing.id), created: false };
      }
      const newId = await this.repository.insertSharing(manager, {
        prefecture_id: prefecture.id,
        county_id: county!.id,
        fund_year: dto.fundYear,
        state: 'COMPUTED',
        ...columns,
        computed_by: caller.name,
      });
      await this.audit.record(manager, {
        action: 'city-gap-sharing.compute',
        entityType: 'city_gap_sharing',
        entityId: String(newId),
        before: null,
        after: { state: 'COMPUTED', inputs, figures: figuresOf(sharing) },
      });
      return { id: newId, created: true };
    });
    return { view: await this.sharing(id), created };
  }

  /** The prefecture's finance bureau confirms a computed sharing; whoever computed it cannot (maker-checker). */
  async confirm(caller: Caller, id: number, version: number): Promise<SharingView> {
    await inTransaction(this.dataSource, async (manager) => {
      const current = await this.lockedSharing(manager, id);
      assertActsAtRegion(caller.scope, 'PREFECTURE', current.prefecture_id, `the gap sharing ${id}`);
      assertMakerChecker(current.computed_by, caller.name);
      const to = CITY_SHARING_LIFECYCLE.apply(current.state as CitySharingState, 'confirm');
      await this.repository.updateSharing(manager, current, version, { state: to, confirmed_by: caller.name, confirmed_at: new Date() });
      await this.audit.record(manager, {
        action: 'city-gap-sharing.confirm',
        entityType: 'city_gap_sharing',
        entityId: String(id),
        before: { state: current.state },
        after: { state: to, confirmedBy: caller.name },
      });
    });
    return this.sharing(id);
  }

  /**
   * Executes a confirmed sharing: its movements are posted in the county's fund-year ledger
   * (the year's result and opening balance from the county's books, then each payer's leg), in
   * the same transaction as the state change. The pooled fund must still hold what the sharing
   * was computed against.
   */
  async execute(caller: Caller, id: number, version: number): Promise<SharingView> {
    await inTransaction(this.dataSource, async (manager) => {
      const peek = await this.repository.sharing(manager, id);
      if (!peek) throw notFound('gap sharing', String(id));
      await this.repository.lockPrefecture(manager, peek.prefecture_id);
      const current = await this.lockedSharing(manager, id);
      assertActsAtRegion(caller.scope, 'PREFECTURE', current.prefecture_id, `the gap sharing ${id}`);
      const to = CITY_SHARING_LIFECYCLE.apply(current.state as CitySharingState, 'execute');
      const termsRow = (await this.repository.poolingTerms(manager, current.prefecture_id, current.fund_year))!;
      assertPoolUnchanged(
        Money.of(current.pooled_fund_balance),
        await this.poolBalance(manager, current.prefecture_id, current.fund_year, termsRow),
      );
      const inputs = JSON.parse(current.inputs) as SharingInputsView;
      const sharing = sharingOf(current.county_code, JSON.parse(current.figures) as Record<string, string>);
      const prefix = `city-sharing.${id}`;
      const transfers = [
        ...countyResultOpeningTransfers(prefix, current.county_code, sharing.result, Money.of(inputs.accumulatedBalance)),
        ...countyResultTransfers(prefix, sharing),
      ];
      await this.ledger.post(manager, current.county_id, current.fund_year, transfers, { type: 'city_gap_sharing', id: String(id) });
      await this.repository.updateSharing(manager, current, version, { state: to, executed_by: caller.name, executed_at: new Date() });
      await this.audit.record(manager, {
        action: 'city-gap-sharing.execute',
        entityType: 'city_gap_sharing',
        entityId: String(id),
        before: { state: current.state },
        after: { state: to, transfers: transfers.length },
      });
    });
    return this.sharing(id);
  }

  async sharing(id: number): Promise<SharingView> {
    const row = await this.repository.sharing(this.repository.manager, id);
    if (!row) throw notFound('gap sharing', String(id));
    return sharingView(row);
  }

  async sharingsOf(prefectureCode: string, fundYear?: number): Promise<SharingView[]> {
    const prefecture = await this.regions.prefecture(prefectureCode);
    return (await this.repository.sharingsOf(prefecture.id, fundYear)).map(sharingView);
  }

  private async lockedSharing(manager: EntityManager, id: number): Promise<SharingRow> {
    const row = await this.repository.sharing(manager, id, true);
    if (!row) throw notFound('gap sharing', String(id));
    return row;
  }

  /** The year's stored terms; the defaults are stored (and audited) the first time a sharing needs them. */
  private async storedTerms(
    manager: EntityManager,
    caller: Caller,
    prefectureId: number,
    code: string,
    fundYear: number,
  ): Promise<PoolingTermsRow> {
    const row = await this.repository.poolingTerms(manager, prefectureId, fundYear, true);
    if (row) return row;
    const defaults: Record<string, unknown> = {};
    for (const name of TERM_NAMES) defaults[TERM_COLUMNS[name]] = formatRate(DEFAULT_CITY_POOLING_TERMS[name]);
    await this.repository.insertPoolingTerms(manager, {
      prefecture_id: prefectureId,
      fund_year: fundYear,
      ...defaults,
      transition_year: 0,
      pooled_fund_opening: '0.00',
      set_by: caller.name,
    });
    await this.audit.record(manager, {
      action: 'city-pooling-terms.set',
      entityType: 'city_pooling_terms',
      entityId: `${code}:${fundYear}`,
      before: null,
      after: { ...defaults, source: 'SPEC §12.1 defaults' },
    });
    return (await this.repository.poolingTerms(manager, prefectureId, fundYear, true))!;
  }

  private async poolBalance(manager: EntityManager, prefectureId: number, fundYear: number, terms: PoolingTermsRow | null): Promise<Money> {
    const executed = await this.repository.executedPoolMovements(manager, prefectureId, fundYear);
    return pooledFundAvailable(
      Money.of(terms?.pooled_fund_opening ?? '0'),
      executed.map((e) => ({ poolPays: Money.of(e.pool_pays), surplusToPool: Money.of(e.surplus_to_pool) })),
    );
  }

  private async termsView(
    manager: EntityManager,
    prefectureCode: string,
    prefectureId: number,
    fundYear: number,
    row: PoolingTermsRow | null,
  ): Promise<PoolingTermsView> {
    const rates = row ? termsOf(row) : defaultTerms();
    return {
      prefectureCode,
      fundYear,
      stored: row !== null,
      ...rates,
      transitionYear: row ? Boolean(row.transition_year) : false,
      pooledFundOpening: Money.of(row?.pooled_fund_opening ?? '0').toString(),
      pooledFundBalance: (await this.poolBalance(manager, prefectureId, fundYear, row)).toString(),
      version: row?.version ?? 0,
    };
  }
}

function defaultTerms(): Record<keyof CityPoolingTerms, string> {
  return Object.fromEntries(TERM_NAMES.map((n) => [n, formatRate(DEFAULT_CITY_POOLING_TERMS[n])])) as Record<
    keyof CityPoolingTerms,
    string
  >;
}

function termsOf(row: PoolingTermsRow): Record<keyof CityPoolingTerms, string> {
  return Object.fromEntries(TERM_NAMES.map((n) => [n, trimRate(String(row[TERM_COLUMNS[n]]))])) as Record<keyof CityPoolingTerms, string>;
}

/** DECIMAL(9,6) text as the exact share it stores ("0.300000" → "0.30"). */
function trimRate(text: string): string {
  return formatRate(new Dec(text));
}

function fundFigures(r: FundResultRow): Record<string, unknown> {
  return {
    raised_total: r.raised_total,
    income: r.income,
    expenditure: r.expenditure,
    opening_balance: r.opening_balance,
    transition_subsidy_difference: r.transition_subsidy_difference,
  };
}

function figuresOf(s: CountyResultSharing): SharingFiguresView {
  return Object.fromEntries(FIGURE_NAMES.map((n) => [n, s[n].toString()])) as unknown as SharingFiguresView;
}

/** The stored figures as the policy's result again (for posting exactly what was confirmed). */
function sharingOf(countyCode: string, f: Record<string, string>): CountyResultSharing {
  const money = Object.fromEntries(
    FIGURE_NAMES.filter((n) => n !== 'effectiveCityShare' && n !== 'effectiveCityFinanceShare').map((n) => [n, Money.of(f[n])]),
  );
  return {
    countyCode,
    ...money,
    effectiveCityShare: new Dec(f.effectiveCityShare),
    effectiveCityFinanceShare: new Dec(f.effectiveCityFinanceShare),
  } as CountyResultSharing;
}

function sharingView(row: SharingRow): SharingView {
  return {
    id: Number(row.id),
    prefectureCode: row.prefecture_code,
    countyCode: row.county_code,
    fundYear: row.fund_year,
    state: row.state,
    allowedActions: CITY_SHARING_LIFECYCLE.allowedActions(row.state as CitySharingState),
    inputs: JSON.parse(row.inputs) as SharingInputsView,
    figures: JSON.parse(row.figures) as SharingFiguresView,
    computedBy: row.computed_by,
    confirmedBy: row.confirmed_by,
    executedBy: row.executed_by,
    version: row.version,
  };
}
