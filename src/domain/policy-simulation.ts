import {
  CityPoolingTerms,
  CountyFundYearResult,
  CountyPoolingStanding,
  CountyResultSharing,
  DEFAULT_CITY_POOLING_TERMS,
  shareCountyFundResult,
} from './city-gap-sharing';
import { settleYearEnd, YearEndInputs, YearEndSettlement, YearEndSummary } from './county-year-end';
import { DomainError, ErrorDetail } from './domain-error';
import { allocateFundYear, splitPackageBetweenCommunities } from './fund-year-allocation';
import { AccountTotals, communityPackageAccount } from './ledger';
import { Dec, Money } from './money';
import { PolicyParameterName, PolicyParameters, policyTerms, validatePolicyParameters } from './policy-parameters';

/**
 * What-if of a county's fund year for planners (SPEC §3, §7, §12.1): the year end as the draft
 * computes it, from the same inputs, under changed parameters. The rates of the allocation
 * (reserve rate and the three shares of B) recompute every community's package M from the
 * allocation's inputs, the increases made since kept as they were, and move the community's
 * package account by the difference; the year-end terms (floor, surplus weight, the two
 * switches, the private institutions' rates) go to `settleYearEnd` as they are; the city's
 * rates go to `shareCountyFundResult` when the county has city-pooling figures.
 */

/** The allocation in force: its inputs (SPEC §3) and each community's package as allocated and as in force. */
export interface SimulatedAllocation {
  inputs: {
    insuredCount: string;
    perCapitaStandard: string;
    interest: string;
    criticalIllnessPremiumPerPerson: string;
    familyDoctorFee: string;
    policyAdjustmentExpenditure: string;
  };
  communities: { code: string; enrolledPopulation: string; package: string; effectivePackage: string }[];
}

/** The county's city-pooling figures for the year (SPEC §12.1). */
export interface SimulatedCityFigures {
  county: CountyFundYearResult;
  pooledFundBalance: Money;
  standing: CountyPoolingStanding;
  terms: Record<keyof CityPoolingTerms, Dec>;
}

/** Everything one county-year's simulation reads, loaded once. */
export interface SimulationCase {
  countyCode: string;
  fundYear: number;
  /** The parameter set the stored year end was drafted with. */
  parameters: PolicyParameters;
  /** The year-end inputs as the draft read them, scores included and the ledger before the year end's own postings. */
  inputs: YearEndInputs;
  allocation: SimulatedAllocation | null;
  city: SimulatedCityFigures | null;
  /** The stored year end, when one is drafted. */
  stored: { state: string; summary: YearEndSummary; statements: { code: string; balanceDue: string }[] } | null;
}

/** The parameters a simulation may change: those of the allocation and the year end, and the city's rates. */
export const ALLOCATION_PARAMETERS: readonly PolicyParameterName[] = [
  'adjustmentReserveRate',
  'communityBaseShareRate',
  'increasePoolRate',
  'privatePoolRate',
];
export const YEAR_END_PARAMETERS: readonly PolicyParameterName[] = [
  'primaryFloorRate',
  'surplusPrimaryWeight',
  'attributeOutOfCountyToLead',
  'reapportionFloorShortfall',
  'privateSurplusRewardRate',
  'privateOverspendShareRate',
  'privateOverspendLimitRate',
];
export const CITY_PARAMETERS = Object.keys(DEFAULT_CITY_POOLING_TERMS) as (keyof CityPoolingTerms)[];
export const SIMULATED_PARAMETERS: readonly string[] = [...ALLOCATION_PARAMETERS, ...YEAR_END_PARAMETERS, ...CITY_PARAMETERS];

/** At most this many variations in one grid. */
export const MAX_VARIATIONS = 100_000;

export type ParameterChanges = Readonly<Record<string, string>>;

function refused(message: string, details: ErrorDetail[]): DomainError {
  return new DomainError('SIMULATION_PARAMETERS_INVALID', 'unprocessable', message, details);
}

function checkName(name: string): void {
  if (!SIMULATED_PARAMETERS.includes(name))
    throw refused(`unknown parameter "${name}": the simulation changes ${SIMULATED_PARAMETERS.join(', ')}`, [
      { field: name, rule: 'simulatedParameter', message: `one of ${SIMULATED_PARAMETERS.join(', ')}` },
    ]);
}

const DECIMAL_TEXT = /^\d{1,6}(\.\d{1,6})?$/;

function checkValue(name: string, value: string): void {
  if (!DECIMAL_TEXT.test(value))
    throw refused(`${name}=${value}: the value must be a non-negative decimal with at most 6 places, such as 0.25`, [
      { field: name, rule: 'decimal', message: value },
    ]);
}

/** `name=value`, as `--set` takes it. */
export function parseParameterChange(text: string): [string, string] {
  const at = text.indexOf('=');
  if (at <= 0)
    throw refused(`"${text}": write a change as name=value, such as primaryFloorRate=0.22`, [
      { field: text, rule: 'nameEqualsValue', message: text },
    ]);
  const name = text.slice(0, at).trim();
  const value = text.slice(at + 1).trim();
  checkName(name);
  checkValue(name, value);
  return [name, value];
}

/** `name=from:to:step`, as `--vary` takes it: from, from+step, … up to and including `to`. */
export function parseParameterVariation(text: string): { name: string; values: string[] } {
  const at = text.indexOf('=');
  const parts = at > 0 ? text.slice(at + 1).split(':') : [];
  if (at <= 0 || parts.length !== 3)
    throw refused(`"${text}": write a variation as name=from:to:step, such as primaryFloorRate=0.20:0.30:0.01`, [
      { field: text, rule: 'nameEqualsFromToStep', message: text },
    ]);
  const name = text.slice(0, at).trim();
  checkName(name);
  for (const p of parts) checkValue(name, p.trim());
  const [from, to, step] = parts.map((p) => new Dec(p.trim()));
  if (step.isZero() || to.lt(from))
    throw refused(`${text}: the step must be positive and "to" not below "from"`, [{ field: name, rule: 'ascendingRange', message: text }]);
  const count = to.minus(from).dividedBy(step).floor().plus(1);
  if (count.gt(MAX_VARIATIONS))
    throw refused(`${text}: ${count.toString()} values, more than ${MAX_VARIATIONS}`, [
      { field: name, rule: 'maxVariations', message: text },
    ]);
  const values: string[] = [];
  for (let i = 0; i < count.toNumber(); i++) values.push(from.plus(step.times(i)).toString());
  return { name, values };
}

/** Every combination of the variations, each with the fixed changes under it. */
export function variationGrid(fixed: ParameterChanges, variations: readonly { name: string; values: string[] }[]): ParameterChanges[] {
  let grid: Record<string, string>[] = [{ ...fixed }];
  for (const v of variations) grid = grid.flatMap((g) => v.values.map((value) => ({ ...g, [v.name]: value })));
  if (grid.length > MAX_VARIATIONS)
    throw refused(`${grid.length} variations, more than ${MAX_VARIATIONS}`, [
      { field: 'vary', rule: 'maxVariations', message: String(grid.length) },
    ]);
  return grid;
}

/** A simulated year end, or why the changed parameters cannot settle the year. */
export interface SimulationResult {
  changes: ParameterChanges;
  settlement: YearEndSettlement | null;
  citySharing: CountyResultSharing | null;
  refusal: { code: string; message: string } | null;
}

/** The year end (and the city's sharing) under `changes`, every other input as loaded. */
export function simulateYearEnd(c: SimulationCase, changes: ParameterChanges): SimulationResult {
  const policyChanges: Partial<PolicyParameters> = {};
  const cityChanges: Partial<Record<keyof CityPoolingTerms, Dec>> = {};
  for (const [name, value] of Object.entries(changes)) {
    checkName(name);
    checkValue(name, value);
    if ((CITY_PARAMETERS as string[]).includes(name)) cityChanges[name as keyof CityPoolingTerms] = new Dec(value);
    else policyChanges[name as PolicyParameterName] = value;
  }
  try {
    const parameters = validatePolicyParameters({ ...c.parameters, ...policyChanges });
    const allocationChanged = ALLOCATION_PARAMETERS.some((n) => n in policyChanges && !new Dec(policyChanges[n]!).eq(c.parameters[n]));
    const inputs = allocationChanged ? withReallocatedPackages(c, parameters) : c.inputs;
    const settlement = settleYearEnd(inputs, policyTerms(parameters));
    const citySharing = c.city
      ? shareCountyFundResult(c.city.county, c.city.pooledFundBalance, c.city.standing, { ...c.city.terms, ...cityChanges })
      : null;
    return { changes, settlement, citySharing, refusal: null };
  } catch (err) {
    if (err instanceof DomainError)
      return { changes, settlement: null, citySharing: null, refusal: { code: err.code, message: err.message } };
    throw err;
  }
}

/**
 * The packages under the changed allocation rates: M from the allocation's inputs, split
 * between communities by enrolled population as the allocation splits it, plus the increases
 * made since; each community's package account moved by the difference.
 */
function withReallocatedPackages(c: SimulationCase, p: PolicyParameters): YearEndInputs {
  if (!c.allocation || !c.inputs.packages) return c.inputs;
  const a = c.allocation.inputs;
  const figures = allocateFundYear(
    {
      insuredCount: a.insuredCount,
      perCapitaStandard: Money.of(a.perCapitaStandard),
      interest: Money.of(a.interest),
      criticalIllnessPremiumPerPerson: Money.of(a.criticalIllnessPremiumPerPerson),
      familyDoctorFee: Money.of(a.familyDoctorFee),
      policyAdjustmentExpenditure: Money.of(a.policyAdjustmentExpenditure),
    },
    {
      adjustmentReserveRate: p.adjustmentReserveRate,
      communityBaseShareRate: p.communityBaseShareRate,
      increasePoolRate: p.increasePoolRate,
      privatePoolRate: p.privatePoolRate,
    },
  );
  const split = splitPackageBetweenCommunities(
    figures.communityPackage,
    c.allocation.communities.map((x) => ({ code: x.code, enrolledPopulation: x.enrolledPopulation })),
  );
  const packages = new Map(c.inputs.packages);
  const ledger = new Map<string, AccountTotals>(c.inputs.ledger);
  for (const community of c.allocation.communities) {
    const allocated = split.find((s) => s.code === community.code)!.package;
    const increases = Money.of(community.effectivePackage).minus(Money.of(community.package));
    const effective = allocated.plus(increases);
    const delta = effective.minus(Money.of(community.effectivePackage));
    packages.set(community.code, effective);
    const account = communityPackageAccount(community.code);
    const t = ledger.get(account) ?? { debits: Money.ZERO, credits: Money.ZERO };
    ledger.set(account, { debits: t.debits, credits: t.credits.plus(delta) });
  }
  return { ...c.inputs, packages, ledger };
}

// ---------------------------------------------------------------- comparing with the stored year end

/** Where a recomputed year end differs from the stored one, figure by figure (empty: the same to the fen). */
export function yearEndDifferences(
  stored: { summary: YearEndSummary; statements: { code: string; balanceDue: string }[] },
  computed: YearEndSettlement,
): string[] {
  const out: string[] = [];
  const compare = (path: string, a: unknown, b: unknown) => {
    if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
      const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
      for (const k of keys) compare(`${path}.${k}`, (a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]);
    } else if (String(a ?? null) !== String(b ?? null))
      out.push(`${path.slice(1)}: stored ${String(a ?? null)}, computed ${String(b ?? null)}`);
  };
  compare('', normalised(stored.summary), normalised(computed.summary));
  const storedDue = new Map(stored.statements.map((s) => [s.code, Money.of(s.balanceDue)]));
  for (const line of computed.statements) {
    const before = storedDue.get(line.unit.code);
    if (!before || !before.eq(line.s.balanceDue))
      out.push(`statement ${line.unit.code}: stored ${before ?? 'none'}, computed ${line.s.balanceDue}`);
    storedDue.delete(line.unit.code);
  }
  for (const code of storedDue.keys()) out.push(`statement ${code}: stored, not computed`);
  return out;
}

/** A summary with its amounts as fixed two-place text, as JSON keeps them. */
function normalised(summary: YearEndSummary): unknown {
  return JSON.parse(JSON.stringify(summary, (_k, v: unknown) => (v instanceof Money ? v.toString() : v)));
}

// ---------------------------------------------------------------- the exported file

/** The case as JSON text (amounts as exact text, maps as entry lists). */
export function simulationCaseToJson(c: SimulationCase): unknown {
  const i = c.inputs;
  const m = (x: Money) => x.toString();
  return {
    format: 'county-year-simulation/1',
    countyCode: c.countyCode,
    fundYear: c.fundYear,
    parameters: c.parameters,
    allocation: c.allocation,
    inputs: {
      county: i.county,
      fundYear: i.fundYear,
      packages: i.packages ? [...i.packages].map(([code, amount]) => [code, m(amount)]) : null,
      parameterSet: i.parameterSet,
      communities: i.communities,
      units: i.units,
      declarations: i.declarations.map((d) => ({ ...d, approved: m(d.approved), deposit: m(d.deposit), funded: m(d.funded) })),
      privateClaims: i.privateClaims,
      records: i.records.map((r) => ({ ...r, approved: m(r.approved) })),
      outOfCounty: i.outOfCounty.map((o) => ({ ...o, total: m(o.total), unfunded: m(o.unfunded) })),
      pendingDeclarations: i.pendingDeclarations,
      privateInstitutions: i.privateInstitutions.map((p) => ({
        ...p,
        annualBudget: m(p.annualBudget),
        funded: m(p.funded),
        depositWithheld: m(p.depositWithheld),
      })),
      ledger: [...i.ledger].map(([code, t]) => [code, m(t.debits), m(t.credits)]),
      scores: [...i.scores],
      surplusPlans: i.surplusPlans ? [...i.surplusPlans].map(([code, p]) => [code, p.id, [...p.amounts].map(([u, a]) => [u, m(a)])]) : null,
    },
    city: c.city
      ? {
          county: {
            countyCode: c.city.county.countyCode,
            raisedTotal: m(c.city.county.raisedTotal),
            income: m(c.city.county.income),
            expenditure: m(c.city.county.expenditure),
            accumulatedBalance: m(c.city.county.accumulatedBalance),
          },
          pooledFundBalance: m(c.city.pooledFundBalance),
          standing: { ...c.city.standing, transitionSubsidyDifference: m(c.city.standing.transitionSubsidyDifference) },
          terms: Object.fromEntries(Object.entries(c.city.terms).map(([k, v]) => [k, v.toString()])),
        }
      : null,
    stored: c.stored,
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a file read back field by field, every amount through Money.of
type Loose = any;

/** Reads an exported case back; refuses a file that is not one, naming what is wrong. */
export function simulationCaseFromJson(json: unknown): SimulationCase {
  const j = json as Loose;
  if (!j || j.format !== 'county-year-simulation/1' || typeof j.inputs !== 'object')
    throw new DomainError('SIMULATION_FILE_INVALID', 'unprocessable', 'not an exported county-year (format county-year-simulation/1)', [
      { field: 'format', rule: 'countyYearSimulation', message: String(j?.format) },
    ]);
  try {
    const i = j.inputs;
    const m = (x: string) => Money.of(x);
    const inputs: YearEndInputs = {
      county: i.county,
      fundYear: i.fundYear,
      packages: i.packages ? new Map((i.packages as [string, string][]).map(([code, a]) => [code, m(a)])) : null,
      parameterSet: i.parameterSet,
      communities: i.communities,
      units: i.units,
      declarations: (i.declarations as Loose[]).map((d) => ({ ...d, approved: m(d.approved), deposit: m(d.deposit), funded: m(d.funded) })),
      privateClaims: i.privateClaims,
      records: (i.records as Loose[]).map((r) => ({ ...r, approved: m(r.approved) })),
      outOfCounty: (i.outOfCounty as Loose[]).map((o) => ({ ...o, total: m(o.total), unfunded: m(o.unfunded) })),
      pendingDeclarations: i.pendingDeclarations,
      privateInstitutions: (i.privateInstitutions as Loose[]).map((p) => ({
        ...p,
        annualBudget: m(p.annualBudget),
        funded: m(p.funded),
        depositWithheld: m(p.depositWithheld),
      })),
      ledger: new Map((i.ledger as [string, string, string][]).map(([code, d, c]) => [code, { debits: m(d), credits: m(c) }])),
      scores: new Map(i.scores as [number, string][]),
      surplusPlans: i.surplusPlans
        ? new Map(
            (i.surplusPlans as [string, number, [string, string][]][]).map(([code, id, amounts]) => [
              code,
              { id, amounts: new Map(amounts.map(([u, a]) => [u, m(a)])) },
            ]),
          )
        : undefined,
    };
    const city: SimulatedCityFigures | null = j.city
      ? {
          county: {
            countyCode: j.city.county.countyCode,
            raisedTotal: m(j.city.county.raisedTotal),
            income: m(j.city.county.income),
            expenditure: m(j.city.county.expenditure),
            accumulatedBalance: m(j.city.county.accumulatedBalance),
          },
          pooledFundBalance: m(j.city.pooledFundBalance),
          standing: { ...j.city.standing, transitionSubsidyDifference: m(j.city.standing.transitionSubsidyDifference) },
          terms: Object.fromEntries(CITY_PARAMETERS.map((k) => [k, new Dec(j.city.terms[k])])) as Record<keyof CityPoolingTerms, Dec>,
        }
      : null;
    return {
      countyCode: j.countyCode,
      fundYear: j.fundYear,
      parameters: j.parameters,
      inputs,
      allocation: j.allocation ?? null,
      city,
      stored: j.stored ?? null,
    };
  } catch (err) {
    throw new DomainError(
      'SIMULATION_FILE_INVALID',
      'unprocessable',
      `the exported county-year cannot be read: ${(err as Error).message}`,
      [{ field: 'inputs', rule: 'countyYearSimulation', message: (err as Error).message }],
    );
  }
}

/** The ledger before some of its transfers (a posted year end's own): each one's amount taken back off both its accounts. */
export function ledgerWithout(
  totals: ReadonlyMap<string, AccountTotals>,
  transfers: readonly { debit: string; credit: string; amount: Money }[],
): Map<string, AccountTotals> {
  const out = new Map(totals);
  const zero = { debits: Money.ZERO, credits: Money.ZERO };
  for (const t of transfers) {
    const d = out.get(t.debit) ?? zero;
    out.set(t.debit, { debits: d.debits.minus(t.amount), credits: d.credits });
    const c = out.get(t.credit) ?? zero;
    out.set(t.credit, { debits: c.debits, credits: c.credits.minus(t.amount) });
  }
  return out;
}
