import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AssessmentTargets, EnteredValues, IndicatorName } from '../../domain/performance-assessment';

export type SchemeRow = Record<string, string | number | Date> & {
  version: number;
  changed_by: string;
  created_at: Date;
  fund_year: number;
};
export type EnteredRow = {
  version: number;
  prefecture_compensation_ratio: string | null;
  in_county_inpatient_count: number | null;
  out_of_county_inpatient_count: number | null;
  outside_township_inpatient_count: number | null;
  entered_by: string;
  created_at: Date;
};

export const WEIGHT_COLUMNS: Record<IndicatorName, string> = {
  inCountyInpatientRate: 'w_in_county_inpatient_rate',
  outOfCountyInpatientCount: 'w_out_of_county_inpatient_count',
  outsideTownshipInpatientCount: 'w_outside_township_inpatient_count',
  inpatientCompensationRatio: 'w_inpatient_compensation_ratio',
  clinicalPathwayRate: 'w_clinical_pathway_rate',
  outOfCountyReferralRate: 'w_out_of_county_referral_rate',
  primaryShare: 'w_primary_share',
};
export const TARGET_COLUMNS: Record<keyof AssessmentTargets, string> = {
  inCountyInpatientRate: 't_in_county_inpatient_rate',
  clinicalPathwayRate: 't_clinical_pathway_rate',
  outOfCountyReferralRate: 't_out_of_county_referral_rate',
};
const SCHEME_COLUMNS = [...Object.values(WEIGHT_COLUMNS), ...Object.values(TARGET_COLUMNS)];

/** The bureau's assessment schemes (assessment_scheme) and entered values (assessment_entered_values), versioned. */
@Injectable()
export class AssessmentRepository {
  /** The county's latest scheme of the year or the latest earlier year, if any. */
  async latestScheme(manager: EntityManager, countyId: number, fundYear: number): Promise<SchemeRow | undefined> {
    const [row]: SchemeRow[] = await manager.query(
      `SELECT fund_year, version, changed_by, created_at, ${SCHEME_COLUMNS.join(', ')} FROM assessment_scheme WHERE county_id = ? AND fund_year <= ? ORDER BY fund_year DESC, version DESC LIMIT 1`,
      [countyId, fundYear],
    );
    return row;
  }

  /** Serialises scheme saves of one county (the county's row is the lock). */
  async lockCounty(manager: EntityManager, countyId: number): Promise<void> {
    await manager.query('SELECT id FROM county WHERE id = ? FOR UPDATE', [countyId]);
  }

  /** `values`: the weights in WEIGHT_COLUMNS order, then the targets in TARGET_COLUMNS order. */
  async insertScheme(
    manager: EntityManager,
    s: { countyId: number; fundYear: number; version: number; changedBy: string; values: string[] },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO assessment_scheme (county_id, fund_year, version, changed_by, ${SCHEME_COLUMNS.join(', ')}) VALUES (?, ?, ?, ?, ${SCHEME_COLUMNS.map(() => '?').join(', ')})`,
      [s.countyId, s.fundYear, s.version, s.changedBy, ...s.values],
    );
  }

  async latestEntered(manager: EntityManager, communityId: number, fundYear: number): Promise<EnteredRow | undefined> {
    const [row]: EnteredRow[] = await manager.query(
      'SELECT * FROM assessment_entered_values WHERE community_id = ? AND fund_year = ? ORDER BY version DESC LIMIT 1',
      [communityId, fundYear],
    );
    return row;
  }

  /** Serialises entered-value saves of one community (the community's row is the lock). */
  async lockCommunity(manager: EntityManager, communityId: number): Promise<void> {
    await manager.query('SELECT id FROM medical_community WHERE id = ? FOR UPDATE', [communityId]);
  }

  async insertEntered(
    manager: EntityManager,
    e: { communityId: number; fundYear: number; version: number; values: EnteredValues; enteredBy: string },
  ): Promise<void> {
    await manager.query(
      'INSERT INTO assessment_entered_values (community_id, fund_year, version, prefecture_compensation_ratio, in_county_inpatient_count, out_of_county_inpatient_count, outside_township_inpatient_count, entered_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [
        e.communityId,
        e.fundYear,
        e.version,
        e.values.prefectureCompensationRatio,
        e.values.inCountyInpatientCount,
        e.values.outOfCountyInpatientCount,
        e.values.outsideTownshipInpatientCount,
        e.enteredBy,
      ],
    );
  }
}
