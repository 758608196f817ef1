import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/app-config';
import { buildDataSourceOptions } from '../../src/database/data-source';
import { describeDifference } from '../../src/domain/unit-totals';
import { TotalsReconciliationService } from '../../src/modules/claims/totals-reconciliation.service';
import { UnitTotalRepository } from '../../src/modules/claims/unit-total.repository';

/**
 * After every e2e file: the per-unit claim totals of the whole run's database (every file's
 * counties so far) must equal the records they summarise, to the fen and the record. The check
 * reads one consistent snapshot, so a file still writing elsewhere cannot make it fail.
 */
afterAll(async () => {
  const ds = await new DataSource(buildDataSourceOptions(loadConfig().db)).initialize();
  try {
    const { differences, kept } = await new TotalsReconciliationService(new UnitTotalRepository(ds)).reconcile();
    if (differences.length > 0)
      throw new Error(
        `per-unit totals differ from the records after this file (${differences.length} of ${kept} totals):\n` +
          differences
            .slice(0, 20)
            .map((d) => `  ${describeDifference(d)}`)
            .join('\n'),
      );
  } finally {
    await ds.destroy();
  }
}, 60_000);
