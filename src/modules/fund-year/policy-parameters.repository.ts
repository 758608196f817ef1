import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { PolicyParameters } from '../../domain/policy-parameters';

/** Every statement on policy_parameter_set; runs in the caller's transaction. */
@Injectable()
export class PolicyParametersRepository {
  /** The latest saved version for the county and year, or null. */
  async latest(
    manager: EntityManager,
    countyId: number,
    fundYear: number,
  ): Promise<{ version: number; values: Partial<PolicyParameters> } | null> {
    const [saved]: { version: number; values: string }[] = await manager.query(
      'SELECT version, `values` FROM policy_parameter_set WHERE county_id = ? AND fund_year = ? ORDER BY version DESC LIMIT 1',
      [countyId, fundYear],
    );
    return saved ? { version: saved.version, values: JSON.parse(saved.values) } : null;
  }

  /** Every version saved for the county and year, newest first. */
  async all(
    manager: EntityManager,
    countyId: number,
    fundYear: number,
  ): Promise<{ version: number; values: Partial<PolicyParameters>; changedBy: string; changedAt: Date }[]> {
    const rows: { version: number; values: string; changed_by: string; changed_at: Date }[] = await manager.query(
      'SELECT version, `values`, changed_by, created_at AS changed_at FROM policy_parameter_set WHERE county_id = ? AND fund_year = ? ORDER BY version DESC',
      [countyId, fundYear],
    );
    return rows.map((r) => ({
      version: r.version,
      values: JSON.parse(r.values),
      changedBy: r.changed_by,
      changedAt: new Date(r.changed_at),
    }));
  }

  /** The latest set saved for an earlier fund year, or null. */
  async latestBefore(manager: EntityManager, countyId: number, fundYear: number): Promise<Partial<PolicyParameters> | null> {
    const [previous]: { values: string; fund_year: number }[] = await manager.query(
      'SELECT `values`, fund_year FROM policy_parameter_set WHERE county_id = ? AND fund_year < ? ORDER BY fund_year DESC, version DESC LIMIT 1',
      [countyId, fundYear],
    );
    return previous ? JSON.parse(previous.values) : null;
  }

  async insert(
    manager: EntityManager,
    set: { countyId: number; fundYear: number; version: number; values: PolicyParameters; changedBy: string },
  ): Promise<void> {
    await manager.query('INSERT INTO policy_parameter_set (county_id, fund_year, version, `values`, changed_by) VALUES (?, ?, ?, ?, ?)', [
      set.countyId,
      set.fundYear,
      set.version,
      JSON.stringify(set.values),
      set.changedBy,
    ]);
  }
}
