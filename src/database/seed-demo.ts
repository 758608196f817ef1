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
import { DEMO_COMMUNITY, DEMO_COUNTY, DEMO_INSTITUTIONS } from './demo-county';

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(loadConfig()), { logger: ['error', 'warn'] });
  try {
    await app.get(CountyService).createCounty(DEMO_COUNTY);
    await app.get(CountyService).createCommunity(DEMO_COMMUNITY);
    const outcome = await app.get(InstitutionService).import(DEMO_INSTITUTIONS, 'reject');
    console.log(`demo county ${DEMO_COUNTY.code}: ${DEMO_INSTITUTIONS.length} institutions (${outcome.created} created, ${outcome.unchanged} already present)`);
  } finally {
    await app.close();
  }
}

main().catch((err: unknown) => {
  console.error(`seed-demo: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
