import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Dec } from '../../domain/money';
import { formatRate } from '../../domain/rate';
import {
  AssessmentScheme,
  AssessmentTargets,
  AssessmentWeights,
  assessPerformance,
  defaultAssessmentScheme,
  ENTERED_VALUE_NAMES,
  EnteredValues,
  IndicatorName,
  IndicatorResult,
  NO_ENTERED_VALUES,
  recordedFigures,
  validateAssessmentScheme,
  validateEnteredValues,
  YearFigures,
} from '../../domain/performance-assessment';
import { staleVersion } from '../../common/record-errors';
import { currentContext } from '../../common/request-context';
import { inTransaction } from '../../database/transaction';
import { AuditService } from '../audit';
import { AssessmentRepository, EnteredRow, SchemeRow, TARGET_COLUMNS, WEIGHT_COLUMNS } from './assessment.repository';
import { AssessedCommunity, CommunityFiguresRepository } from './community-figures.repository';

export interface AssessmentSchemeView extends AssessmentScheme {
  countyCode: string;
  fundYear: number;
  /** 0 while nothing is saved for the year. */
  version: number;
  /** Saved for this year, carried from the latest earlier year, or the defaults. */
  source: 'saved' | 'previous-year' | 'default';
  changedBy: string | null;
  changedAt: string | null;
}

export interface EnteredValuesView {
  communityCode: string;
  fundYear: number;
  /** 0 while the bureau has entered nothing for the year. */
  version: number;
  values: EnteredValues;
  enteredBy: string | null;
  enteredAt: string | null;
}

/** A year's figures behind the indicators, amounts as yuan strings. */
export type FiguresView = Record<keyof YearFigures, number | string | null>;

export interface Assessment {
  communityCode: string;
  communityName: string;
  fundYear: number;
  /** Weighted score, two decimals, 0.00–100.00. */
  score: string;
  indicators: IndicatorResult[];
  scheme: { version: number; source: AssessmentSchemeView['source'] };
  enteredValues: { version: number; values: EnteredValues };
  /** The primary share's target: the year's primary-care floor. */
  primaryFloorRate: string;
  figures: { current: FiguresView; previous: FiguresView | null; previousFundYear: number };
}

function schemeOf(row: SchemeRow): AssessmentScheme {
  const weights = Object.fromEntries(
    Object.entries(WEIGHT_COLUMNS).map(([name, column]) => [name, new Dec(String(row[column])).toFixed(2)]),
  ) as AssessmentWeights;
  const targets = Object.fromEntries(
    Object.entries(TARGET_COLUMNS).map(([name, column]) => [name, trimShare(String(row[column]))]),
  ) as unknown as AssessmentTargets;
  return { weights, targets };
}

/** A stored DECIMAL(5,4) share as the bureau typed it: "0.9000" → "0.90". */
const trimShare = (text: string): string => formatRate(new Dec(text));

function figuresView(f: YearFigures): FiguresView {
  return Object.fromEntries(Object.entries(f).map(([k, v]) => [k, v === null || typeof v === 'number' ? v : v.toString()])) as FiguresView;
}

/**
 * Performance assessment of a community and fund year (SPEC §8): loads the year's and the
 * previous year's aggregates, the bureau's scheme and entered values, and lets the policy score.
 */
@Injectable()
export class PerformanceAssessmentService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly figures: CommunityFiguresRepository,
    private readonly audit: AuditService,
    private readonly assessments: AssessmentRepository,
  ) {}

  /** The assessment as it stands, computed live; used by the year-end settlement to release the quality deposit. */
  async assess(manager: EntityManager, communityId: number, fundYear: number): Promise<Assessment> {
    return this.assessCommunity(manager, await this.figures.community(manager, { id: communityId }), fundYear);
  }

  async assessByCode(communityCode: string, fundYear: number): Promise<Assessment> {
    const manager = this.dataSource.manager;
    return this.assessCommunity(manager, await this.figures.community(manager, { code: communityCode }), fundYear);
  }

  private async assessCommunity(manager: EntityManager, community: AssessedCommunity, fundYear: number): Promise<Assessment> {
    const scheme = await this.schemeOf(manager, { id: community.countyId, code: community.countyCode }, fundYear);
    const parameters = await this.figures.policyParameters(manager, community, fundYear);
    const year = async (y: number) => {
      const flows = await this.figures.flows(manager, community.id, `${y}-01`, `${y}-12`);
      const recorded = recordedFigures(flows.groups, flows.outOfCounty, await this.figures.communityPackage(manager, community, y));
      const entered = await this.enteredOf(manager, community, y);
      const hasData =
        flows.groups.length > 0 || flows.outOfCounty.length > 0 || ENTERED_VALUE_NAMES.some((n) => entered.values[n] !== null);
      return { recorded, entered: entered.values, version: entered.version, hasData };
    };
    const current = await year(fundYear);
    const previous = await year(fundYear - 1);
    const result = assessPerformance({
      current,
      previous: previous.hasData ? previous : null,
      scheme,
      primaryFloorRate: parameters.primaryFloorRate,
    });
    return {
      communityCode: community.code,
      communityName: community.name,
      fundYear,
      score: result.score,
      indicators: result.indicators,
      scheme: { version: scheme.version, source: scheme.source },
      enteredValues: { version: current.version, values: current.entered },
      primaryFloorRate: parameters.primaryFloorRate,
      figures: {
        current: figuresView(current.recorded),
        previous: previous.hasData ? figuresView(previous.recorded) : null,
        previousFundYear: fundYear - 1,
      },
    };
  }

  // ------------------------------------------------------------ weights and targets per county and year

  scheme(county: { id: number; code: string }, fundYear: number): Promise<AssessmentSchemeView> {
    return this.schemeOf(this.dataSource.manager, county, fundYear);
  }

  private async schemeOf(manager: EntityManager, county: { id: number; code: string }, fundYear: number): Promise<AssessmentSchemeView> {
    const row = await this.assessments.latestScheme(manager, county.id, fundYear);
    if (!row)
      return {
        countyCode: county.code,
        fundYear,
        version: 0,
        source: 'default',
        ...defaultAssessmentScheme(),
        changedBy: null,
        changedAt: null,
      };
    // A new year starts from the latest earlier year's scheme.
    if (Number(row.fund_year) !== fundYear)
      return { countyCode: county.code, fundYear, version: 0, source: 'previous-year', ...schemeOf(row), changedBy: null, changedAt: null };
    return {
      countyCode: county.code,
      fundYear,
      version: Number(row.version),
      source: 'saved',
      ...schemeOf(row),
      changedBy: row.changed_by,
      changedAt: row.created_at.toISOString(),
    };
  }

  /** Saves a new version of the year's weights and targets; `expectedVersion` is the current one (0 before the first save). */
  async saveScheme(
    county: { id: number; code: string },
    fundYear: number,
    expectedVersion: number,
    changes: { weights?: Partial<AssessmentWeights>; targets?: Partial<AssessmentTargets> },
  ): Promise<AssessmentSchemeView> {
    return inTransaction(this.dataSource, async (manager) => {
      await this.assessments.lockCounty(manager, county.id);
      const before = await this.schemeOf(manager, county, fundYear);
      if (before.version !== expectedVersion) throw staleVersion(before.version);
      const scheme = validateAssessmentScheme({
        weights: { ...before.weights, ...changes.weights },
        targets: { ...before.targets, ...changes.targets },
      });
      if (before.source === 'saved' && JSON.stringify(scheme) === JSON.stringify({ weights: before.weights, targets: before.targets }))
        return before;
      const version = before.version + 1;
      const values = [
        ...Object.keys(WEIGHT_COLUMNS).map((n) => scheme.weights[n as IndicatorName]),
        ...Object.keys(TARGET_COLUMNS).map((n) => scheme.targets[n as keyof AssessmentTargets]),
      ];
      await this.assessments.insertScheme(manager, { countyId: county.id, fundYear, version, changedBy: currentContext().actor, values });
      await this.audit.record(manager, {
        action: 'assessmentScheme.save',
        entityType: 'assessmentScheme',
        entityId: `${county.code}/${fundYear}`,
        before: { ...flatScheme(before), version: before.version },
        after: { ...flatScheme(scheme), version },
      });
      return this.schemeOf(manager, county, fundYear);
    });
  }

  // ------------------------------------------------------------ values the bureau enters per community and year

  async enteredValues(communityCode: string, fundYear: number): Promise<EnteredValuesView> {
    const manager = this.dataSource.manager;
    return this.enteredOf(manager, await this.figures.community(manager, { code: communityCode }), fundYear);
  }

  private async enteredOf(manager: EntityManager, community: AssessedCommunity, fundYear: number): Promise<EnteredValuesView> {
    const row: EnteredRow | undefined = await this.assessments.latestEntered(manager, community.id, fundYear);
    if (!row)
      return { communityCode: community.code, fundYear, version: 0, values: { ...NO_ENTERED_VALUES }, enteredBy: null, enteredAt: null };
    const count = (v: number | null) => (v === null ? null : Number(v));
    return {
      communityCode: community.code,
      fundYear,
      version: Number(row.version),
      values: {
        prefectureCompensationRatio: row.prefecture_compensation_ratio === null ? null : trimShare(row.prefecture_compensation_ratio),
        inCountyInpatientCount: count(row.in_county_inpatient_count),
        outOfCountyInpatientCount: count(row.out_of_county_inpatient_count),
        outsideTownshipInpatientCount: count(row.outside_township_inpatient_count),
      },
      enteredBy: row.entered_by,
      enteredAt: row.created_at.toISOString(),
    };
  }

  /** Saves a new version of the entered values; a field given as null is cleared, one left out is kept. */
  async saveEnteredValues(
    communityCode: string,
    fundYear: number,
    expectedVersion: number,
    changes: Partial<EnteredValues>,
  ): Promise<EnteredValuesView> {
    return inTransaction(this.dataSource, async (manager) => {
      const community = await this.figures.community(manager, { code: communityCode });
      await this.assessments.lockCommunity(manager, community.id);
      const before = await this.enteredOf(manager, community, fundYear);
      if (before.version !== expectedVersion) throw staleVersion(before.version);
      const values = validateEnteredValues({ ...before.values, ...changes });
      if (JSON.stringify(values) === JSON.stringify(before.values)) return before;
      const version = before.version + 1;
      await this.assessments.insertEntered(manager, {
        communityId: community.id,
        fundYear,
        version,
        values,
        enteredBy: currentContext().actor,
      });
      await this.audit.record(manager, {
        action: 'assessmentEnteredValues.save',
        entityType: 'assessmentEnteredValues',
        entityId: `${community.code}/${fundYear}`,
        before: { ...before.values, version: before.version },
        after: { ...values, version },
      });
      return this.enteredOf(manager, community, fundYear);
    });
  }
}

function flatScheme(s: AssessmentScheme): Record<string, string> {
  return {
    ...Object.fromEntries(Object.entries(s.weights).map(([k, v]) => [`weights.${k}`, v])),
    ...Object.fromEntries(Object.entries(s.targets).map(([k, v]) => [`targets.${k}`, v])),
  };
}
