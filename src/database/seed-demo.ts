/**
 * Loads the demo county (idempotent: running it again changes nothing).
 *   node dist/src/database/seed-demo.js
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '../config/app-config';
import { AppModule } from '../app.module';
import { CountyService } from '../modules/registry/county.service';
import { InstitutionService } from '../modules/registry/institution.service';
import { DataSource } from 'typeorm';
import { UserService } from '../modules/access/user.service';
import { DEMO_COMMUNITY, DEMO_COUNTY, DEMO_INSTITUTIONS, DEMO_PASSWORD, DEMO_USERS } from './demo-county';

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(loadConfig()), { logger: ['error', 'warn'] });
  try {
    await app.get(CountyService).createCounty(DEMO_COUNTY);
    await app.get(CountyService).createCommunity(DEMO_COMMUNITY);
    const outcome = await app.get(InstitutionService).import(DEMO_INSTITUTIONS, 'reject');
    console.log(`demo county ${DEMO_COUNTY.code}: ${DEMO_INSTITUTIONS.length} institutions (${outcome.created} created, ${outcome.unchanged} already present)`);
    const existing = new Set((await app.get(DataSource).query('SELECT username FROM app_user')).map((r: { username: string }) => r.username));
    const missing = DEMO_USERS.filter((u) => !existing.has(u.username));
    for (const user of missing) await app.get(UserService).create(null, { ...user, password: DEMO_PASSWORD });
    console.log(`demo users: ${DEMO_USERS.length} (${missing.length} created), password "${DEMO_PASSWORD}"`);
  } finally {
    await app.close();
  }
}

main().catch((err: unknown) => {
  console.error(`seed-demo: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
