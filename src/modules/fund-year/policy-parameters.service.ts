import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { inTransaction } from '../../database/transaction';
import {
  carryForwardParameters,
  defaultPolicyParameters,
  PolicyParameters,
  PolicyTerms,
  policyTerms,
  validatePolicyParameters,
} from '../../domain/policy-parameters';
import { staleVersion } from '../../common/record-errors';
import { currentContext } from '../../common/request-context';
import { AuditService } from '../audit';
import { CountyService } from '../registry';
import { PolicyParametersRepository } from './policy-parameters.repository';

export interface PolicyParametersView {
  countyCode: string;
  fundYear: number;
  /** 0 while nothing is saved for the year yet. */
  version: number;
  /** Where the values come from: saved for this year, carried from the previous year, or SPEC defaults. */
  source: 'saved' | 'previous-year' | 'default';
  values: PolicyParameters;
}

/** One saved version of a year's parameters: the values as saved, by whom and when. */
export interface PolicyParametersVersionView {
  version: number;
  values: PolicyParameters;
  changedBy: string;
  changedAt: string;
}

/** Rates and thresholds per county and fund year; each change is a new version, audited. */
@Injectable()
export class PolicyParametersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sets: PolicyParametersRepository,
    private readonly counties: CountyService,
    private readonly audit: AuditService,
  ) {}

  async current(manager: EntityManager, county: { id: number; code: string }, fundYear: number): Promise<PolicyParametersView> {
    const saved = await this.sets.latest(manager, county.id, fundYear);
    if (saved)
      return {
        countyCode: county.code,
        fundYear,
        version: saved.version,
        source: 'saved',
        values: { ...defaultPolicyParameters(fundYear), ...saved.values },
      };
    // A new fund year starts from the previous year's parameters.
    const previous = await this.sets.latestBefore(manager, county.id, fundYear);
    if (previous) {
      const carried = carryForwardParameters(previous, fundYear);
      return { countyCode: county.code, fundYear, version: 0, source: 'previous-year', values: carried };
    }
    return { countyCode: county.code, fundYear, version: 0, source: 'default', values: defaultPolicyParameters(fundYear) };
  }

  /** Every saved version of the year, newest first (a year never saved has none). */
  async versions(county: { id: number; code: string }, fundYear: number): Promise<PolicyParametersVersionView[]> {
    const rows = await this.sets.all(this.dataSource.manager, county.id, fundYear);
    return rows.map((r) => ({
      version: r.version,
      values: { ...defaultPolicyParameters(fundYear), ...r.values },
      changedBy: r.changedBy,
      changedAt: r.changedAt.toISOString(),
    }));
  }

  /** The year's parameters parsed for the policy code (decimals, day counts, switches). */
  async terms(manager: EntityManager, county: { id: number; code: string }, fundYear: number): Promise<PolicyTerms> {
    return policyTerms((await this.current(manager, county, fundYear)).values);
  }

  /** Saves a new version; `expectedVersion` must be the current one (0 for the first save). */
  async save(
    county: { id: number; code: string },
    fundYear: number,
    expectedVersion: number,
    changes: Partial<PolicyParameters>,
  ): Promise<PolicyParametersView> {
    return inTransaction(this.dataSource, async (manager) => {
      await this.counties.lockCounty(manager, county.id);
      const before = await this.current(manager, county, fundYear);
      if (before.version !== expectedVersion) {
        throw staleVersion(before.version);
      }
      const values = validatePolicyParameters({ ...before.values, ...changes });
      const version = before.version + 1;
      await this.sets.insert(manager, { countyId: county.id, fundYear, version, values, changedBy: currentContext().actor });
      await this.audit.record(manager, {
        action: 'policyParameters.save',
        entityType: 'policyParameters',
        entityId: `${county.code}/${fundYear}`,
        before: { ...before.values, version: before.version },
        after: { ...values, version },
      });
      return { countyCode: county.code, fundYear, version, source: 'saved', values };
    });
  }
}
