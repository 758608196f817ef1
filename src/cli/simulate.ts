/**
 * Policy simulation of one county's fund year, with no server: the year end (and the city's
 * sharing, when the county has city-pooling figures) under changed parameters, side by side
 * with the stored year end, computed by the same src/domain functions as the draft.
 *
 *   npm run simulate -- --county WS --year 2025                          the "no change" check
 *   npm run simulate -- --county WS --year 2025 --set primaryFloorRate=0.22 --set adjustmentReserveRate=0.12
 *   npm run simulate -- --county WS --year 2025 --vary primaryFloorRate=0.20:0.30:0.01
 *   npm run simulate -- --county WS --year 2025 --export ws-2025.json    write the county-year's aggregates
 *   npm run simulate -- --from ws-2025.json --set surplusPrimaryWeight=2 read them back, no database
 *
 * Exit 0: done; 1: could not run; 2: refused arguments.
 */
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { loadConfig } from '../config/app-config';
import { CommunitySummary } from '../domain/county-year-end';
import { DomainError } from '../domain/domain-error';
import { Dec } from '../domain/money';
import {
  ParameterChanges,
  parseParameterChange,
  parseParameterVariation,
  SIMULATED_PARAMETERS,
  SimulationCase,
  simulationCaseFromJson,
  simulationCaseToJson,
  SimulationResult,
  simulateYearEnd,
  variationGrid,
  yearEndDifferences,
} from '../domain/policy-simulation';
import { YearEndService } from '../modules/cycles';
import { CountyService } from '../modules/registry';

export class UsageError extends Error {}

export interface SimulateOptions {
  county: string | null;
  year: number | null;
  from: string | null;
  exportTo: string | null;
  set: ParameterChanges;
  vary: { name: string; values: string[] }[];
}

export const USAGE = `usage: simulate (--county CODE --year YYYY | --from FILE.json) [--set name=value]... [--vary name=from:to:step]... [--export FILE.json]
parameters: ${SIMULATED_PARAMETERS.join(', ')}`;

/** Reads the command line; refuses (UsageError) anything it does not understand, naming it. */
export function parseSimulateArgs(argv: readonly string[]): SimulateOptions {
  const o: SimulateOptions = { county: null, year: null, from: null, exportTo: null, set: {}, vary: [] };
  const set: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    try {
      if (flag === '--county') o.county = value();
      else if (flag === '--year') {
        const y = value();
        if (!/^\d{4}$/.test(y)) throw new UsageError(`--year ${y}: a fund year such as 2025`);
        o.year = Number(y);
      } else if (flag === '--from') o.from = value();
      else if (flag === '--export') o.exportTo = value();
      else if (flag === '--set') {
        const [name, v] = parseParameterChange(value());
        set[name] = v;
      } else if (flag === '--vary') {
        const v = parseParameterVariation(value());
        if (o.vary.some((x) => x.name === v.name)) throw new UsageError(`--vary ${v.name} is given twice`);
        o.vary.push(v);
      } else throw new UsageError(`unknown option ${flag}\n${USAGE}`);
    } catch (err) {
      if (err instanceof DomainError) throw new UsageError(err.message);
      throw err;
    }
  }
  o.set = set;
  for (const v of o.vary) if (v.name in set) throw new UsageError(`${v.name} is both set and varied`);
  if (o.from && (o.county || o.year))
    throw new UsageError(`--from reads the county-year from the file: leave out --county and --year\n${USAGE}`);
  if (!o.from && (!o.county || !o.year)) throw new UsageError(`name the county-year (--county and --year) or a file (--from)\n${USAGE}`);
  if (o.from && o.exportTo)
    throw new UsageError('--export writes what was read from the database; the file given to --from is that already');
  return o;
}

/** The county-year from the database, as the year-end draft reads it. */
export async function loadSimulationCase(app: INestApplicationContext, countyCode: string, fundYear: number): Promise<SimulationCase> {
  const county = await app.get(CountyService).findCounty(countyCode);
  if (!county) throw new UsageError(`county ${countyCode} does not exist`);
  return app.get(YearEndService).simulationCase({ id: county.id, code: county.code }, fundYear);
}

/** Reads an exported county-year. */
export function readSimulationCase(file: string): SimulationCase {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`${file}: ${(err as Error).message}`);
  }
  try {
    return simulationCaseFromJson(json);
  } catch (err) {
    if (err instanceof DomainError) throw new UsageError(`${file}: ${err.message}`);
    throw err;
  }
}

export function writeSimulationCase(file: string, c: SimulationCase): void {
  writeFileSync(file, JSON.stringify(simulationCaseToJson(c), null, 1));
}

// ---------------------------------------------------------------- the report

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

function communityFigures(c: CommunitySummary | undefined): [string, string][] {
  if (!c) return [];
  return [
    ['package M', c.communityPackage],
    ['total expenditure', c.totalExpenditure],
    ['overspend', c.overspend],
    ['surplus', c.surplus],
    ['primary after shares', c.primaryAfterShares],
    ['primary share of M', c.primaryShareOfPackage],
    ['floor rate', c.floor.floorRate],
    ['floor required', c.floor.required],
    ['floor shortfall', c.floor.shortfall],
    ['floor met', String(c.floor.met)],
    ['deposit released', c.depositReleased],
  ];
}

function change(a: string, b: string): string {
  if (!/^-?\d+(\.\d+)?$/.test(a) || !/^-?\d+(\.\d+)?$/.test(b)) return a === b ? '' : 'changed';
  const d = new Dec(b).minus(a);
  const places = Math.max(new Dec(a).decimalPlaces(), new Dec(b).decimalPlaces(), a.split('.')[1]?.length ?? 0);
  return d.isZero() ? '' : (d.isPositive() ? '+' : '') + d.toFixed(places);
}

function valueBefore(c: SimulationCase, name: string): string {
  const policy = (c.parameters as unknown as Record<string, string | undefined>)[name];
  if (policy !== undefined) return policy;
  const city = c.city?.terms as Record<string, Dec> | undefined;
  return city?.[name]?.toString() ?? '(no city figures)';
}

/** One run: the stored year end and the simulated one side by side. */
export function sideBySide(c: SimulationCase, r: SimulationResult): string {
  const lines: string[] = [];
  const changes = Object.entries(r.changes);
  lines.push(`county ${c.countyCode}, fund year ${c.fundYear}: stored year end ${c.stored ? c.stored.state : 'none'}`);
  lines.push(
    changes.length
      ? `changed: ${changes.map(([n, v]) => `${n} ${valueBefore(c, n)} → ${v}`).join(', ')}`
      : 'changed: nothing (the parameters the stored year end was drafted with)',
  );
  if (r.refusal) {
    lines.push(`the year cannot be settled under these parameters: ${r.refusal.code}: ${r.refusal.message}`);
    return lines.join('\n');
  }
  const s = r.settlement!;
  const rows: [string, string, string][] = [];
  for (const sim of s.summary.communities) {
    const stored = c.stored?.summary.communities.find((x) => x.communityCode === sim.communityCode);
    const before = new Map(communityFigures(stored));
    for (const [name, value] of communityFigures(sim)) rows.push([`${sim.communityCode} ${name}`, before.get(name) ?? '', value]);
  }
  rows.push([
    'private institutions balance due',
    c.stored?.summary.privateInstitutions.balanceDue ?? '',
    s.summary.privateInstitutions.balanceDue,
  ]);
  rows.push(['transfers', c.stored ? String(c.stored.summary.transfers.length) : '', String(s.summary.transfers.length)]);
  lines.push(`${pad('', 44)}${lpad('stored', 18)}${lpad('simulated', 18)}${lpad('change', 16)}`);
  for (const [name, a, b] of rows) lines.push(`${pad(name, 44)}${lpad(a, 18)}${lpad(b, 18)}${lpad(a ? change(a, b) : '', 16)}`);
  if (c.stored) {
    const due = new Map(c.stored.statements.map((x) => [x.code, x.balanceDue]));
    const moved = s.statements.filter((l) => due.get(l.unit.code) !== l.s.balanceDue.toString());
    lines.push(`statements (balance due): ${moved.length} of ${s.statements.length} change`);
    for (const l of moved)
      lines.push(
        `  ${pad(l.unit.code, 42)}${lpad(due.get(l.unit.code) ?? '', 18)}${lpad(l.s.balanceDue.toString(), 18)}${lpad(change(due.get(l.unit.code) ?? '0', l.s.balanceDue.toString()), 16)}`,
      );
    if (changes.length === 0) {
      const differences = yearEndDifferences(c.stored, s);
      lines.push(
        differences.length === 0
          ? 'check: the recomputed year end reproduces the stored one to the fen'
          : `check: the recomputed year end differs from the stored one in ${differences.length} figure(s):\n  ${differences.slice(0, 20).join('\n  ')}`,
      );
    }
  }
  if (r.citySharing) {
    const x = r.citySharing;
    lines.push(`city sharing of ${x.countyCode}: result ${x.result}, gap ${x.gap}, surplus ${x.surplus}`);
    lines.push(
      `  city part ${x.cityPart} (pooled fund ${x.poolPays}, city finance ${x.cityFinance}, cap ${x.cityFinanceCap}), county part ${x.countyPart} (balance ${x.countyPartFromBalance}, subsidy ${x.countyPartFromSubsidy}), county finance ${x.countyFinance}; surplus to county ${x.surplusToCountyBalance}, to pooled fund ${x.surplusToPooledFund}`,
    );
  }
  return lines.join('\n');
}

/** A grid: one line per variation with each community's headline figures, the stored year end first. */
export function gridTable(c: SimulationCase, results: readonly SimulationResult[], varied: readonly string[]): string {
  const codes =
    c.stored?.summary.communities.map((x) => x.communityCode) ??
    results.find((r) => r.settlement)?.settlement!.summary.communities.map((x) => x.communityCode) ??
    [];
  const head = [
    ...varied.map((n) => lpad(n, Math.max(12, n.length))),
    ...codes
      .flatMap((code) => [`${code} overspend`, `${code} surplus`, `${code} primary%`, 'floor'])
      .map((h, i) => lpad(h, i % 4 === 3 ? 6 : 18)),
    lpad('private due', 16),
  ];
  const lines = [head.join(' ')];
  const row = (label: string[], communities: CommunitySummary[] | null, privateDue: string, note = '') =>
    [
      ...label.map((l, i) => lpad(l, Math.max(12, varied[i]?.length ?? 12))),
      ...codes.flatMap((code) => {
        const x = communities?.find((y) => y.communityCode === code);
        return x
          ? [lpad(x.overspend, 18), lpad(x.surplus, 18), lpad(x.primaryShareOfPackage, 18), lpad(x.floor.met ? 'met' : 'NOT', 6)]
          : [lpad('', 18), lpad('', 18), lpad('', 18), lpad('', 6)];
      }),
      lpad(privateDue, 16),
      note,
    ].join(' ');
  if (c.stored)
    lines.push(
      row(
        varied.map(() => 'stored'),
        c.stored.summary.communities,
        c.stored.summary.privateInstitutions.balanceDue,
      ),
    );
  for (const r of results)
    lines.push(
      r.refusal
        ? row(
            varied.map((n) => r.changes[n]),
            null,
            '',
            ` refused: ${r.refusal.code}`,
          )
        : row(
            varied.map((n) => r.changes[n]),
            r.settlement!.summary.communities,
            r.settlement!.summary.privateInstitutions.balanceDue,
          ),
    );
  return lines.join('\n');
}

/** Runs the simulation the options ask for on a loaded case; returns the report and how long the simulation itself took. */
export function runSimulation(
  c: SimulationCase,
  o: Pick<SimulateOptions, 'set' | 'vary'>,
): { report: string; results: SimulationResult[]; ms: number } {
  const grid = variationGrid(o.set, o.vary);
  const started = process.hrtime.bigint();
  // A grid keeps each variation's summary figures only: a thousand sets of statements and transfers are not printed.
  const results = grid.map((changes) => {
    const r = simulateYearEnd(c, changes);
    return o.vary.length === 0 || !r.settlement
      ? r
      : { ...r, settlement: { summary: { ...r.settlement.summary, transfers: [] }, statements: [] } };
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const report =
    o.vary.length === 0
      ? sideBySide(c, results[0])
      : `county ${c.countyCode}, fund year ${c.fundYear}${
          Object.keys(o.set).length
            ? `; set ${Object.entries(o.set)
                .map(([n, v]) => `${n}=${v}`)
                .join(', ')}`
            : ''
        }\n${gridTable(
          c,
          results,
          o.vary.map((v) => v.name),
        )}\n${results.length} variations in ${ms.toFixed(0)} ms`;
  return { report, results, ms };
}

async function main(argv: string[]): Promise<number> {
  let o: SimulateOptions;
  try {
    o = parseSimulateArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`simulate: ${err.message}`);
      return 2;
    }
    throw err;
  }
  let c: SimulationCase;
  if (o.from) c = readSimulationCase(o.from);
  else {
    const app = await NestFactory.createApplicationContext(AppModule.forRoot(loadConfig()), { logger: ['error'] });
    try {
      c = await loadSimulationCase(app, o.county!, o.year!);
    } finally {
      await app.close();
    }
    if (o.exportTo) {
      writeSimulationCase(o.exportTo, c);
      console.log(`simulate: ${c.countyCode} ${c.fundYear} written to ${o.exportTo}`);
    }
  }
  console.log(runSimulation(c, o).report);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(
        `simulate: ${err instanceof UsageError || err instanceof DomainError ? '' : 'could not run: '}${err instanceof Error ? err.message : String(err)}`,
      );
      process.exit(err instanceof UsageError ? 2 : 1);
    },
  );
}
