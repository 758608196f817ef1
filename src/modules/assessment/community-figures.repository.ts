import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { PeriodFlows } from '../../domain/fund-analysis';
import { Money } from '../../domain/money';
import { PolicyParameters } from '../../domain/policy-parameters';
import { notFound } from '../../common/record-errors';
import { AllocationService, packageOf } from '../fund-year';
import { PolicyParametersService } from '../fund-year';
import { ConsumptionRepository } from '../claims';

/** A medical community as the assessment and the fund analysis refer to it. */
export interface AssessedCommunity {
  id: number;
  code: string;
  name: string;
  countyId: number;
  countyCode: string;
}

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
    private readonly consumption: ConsumptionRepository,
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
  flows(manager: EntityManager, communityId: number, from: string, to: string): Promise<PeriodFlows> {
    return this.consumption.flows(manager, communityId, from, to);
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
