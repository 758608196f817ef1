import { Injectable } from '@nestjs/common';
import { TotalDifference, totalDifferences } from '../../domain/unit-totals';
import { UnitTotalRepository } from './unit-total.repository';

export interface TotalsReconciliation {
  /** Kept totals compared. */
  kept: number;
  /** Totals the records give. */
  recomputed: number;
  differences: TotalDifference[];
}

/**
 * Checks the per-unit claim totals against the records they summarise: every declared or settled
 * claim's totals are recomputed from its records and compared with the kept ones, to the fen and
 * the record, on one consistent snapshot of the database. Reads only.
 */
@Injectable()
export class TotalsReconciliationService {
  constructor(private readonly totals: UnitTotalRepository) {}

  /** The whole database, or one county's claims. */
  reconcile(countyId: number | null = null): Promise<TotalsReconciliation> {
    return this.totals.onSnapshot(async (manager) => {
      const kept = await this.totals.kept(manager, countyId);
      const recomputed = await this.totals.recomputed(manager, countyId);
      return { kept: kept.length, recomputed: recomputed.length, differences: totalDifferences(kept, recomputed) };
    });
  }
}
