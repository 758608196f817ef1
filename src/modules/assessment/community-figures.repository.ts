import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { PeriodFlows } from '../../domain/fund-analysis';
import { InstitutionType } from '../../domain/institution-registry';
import { Money } from '../../domain/money';
import { OutOfCountyGroup, RecordGroup } from '../../domain/performance-assessment';
import { PolicyParameters } from '../../domain/policy-parameters';
import { VisitType } from '../../domain/settlement-record';
import { notFound } from '../../common/record-errors';
import { AllocationService, packageOf } from '../fund-year/allocation.service';
import { PolicyParametersService } from '../fund-year/policy-parameters.service';
import { APPROVED_RECORD_SQL } from '../claims/record-totals';

/** A medical community as the assessment and the fund analysis refer to it. */
export interface AssessedCommunity {
  id: number;
  code: string;
  name: string;
  countyId: number;
  countyCode: string;
}

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
type OutOfCountyRow = { referred: number | string; settlements: number | string; fund_paid: string; total_cost: string };

/**
 * What the records say about a community over a span of claim periods, as aggregates the policy
 * code reads: approved settlement records (accepted in pre-review, not deducted by the bureau)
 * grouped by care unit, visit type, insured township and pathway flag; out-of-county settlements
 * grouped by referral. Also the community's package M and the county's parameters for a year.
 */
@Injectable()
export class CommunityFiguresRepository {
  constructor(
    private readonly allocations: AllocationService,
    private readonly parameters: PolicyParametersService,
  ) {}

  async community(manager: EntityManager, by: { id: number } | { code: string }): Promise<AssessedCommunity> {
    const [key, value] = 'id' in by ? ['m.id', by.id] : ['m.code', by.code];
    const [row]: { id: number; code: string; name: string; county_id: number; county_code: string }[] = await manager.query(
      `SELECT m.id, m.code, m.name, m.county_id, c.code AS county_code FROM medical_community m JOIN county c ON c.id = m.county_id WHERE ${key} = ?`,
      [value],
    );
    if (!row) throw notFound('medical community', String(value));
    return { id: Number(row.id), code: row.code, name: row.name, countyId: Number(row.county_id), countyCode: row.county_code };
  }

  /** Claim periods `from` to `to` inclusive ('YYYY-MM'). */
  async flows(manager: EntityManager, communityId: number, from: string, to: string): Promise<PeriodFlows> {
    const groups: GroupRow[] = await manager.query(
      `SELECT u.code, u.name, u.type, p.code AS parent_code, r.visit_type, r.insured_township_code, r.clinical_pathway,
              COUNT(*) AS records, SUM(r.fund_paid) AS fund_paid, SUM(r.total_cost) AS total_cost
         FROM institution u
         JOIN settlement_record r ON r.unit_id = u.id
         LEFT JOIN institution p ON p.id = u.parent_id
        WHERE u.community_id = ? AND r.claim_period BETWEEN ? AND ? AND ${APPROVED_RECORD_SQL}
        GROUP BY u.id, u.code, u.name, u.type, p.code, r.visit_type, r.insured_township_code, r.clinical_pathway`,
      [communityId, from, to],
    );
    const outOfCounty: OutOfCountyRow[] = await manager.query(
      `SELECT (referral_no IS NOT NULL AND referral_no <> '') AS referred, COUNT(*) AS settlements, SUM(fund_paid) AS fund_paid, SUM(total_cost) AS total_cost
         FROM out_of_county_settlement WHERE community_id = ? AND period BETWEEN ? AND ?
        GROUP BY referred`,
      [communityId, from, to],
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
      outOfCounty: outOfCounty.map((o): OutOfCountyGroup => ({
        referred: Number(o.referred) === 1,
        settlements: Number(o.settlements),
        fundPaid: Money.of(o.fund_paid),
        totalCost: Money.of(o.total_cost),
      })),
    };
  }

  /** M of the community in the allocation in force for the year; null when none is approved. */
  async communityPackage(manager: EntityManager, community: AssessedCommunity, fundYear: number): Promise<Money | null> {
    const allocation = await this.allocations.inForce(manager, community.countyId, fundYear);
    return packageOf(allocation, community.code);
  }

  async policyParameters(manager: EntityManager, community: AssessedCommunity, fundYear: number): Promise<PolicyParameters> {
    return (await this.parameters.current(manager, { id: community.countyId, code: community.countyCode }, fundYear)).values;
  }
}
