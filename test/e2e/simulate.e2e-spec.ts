import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DEMO_PASSWORD } from '../../src/cli/demo-county';
import { DEMO_ALLOCATION_INPUTS } from '../../src/cli/demo-year';
import { seedDemo } from '../../src/cli/seed-demo';
import { loadSimulationCase, parseSimulateArgs, readSimulationCase, runSimulation, writeSimulationCase } from '../../src/cli/simulate';
import { dropDatabase, migrateUp } from '../../src/database/database-admin';
import { allocateFundYear } from '../../src/domain/fund-year-allocation';
import { Money } from '../../src/domain/money';
import { SimulationCase, yearEndDifferences } from '../../src/domain/policy-simulation';
import { ApiClient, RunningApi, startApi, testConfig } from '../support/test-app';

/**
 * The policy simulation against a real settled year: the demo county's last year (allocation,
 * three months claimed, year end drafted with its surplus plan, approved and posted), seeded
 * through the product's services on its own database.
 */
const env = {
  DB_NAME: `${process.env.DB_NAME}_simulate`,
  QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}:simulate`,
  BUSINESS_DATE: '2026-01-25',
};

describe('policy simulation of a county-year', () => {
  let api: RunningApi;
  let c: SimulationCase;
  let dir: string;

  beforeAll(async () => {
    await migrateUp(testConfig(env).db);
    api = await startApi(env);
    await seedDemo(api.app, undefined, { year: true });
    c = await loadSimulationCase(api.app, 'WS', 2025);
    dir = mkdtempSync(path.join(tmpdir(), 'simulate-'));
  }, 300_000);

  afterAll(async () => {
    await api?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (!process.env.KEEP_TEST_DB) await dropDatabase(testConfig(env).db, env.DB_NAME);
  });

  it('with nothing changed, reproduces the posted year end to the fen, statement by statement', async () => {
    expect(c.stored?.state).toBe('POSTED');
    const { results, report } = runSimulation(c, { set: {}, vary: [] });
    const settlement = results[0].settlement!;
    expect(results[0].refusal).toBeNull();
    expect(yearEndDifferences(c.stored!, settlement)).toEqual([]);
    expect(report).toContain('reproduces the stored one to the fen');

    // Every figure of every statement, as the API serves the stored settlement.
    const clerk = await ApiClient.signIn(api.baseUrl, 'ws.bureau.clerk', DEMO_PASSWORD);
    const stored = await clerk.must('GET', '/api/v1/counties/WS/year-end-settlements/2025');
    const computed = settlement.statements.map((l) => ({
      institutionCode: l.unit.code,
      approvedConsumption: l.s.approvedConsumption.toString(),
      overspendShare: l.s.overspendShare.toString(),
      surplusShare: l.s.surplusShare.toString(),
      floorTopUp: l.s.floorTopUp.toString(),
      depositWithheld: l.s.depositWithheld.toString(),
      depositRelease: l.s.depositRelease.toString(),
      paidSoFar: l.s.paidSoFar.toString(),
      balanceDue: l.s.balanceDue.toString(),
    }));
    const byCode = (a: { institutionCode: string }, b: { institutionCode: string }) => a.institutionCode.localeCompare(b.institutionCode);
    expect(computed.sort(byCode)).toEqual(
      stored.statements
        .map((s: Record<string, string>) => ({
          institutionCode: s.institutionCode,
          approvedConsumption: s.approvedConsumption,
          overspendShare: s.overspendShare,
          surplusShare: s.surplusShare,
          floorTopUp: s.floorTopUp,
          depositWithheld: s.depositWithheld,
          depositRelease: s.depositRelease,
          paidSoFar: s.paidSoFar,
          balanceDue: s.balanceDue,
        }))
        .sort(byCode),
    );
    expect(JSON.parse(JSON.stringify(settlement.summary))).toEqual(stored.summary);
  });

  it('reads the same county-year back from its exported file, with no database', () => {
    const file = path.join(dir, 'ws-2025.json');
    writeSimulationCase(file, c);
    const back = readSimulationCase(file);
    const { results } = runSimulation(back, { set: {}, vary: [] });
    expect(yearEndDifferences(back.stored!, results[0].settlement!)).toEqual([]);
  });

  it('a changed parameter changes the lines it moves: a lower reserve rate raises M and the surplus by the same amount', () => {
    const stored = c.stored!.summary.communities[0];
    const { results, report } = runSimulation(c, { set: { adjustmentReserveRate: '0.10' }, vary: [] });
    const simulated = results[0].settlement!.summary.communities[0];
    const m = allocateFundYear(
      {
        insuredCount: DEMO_ALLOCATION_INPUTS.insuredCount,
        perCapitaStandard: Money.of(DEMO_ALLOCATION_INPUTS.perCapitaStandard),
        interest: Money.of(DEMO_ALLOCATION_INPUTS.interest),
        criticalIllnessPremiumPerPerson: Money.of(DEMO_ALLOCATION_INPUTS.criticalIllnessPremiumPerPerson),
        familyDoctorFee: Money.of(DEMO_ALLOCATION_INPUTS.familyDoctorFee),
        policyAdjustmentExpenditure: Money.of(DEMO_ALLOCATION_INPUTS.policyAdjustmentExpenditure),
      },
      { adjustmentReserveRate: '0.10', communityBaseShareRate: '0.765', increasePoolRate: '0.085', privatePoolRate: '0.15' },
    ).communityPackage;
    expect(simulated.communityPackage).toBe(m.toString());
    const raise = m.minus(Money.of(stored.communityPackage));
    expect(raise.isPositive()).toBe(true);
    expect(simulated.totalExpenditure).toBe(stored.totalExpenditure);
    expect(simulated.surplus).toBe(Money.of(stored.surplus).plus(raise).toString());
    // The approved surplus plan no longer matches the year's surplus: the planner is told so.
    expect(simulated.decisionNeeded).toMatch(/surplus plan/);
    expect(report).toContain(`adjustmentReserveRate 0.15 → 0.10`);
    expect(report).toContain(`+${raise.toString()}`);

    // A higher floor: the required primary amount is the new rate of M, half up.
    const floor = runSimulation(c, { set: { primaryFloorRate: '0.40' }, vary: [] }).results[0].settlement!.summary.communities[0];
    expect(floor.floor.floorRate).toBe('0.40');
    expect(floor.floor.required).toBe(Money.roundHalfUp(Money.of(stored.communityPackage).toDecimal().times('0.40')).toString());
    expect(floor.floor.required).not.toBe(stored.floor.required);
  });

  it('runs a grid of variations, one line each', () => {
    const o = parseSimulateArgs([
      '--county',
      'WS',
      '--year',
      '2025',
      '--vary',
      'primaryFloorRate=0.20:0.30:0.05',
      '--vary',
      'surplusPrimaryWeight=1:2:1',
    ]);
    const { results, report } = runSimulation(c, o);
    expect(results.map((r) => [r.changes.primaryFloorRate, r.changes.surplusPrimaryWeight])).toEqual([
      ['0.2', '1'],
      ['0.2', '2'],
      ['0.25', '1'],
      ['0.25', '2'],
      ['0.3', '1'],
      ['0.3', '2'],
    ]);
    expect(results.every((r) => r.refusal === null)).toBe(true);
    expect(report.split('\n')).toHaveLength(1 + 1 + 1 + 6 + 1);
  });

  it('refuses bad parameter names and values with a message naming them', () => {
    const args = (...extra: string[]) => parseSimulateArgs(['--county', 'WS', '--year', '2025', ...extra]);
    expect(() => args('--set', 'floorRate=0.2')).toThrow(/unknown parameter "floorRate": the simulation changes .*primaryFloorRate/);
    expect(() => args('--set', 'primaryFloorRate=22%')).toThrow(/primaryFloorRate=22%: the value must be a non-negative decimal/);
    expect(() => args('--set', 'primaryFloorRate')).toThrow(/write a change as name=value/);
    expect(() => args('--vary', 'primaryFloorRate=0.3:0.2:0.01')).toThrow(/the step must be positive and "to" not below "from"/);
    expect(() => args('--sett', 'primaryFloorRate=0.2')).toThrow(/unknown option --sett/);
    expect(() => parseSimulateArgs(['--county', 'WS'])).toThrow(/name the county-year/);

    // Well-formed values the policy refuses: reported, nothing settled.
    const rate = runSimulation(c, { set: { primaryFloorRate: '1.5' }, vary: [] });
    expect(rate.results[0].refusal).toMatchObject({ code: 'POLICY_PARAMETERS_INVALID' });
    expect(rate.report).toMatch(
      /cannot be settled under these parameters: POLICY_PARAMETERS_INVALID: primaryFloorRate is a rate between 0 and 1/,
    );
    const shares = runSimulation(c, { set: { communityBaseShareRate: '0.80' }, vary: [] });
    expect(shares.report).toMatch(/the three shares of the net base must sum to 1, not 1.035/);
  });

  it('runs as a command: an exported file simulated, a bad parameter refused with exit 2', () => {
    const file = path.join(dir, 'ws-2025-cli.json');
    writeSimulationCase(file, c);
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(__dirname, '../../dist/src/cli/simulate.js'), ...args], {
        env: process.env,
        encoding: 'utf8',
      });
    const ok = cli('--from', file, '--set', 'primaryFloorRate=0.30');
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('changed: primaryFloorRate 0.25 → 0.30');
    expect(ok.stdout).toMatch(/WS-MC floor rate\s+0.25\s+0.30/);
    const bad = cli('--from', file, '--set', 'reserve=0.1');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown parameter "reserve"');
  });
});
