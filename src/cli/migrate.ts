/**
 * Migration CLI over the application's DataSource:
 *   node dist/src/cli/migrate.js up          apply pending migrations (creates the database if missing)
 *   node dist/src/cli/migrate.js down [n]    revert the last n migrations (default 1)
 *   node dist/src/cli/migrate.js show        list applied and pending migrations
 */
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { buildDataSourceOptions } from '../database/data-source';
import { appliedMigrationNames, ensureDatabase, migrateUp } from '../database/database-admin';

async function main(): Promise<void> {
  const [command = 'up', arg] = process.argv.slice(2);
  const { db } = loadConfig();
  if (command === 'up') {
    const applied = await migrateUp(db);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    return;
  }
  await ensureDatabase(db);
  const ds = await new DataSource(buildDataSourceOptions(db)).initialize();
  try {
    if (command === 'down') {
      const steps = Number(arg ?? '1');
      for (let i = 0; i < steps; i++) await ds.undoLastMigration({ transaction: 'each' });
      console.log(`reverted ${steps} migration(s)`);
    } else if (command === 'show') {
      const executed = await appliedMigrationNames(ds);
      for (const m of ds.migrations)
        console.log(`${executed.has(m.name ?? m.constructor.name) ? '[x]' : '[ ]'} ${m.name ?? m.constructor.name}`);
    } else {
      throw new Error(`unknown command "${command}" (expected up, down or show)`);
    }
  } finally {
    await ds.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(`migrate: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
