/**
 * Loads the demo county and a fund year in progress (idempotent: running it again changes nothing).
 *   node dist/src/cli/seed-demo.js                  registry, users and the year in progress
 *   node dist/src/cli/seed-demo.js --registry-only  registry and users only (also DEMO_YEAR=off)
 */
import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '../config/app-config';
import { AppModule } from '../app.module';
import { CountyService } from '../modules/registry';
import { InstitutionService, RegionService } from '../modules/registry';
import { UserService } from '../modules/access';
import { DemoYearSummary, seedDemoYear } from './demo-year';
import {
  DEMO_COMMUNITY,
  DEMO_COUNTY,
  DEMO_INSTITUTIONS,
  DEMO_PASSWORD,
  DEMO_PREFECTURE,
  DEMO_PROVINCE,
  DEMO_REGION_USERS,
  DEMO_REGIONAL_INSTITUTIONS,
  DEMO_SIBLING_BUREAU,
  DEMO_SIBLING_COUNTY,
  DEMO_USERS,
  DEMO_YEAR_USERS,
} from './demo-county';

/**
 * Loads the demo county and its users into the database `app` is connected to; with `year`, then
 * a fund year in progress through the product's own services (src/cli/demo-year.ts).
 */
export async function seedDemo(
  app: INestApplicationContext,
  log: (line: string) => void = () => undefined,
  options: { year?: boolean } = {},
): Promise<DemoYearSummary | null> {
  await app.get(CountyService).createCounty(DEMO_COUNTY);
  await app.get(CountyService).createCommunity(DEMO_COMMUNITY);
  const outcome = await app.get(InstitutionService).import(DEMO_INSTITUTIONS, 'reject');
  log(
    `demo county ${DEMO_COUNTY.code}: ${DEMO_INSTITUTIONS.length} institutions (${outcome.created} created, ${outcome.unchanged} already present)`,
  );
  // Above the county: the province, the prefecture, the demo county and its sibling placed in it.
  const regions = app.get(RegionService);
  await regions.createProvince(DEMO_PROVINCE);
  await regions.createPrefecture(null, DEMO_PREFECTURE);
  await app.get(CountyService).createCounty(DEMO_SIBLING_COUNTY);
  await app.get(InstitutionService).create(DEMO_SIBLING_BUREAU);
  for (const countyCode of [DEMO_COUNTY.code, DEMO_SIBLING_COUNTY.code]) await regions.placeCounty(null, DEMO_PREFECTURE.code, countyCode);
  for (const i of DEMO_REGIONAL_INSTITUTIONS)
    await regions.createInstitution(null, i.level, i.region, { code: i.code, name: i.name, type: i.type });
  log(
    `demo levels: province ${DEMO_PROVINCE.code}, prefecture ${DEMO_PREFECTURE.code} with ${DEMO_COUNTY.code} and ${DEMO_SIBLING_COUNTY.code}`,
  );
  const users = [...DEMO_USERS, ...DEMO_REGION_USERS, ...(options.year ? DEMO_YEAR_USERS : [])];
  const existing = await app.get(UserService).existingUsernames(users.map((u) => u.username));
  const missing = users.filter((u) => !existing.has(u.username));
  for (const user of missing) await app.get(UserService).create(null, { ...user, password: DEMO_PASSWORD });
  log(`demo users: ${users.length} (${missing.length} created), password "${DEMO_PASSWORD}"`);
  if (!options.year) return null;
  return seedDemoYear(app, log);
}

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(loadConfig()), { logger: ['error', 'warn'] });
  const year = !process.argv.includes('--registry-only') && process.env.DEMO_YEAR !== 'off';
  const started = Date.now();
  try {
    const summary = await seedDemo(app, (line) => console.log(line), { year });
    if (summary) {
      console.log(
        [
          `demo year in progress (${((Date.now() - started) / 1000).toFixed(1)} s):`,
          `  ${summary.lastYear}: allocation and budget plan approved; claims ${summary.months.filter((p) => p.startsWith(String(summary.lastYear))).join(', ')} disbursed; year-end settlement posted`,
          `  ${summary.thisYear}: allocation and budget plan approved; claims ${summary.months.filter((p) => p.startsWith(String(summary.thisYear))).join(', ') || 'none yet'} declared, approved, disbursed and passed down`,
          `  pass-down paid late: ${summary.latePassDown ?? 'none'}; left unpaid and overdue: ${summary.overduePassDown ?? 'none'}`,
          `  monitoring of last month: ${summary.monitoring ?? 'none'}`,
        ].join('\n'),
      );
    }
  } finally {
    await app.close();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`seed-demo: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
