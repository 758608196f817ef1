/**
 * Recomputes the per-unit claim totals (unit_period_total) from the settlement records and
 * reports every difference, on one consistent snapshot of the database; writes nothing.
 *   node dist/src/cli/reconcile-totals.js      exit 0: equal, 1: a difference, 2: could not check
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { buildDataSourceOptions } from '../database/data-source';
import { describeDifference } from '../domain/unit-totals';
import { TotalsReconciliationService, UnitTotalRepository } from '../modules/claims';

/** Differences printed in full; the rest are counted. */
const SHOWN = 50;

async function main(): Promise<number> {
  const ds = await new DataSource(buildDataSourceOptions(loadConfig().db)).initialize();
  try {
    const result = await new TotalsReconciliationService(new UnitTotalRepository(ds)).reconcile();
    if (result.differences.length === 0) {
      console.log(`per-unit totals equal to the records: ${result.kept} totals of declared and settled claims`);
      return 0;
    }
    console.log(
      `per-unit totals DIFFER from the records: ${result.differences.length} difference(s); ${result.kept} totals kept, ${result.recomputed} from the records`,
    );
    for (const d of result.differences.slice(0, SHOWN)) console.log(`  ${describeDifference(d)}`);
    if (result.differences.length > SHOWN) console.log(`  … and ${result.differences.length - SHOWN} more`);
    return 1;
  } finally {
    await ds.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`reconcile-totals: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
