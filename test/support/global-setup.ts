import { loadConfig } from '../../src/config/app-config';
import { migrateUp } from '../../src/database/database-admin';

/**
 * Every test run gets a fresh database, migrated from `migrations/`, and its own queue prefix,
 * so runs never see each other's data and leave the configured database untouched.
 */
export default async function globalSetup(): Promise<void> {
  const run = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  process.env.NODE_ENV = 'test';
  process.env.DB_NAME = `cbm_test_${run}`;
  process.env.QUEUE_PREFIX = `cbm-test-${run}`;
  process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'silent';
  // Workers started by tests do not create the cycle schedules unless a test asks for them.
  process.env.SCHEDULES_ENABLED = 'false';
  // The tests' webhook receivers listen on 127.0.0.1: explicitly allowed here, and only here.
  process.env.WEBHOOK_ALLOW_LOCAL_TARGETS = 'true';
  await migrateUp(loadConfig().db);
}
