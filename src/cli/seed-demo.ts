/**
 * Loads the demo county (idempotent: running it again changes nothing).
 *   node dist/src/cli/seed-demo.js
 */
import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '../config/app-config';
import { AppModule } from '../app.module';
import { CountyService } from '../modules/registry';
import { InstitutionService } from '../modules/registry';
import { UserService } from '../modules/access';
import { DEMO_COMMUNITY, DEMO_COUNTY, DEMO_INSTITUTIONS, DEMO_PASSWORD, DEMO_USERS } from './demo-county';

/** Loads the demo county and its users into the database `app` is connected to. */
export async function seedDemo(app: INestApplicationContext, log: (line: string) => void = () => undefined): Promise<void> {
  await app.get(CountyService).createCounty(DEMO_COUNTY);
  await app.get(CountyService).createCommunity(DEMO_COMMUNITY);
  const outcome = await app.get(InstitutionService).import(DEMO_INSTITUTIONS, 'reject');
  log(
    `demo county ${DEMO_COUNTY.code}: ${DEMO_INSTITUTIONS.length} institutions (${outcome.created} created, ${outcome.unchanged} already present)`,
  );
  const existing = await app.get(UserService).existingUsernames(DEMO_USERS.map((u) => u.username));
  const missing = DEMO_USERS.filter((u) => !existing.has(u.username));
  for (const user of missing) await app.get(UserService).create(null, { ...user, password: DEMO_PASSWORD });
  log(`demo users: ${DEMO_USERS.length} (${missing.length} created), password "${DEMO_PASSWORD}"`);
}

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(loadConfig()), { logger: ['error', 'warn'] });
  try {
    await seedDemo(app, (line) => console.log(line));
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
