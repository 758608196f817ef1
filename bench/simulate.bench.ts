/**
 * Policy simulation benchmark (issue 16): 1 000 variations of one county-year's year end —
 * primaryFloorRate 0.200…0.299 by 0.001 × surplusPrimaryWeight 1.0…1.9 by 0.1 — each a whole
 * `settleYearEnd` (statements, summary, transfers checked against the ledger) through the same
 * path as `npm run simulate -- --vary …`. The county-year is the demo county's posted last year,
 * seeded through the product's services into its own database (kept between runs: seeding is
 * idempotent), or an exported file.
 *
 *   npm run bench:simulate                      ROUNDS=5 by default
 *   FILE=ws-2025.json node dist/bench/simulate.bench.js   an exported county-year instead
 */
import { cpus, loadavg } from 'node:os';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../src/app.module';
import { seedDemo } from '../src/cli/seed-demo';
import { loadSimulationCase, readSimulationCase, runSimulation } from '../src/cli/simulate';
import { loadConfig } from '../src/config/app-config';
import { migrateUp } from '../src/database/database-admin';
import { parseParameterVariation, SimulationCase } from '../src/domain/policy-simulation';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const DB_NAME = 'cbm_bench_simulate';

async function countyYear(): Promise<SimulationCase> {
  if (process.env.FILE) return readSimulationCase(process.env.FILE);
  const config = loadConfig({
    ...process.env,
    DB_NAME,
    BUSINESS_DATE: '2026-01-25',
    QUEUE_PREFIX: 'cbm-bench-simulate',
    LOG_LEVEL: 'silent',
  });
  await migrateUp(config.db);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['error'] });
  try {
    const started = Date.now();
    await seedDemo(app, undefined, { year: true });
    console.log(`demo county-year seeded (or found) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const t = Date.now();
    const c = await loadSimulationCase(app, 'WS', 2025);
    console.log(`county-year WS 2025 loaded from the database in ${Date.now() - t} ms`);
    return c;
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  const c = await countyYear();
  const units = c.inputs.units.length;
  const records = c.inputs.records.reduce((n, r) => n + r.records, 0);
  console.log(
    `${c.countyCode} ${c.fundYear}: ${c.inputs.communities.length} community, ${units} units, ${records} approved records in ${c.inputs.records.length} claim lines`,
  );
  const vary = [parseParameterVariation('primaryFloorRate=0.200:0.299:0.001'), parseParameterVariation('surplusPrimaryWeight=1:1.9:0.1')];
  const noChange = runSimulation(c, { set: {}, vary: [] });
  console.log(noChange.report.split('\n').find((l) => l.startsWith('check:')) ?? 'no stored year end to check against');
  runSimulation(c, { set: {}, vary }); // warm-up
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const cpu = process.cpuUsage();
    const { results, ms } = runSimulation(c, { set: {}, vary });
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000;
    const refused = results.filter((r) => r.refusal).length;
    times.push(ms);
    cpuTimes.push(cpuMs);
    console.log(
      `round ${round}: ${results.length} variations in ${ms.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU (${((ms * 1000) / results.length).toFixed(0)} µs each), ${refused} refused`,
    );
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    `median: 1000 variations in ${median(times).toFixed(0)} ms wall, ${median(cpuTimes).toFixed(0)} ms CPU (goal about 1 000 ms; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores)`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
