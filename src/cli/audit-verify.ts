/**
 * Recomputes the audit hash chain and reports the first altered entry.
 *   node dist/src/cli/audit-verify.js      exit 0: intact, 2: broken, 1: could not check
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { AuditRepository } from '../modules/audit';
import { AuditService } from '../modules/audit';
import { buildDataSourceOptions } from '../database/data-source';

async function main(): Promise<number> {
  const ds = await new DataSource(buildDataSourceOptions(loadConfig().db)).initialize();
  try {
    const result = await new AuditService(ds, new AuditRepository(ds)).verify();
    if (result.intact) {
      console.log(`audit chain intact: ${result.entries} entries`);
      return 0;
    }
    console.log(
      result.firstBroken
        ? `audit chain BROKEN: first broken entry: ${result.firstBroken.id} (${result.firstBroken.reason}); ${result.entries} entries verified before it`
        : `audit chain BROKEN: the chain head does not match the last entry (${result.entries} entries verified)`,
    );
    return 2;
  } finally {
    await ds.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`audit-verify: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
