import { DomainError } from './domain-error';
import { InstitutionType, isPrimaryInstitution } from './institution-registry';
import { compareCodes } from './largest-remainder';
import { AccountTotals, applyTransfers, balanceIn, communityClosingBalances, PRIVATE_ACCOUNTS, TransferSpec } from './ledger';
import { Money } from './money';
import { PolicyTerms } from './policy-parameters';
import {
  communityYearEndTransfers,
  depositReleaseRate,
  privateYearEndTransfers,
  settleCommunityYear,
  settlePrivateYear,
  UnitFunding,
  unitFunding,
  UnitStatement,
  YearEndState,
} from './year-end-settlement';

/**
 * The year end of one county and fund year (年终清算, SPEC §7) over everything it reads: the
 * approved records by claim, the funded declarations, out-of-county spending, private
 * institutions' budgets and payments, the packages in force and the ledger as it stands.
 * `settleYearEnd` returns the statements, the summary and the ledger transfers; the caller
 * loads the inputs and persists the result.
 */

/** A member unit or private institution of the county. */
export interface YearEndUnit {
  id: number;
  code: string;
  name: string;
  type: InstitutionType;
  communityId: number | null;
}

/** A declaration the bureau approved (and funded), with the (submitter, period) claims it covers. */
export interface FundedDeclarationFigures {
  id: number;
  communityId: number;
  approved: Money;
  deposit: Money;
  funded: Money;
  claims: { submitterId: number; period: string }[];
}

/** The records of one care unit in one submitter's claim of a period. */
export interface ClaimRecordFigures {
  unitId: number;
  submitterId: number;
  claimPeriod: string;
  records: number;
  /** Accepted in pre-review and not deducted. */
  approved: Money;
}

/** A private institution's budget and what the bureau paid and withheld over the year. */
export interface PrivateYearFigures {
  institutionId: number;
  annualBudget: Money;
  funded: Money;
  depositWithheld: Money;
}

export interface YearEndInputs {
  county: { id: number; code: string };
  fundYear: number;
  /** M per community code in the allocation in force; null when no allocation is approved. */
  packages: ReadonlyMap<string, Money> | null;
  /** The parameter set's version, and the surplus weight as the bureau wrote it (shown in the summary). */
  parameterSet: { version: number; surplusPrimaryWeight: string };
  /** The county's communities, in code order. */
  communities: readonly { id: number; code: string }[];
  units: readonly YearEndUnit[];
  declarations: readonly FundedDeclarationFigures[];
  /** Private institutions' claims the bureau settled. */
  privateClaims: readonly { submitterId: number; period: string }[];
  records: readonly ClaimRecordFigures[];
  outOfCounty: readonly { communityId: number; total: Money; unfunded: Money }[];
  pendingDeclarations: readonly { communityCode: string; period: string; state: string }[];
  privateInstitutions: readonly PrivateYearFigures[];
  ledger: ReadonlyMap<string, AccountTotals>;
  /** Performance scores of the communities that release a quality deposit (see `communitiesReleasingDeposit`). */
  scores: ReadonlyMap<number, string>;
  /** Executed surplus plans by community code: the plan's id and its amount per unit code (§9.3). */
  surplusPlans?: ReadonlyMap<string, { id: number; amounts: ReadonlyMap<string, Money> }>;
}

export interface CommunitySummary {
  communityCode: string;
  communityPackage: string;
  outOfCountyExpenditure: string;
  outOfCountyUnfunded: string;
  totalExpenditure: string;
  overspend: string;
  surplus: string;
  primaryAfterShares: string;
  primaryShareOfPackage: string;
  floor: { floorRate: string; required: string; shortfall: string; met: boolean };
  /** The floor is not met after shares and top-up: reported, never hidden (SPEC §7). */
  floorViolation: boolean;
  /** Overspend moved from primary units to the others to meet the floor (policy option). */
  floorReapportioned: string;
  /** No member unit had consumption: the surplus retained for the surplus plan (结余留用, §9.3). */
  surplusUnallocated: string;
  /** No member unit had consumption: overspend nobody bears by share, left for the bureau to decide. */
  overspendUnapportioned: string;
  /** Why this community's year end needs a decision the policy cannot take for it; null when none. */
  decisionNeeded: string | null;
  /** The executed surplus plan whose amounts the statements carry (§9.3); null: the default proposal. */
  surplusPlanId?: number | null;
  score: string | null;
  depositWithheld: string;
  depositReleased: string;
  closingBalances: { package: string; leadAdvance: string; qualityDeposit: string };
}

export interface YearEndSummary {
  options: {
    attributeOutOfCountyToLead: boolean;
    reapportionFloorShortfall: boolean;
    surplusPrimaryWeight: string;
    parametersVersion: number;
  };
  communities: CommunitySummary[];
  privateInstitutions: { count: number; balanceDue: string };
  /** Declarations of the fund year not yet approved: their claims are not in the statements. */
  pendingDeclarations: { communityCode: string; period: string; state: string }[];
  records: number;
  transfers: TransferSpec[];
}

export interface YearEndStatementLine {
  unit: YearEndUnit;
  kind: 'MEMBER' | 'PRIVATE';
  s: UnitStatement;
}

export interface YearEndSettlement {
  summary: YearEndSummary;
  statements: YearEndStatementLine[];
}

/** There is a package to settle only under an approved allocation. */
export function assertAllocationToSettle(inputs: Pick<YearEndInputs, 'packages' | 'county' | 'fundYear'>): ReadonlyMap<string, Money> {
  if (inputs.packages === null) {
    throw new DomainError(
      'NO_ALLOCATION',
      'unprocessable',
      `${inputs.county.code} has no approved allocation for ${inputs.fundYear}: there is no package to settle`,
      [{ field: 'fundYear', rule: 'allocationApproved', message: String(inputs.fundYear) }],
    );
  }
  return inputs.packages;
}

/** The units' approved amounts, deposits and cash of the year, and the private institutions' approved amounts. */
function fundingOf(inputs: YearEndInputs): { perUnit: Map<string, UnitFunding>; privateApproved: Map<number, Money>; records: number } {
  const claimKey = (submitter: number, period: string) => `${submitter}|${period}`;
  const declarationOf = new Map<string, number>();
  for (const d of inputs.declarations) for (const c of d.claims) declarationOf.set(claimKey(c.submitterId, c.period), d.id);
  const privateClaim = new Set(inputs.privateClaims.map((p) => claimKey(p.submitterId, p.period)));
  let records = 0;
  const byDeclaration = new Map<number, Map<number, { approved: Money; submitterId: number }>>();
  const privateApproved = new Map<number, Money>();
  for (const a of inputs.records) {
    records += a.records;
    const key = claimKey(a.submitterId, a.claimPeriod);
    const declarationId = declarationOf.get(key);
    if (declarationId !== undefined) {
      const perUnit = byDeclaration.get(declarationId) ?? new Map<number, { approved: Money; submitterId: number }>();
      perUnit.set(a.unitId, { approved: (perUnit.get(a.unitId)?.approved ?? Money.ZERO).plus(a.approved), submitterId: a.submitterId });
      byDeclaration.set(declarationId, perUnit);
    } else if (privateClaim.has(key)) {
      privateApproved.set(a.unitId, (privateApproved.get(a.unitId) ?? Money.ZERO).plus(a.approved));
    }
  }
  // Each declaration's deposit and funded cash, split over its units as the pass-downs split it.
  const unitById = new Map(inputs.units.map((u) => [u.id, u]));
  const codeOf = (unitId: number) => unitById.get(unitId)?.code ?? String(unitId);
  const perUnit = unitFunding(
    inputs.declarations.map((d) => ({
      id: d.id,
      approved: d.approved,
      deposit: d.deposit,
      funded: d.funded,
      units: [...(byDeclaration.get(d.id) ?? new Map<number, { approved: Money; submitterId: number }>())].map(([unitId, u]) => ({
        code: codeOf(unitId),
        approved: u.approved,
        submitter: codeOf(u.submitterId),
      })),
    })),
  );
  return { perUnit, privateApproved, records };
}

/** The members of each community with a package, in code order. */
function communitiesToSettle(inputs: YearEndInputs, packages: ReadonlyMap<string, Money>) {
  const out: { id: number; code: string; communityPackage: Money; members: YearEndUnit[] }[] = [];
  for (const community of inputs.communities) {
    const communityPackage = packages.get(community.code);
    if (!communityPackage) continue;
    const members = inputs.units.filter((u) => u.communityId === community.id).sort((a, b) => compareCodes(a.code, b.code));
    if (members.length === 0) continue;
    out.push({ id: community.id, code: community.code, communityPackage, members });
  }
  return out;
}

/**
 * The communities whose quality deposit is released by their performance score (those that
 * had a deposit withheld): their scores are part of the inputs.
 */
export function communitiesReleasingDeposit(inputs: YearEndInputs): number[] {
  const packages = assertAllocationToSettle(inputs);
  const { perUnit } = fundingOf(inputs);
  return communitiesToSettle(inputs, packages)
    .filter((c) => Money.sum(c.members.map((m) => perUnit.get(m.code)?.deposit ?? Money.ZERO)).isPositive())
    .map((c) => c.id);
}

/**
 * Settles the county's year: per community, overspend apportioned or surplus proposed, the
 * primary floor, the deposit released by the score, balances due; per private institution,
 * the total-control settlement; every transfer checked against the ledger as it stands (no
 * protected account below zero).
 */
export function settleYearEnd(inputs: YearEndInputs, terms: PolicyTerms): YearEndSettlement {
  const packages = assertAllocationToSettle(inputs);
  const { perUnit, privateApproved, records } = fundingOf(inputs);
  const unitById = new Map(inputs.units.map((u) => [u.id, u]));
  const statements: YearEndStatementLine[] = [];
  const communities: CommunitySummary[] = [];
  const transfers: TransferSpec[] = [];
  const prefix = `yearend.${inputs.county.code}.${inputs.fundYear}`;

  for (const { id, code, communityPackage, members } of communitiesToSettle(inputs, packages)) {
    const lead = members.find((m) => m.type === 'LEAD_HOSPITAL');
    const ooc = inputs.outOfCounty.find((o) => o.communityId === id);
    const depositWithheld = Money.sum(members.map((m) => perUnit.get(m.code)?.deposit ?? Money.ZERO));
    const score = depositWithheld.isPositive() ? scoreOf(inputs, id, code) : null;
    const plan = inputs.surplusPlans?.get(code);
    const year = settleCommunityYear({
      surplusPlan: plan?.amounts,
      communityCode: code,
      communityPackage,
      outOfCountyExpenditure: ooc?.total ?? Money.ZERO,
      primaryFloorRate: terms.primaryFloorRate,
      attributeOutOfCountyToLead: terms.attributeOutOfCountyToLead && lead ? lead.code : undefined,
      surplusPrimaryWeight: terms.surplusPrimaryWeight,
      reapportionFloorShortfall: terms.reapportionFloorShortfall,
      depositReleaseRate: depositReleaseRate(score ?? '100'),
      members: members.map((m) => {
        const u = perUnit.get(m.code);
        return {
          code: m.code,
          primary: isPrimaryInstitution(m.type),
          approvedConsumption: u?.approved ?? Money.ZERO,
          depositWithheld: u?.deposit ?? Money.ZERO,
          paidSoFar: u?.paid ?? Money.ZERO,
        };
      }),
    });
    const closing = communityClosingBalances(inputs.ledger, code);
    const outOfCountyUnfunded = ooc?.unfunded ?? Money.ZERO;
    transfers.push(...communityYearEndTransfers(prefix, year, { ...closing, outOfCountyUnfunded }));
    for (const s of year.statements) statements.push({ unit: members.find((m) => m.code === s.code)!, kind: 'MEMBER', s });
    communities.push({
      communityCode: code,
      communityPackage: communityPackage.toString(),
      outOfCountyExpenditure: year.outOfCountyExpenditure.toString(),
      outOfCountyUnfunded: outOfCountyUnfunded.toString(),
      totalExpenditure: year.totalExpenditure.toString(),
      overspend: year.overspend.toString(),
      surplus: year.surplus.toString(),
      primaryAfterShares: year.primaryAfterShares.toString(),
      primaryShareOfPackage: year.primaryShareOfPackage,
      floor: {
        floorRate: year.floor.floorRate,
        required: year.floor.required.toString(),
        shortfall: year.floor.shortfall.toString(),
        met: year.floor.met,
      },
      floorViolation: !year.floor.met,
      floorReapportioned: year.floorReapportioned.toString(),
      surplusUnallocated: year.surplusUnallocated.toString(),
      overspendUnapportioned: year.overspendUnapportioned.toString(),
      decisionNeeded: year.surplusPlanOutdated ? `${year.surplusPlanOutdated}: draft a new surplus plan` : decisionNeeded(year),
      surplusPlanId: plan && year.surplusPlanApplied ? plan.id : null,
      score,
      depositWithheld: year.depositWithheld.toString(),
      depositReleased: year.depositReleased.toString(),
      closingBalances: closingBalancesText(closing),
    });
  }

  // Private institutions under total-control settlement.
  let privateDue = Money.ZERO;
  const privateInstitutions = [...inputs.privateInstitutions].sort((a, b) =>
    compareCodes(unitById.get(a.institutionId)!.code, unitById.get(b.institutionId)!.code),
  );
  for (const p of privateInstitutions) {
    const unit = unitById.get(p.institutionId)!;
    const s = settlePrivateYear({
      code: unit.code,
      annualBudget: p.annualBudget,
      approvedConsumption: privateApproved.get(unit.id) ?? Money.ZERO,
      funded: p.funded,
      depositWithheld: p.depositWithheld,
      surplusRewardRate: terms.privateSurplusRewardRate,
      overspendShareRate: terms.privateOverspendShareRate,
      overspendLimitRate: terms.privateOverspendLimitRate,
    });
    transfers.push(...privateYearEndTransfers(prefix, s));
    statements.push({ unit, kind: 'PRIVATE', s });
    privateDue = privateDue.plus(s.balanceDue);
  }

  // Every transfer must post against the ledger as it stands (no protected account below zero).
  applyTransfers(inputs.ledger, transfers);
  return {
    summary: {
      options: {
        attributeOutOfCountyToLead: terms.attributeOutOfCountyToLead,
        reapportionFloorShortfall: terms.reapportionFloorShortfall,
        surplusPrimaryWeight: inputs.parameterSet.surplusPrimaryWeight,
        parametersVersion: inputs.parameterSet.version,
      },
      communities,
      privateInstitutions: { count: inputs.privateInstitutions.length, balanceDue: privateDue.toString() },
      pendingDeclarations: inputs.pendingDeclarations.map((d) => ({ ...d })),
      records,
      transfers,
    },
    statements,
  };
}

/** The decision a year end with no consumption to share by leaves to people, in the bureau's words. */
function decisionNeeded(year: { surplusUnallocated: Money; overspendUnapportioned: Money }): string | null {
  if (year.surplusUnallocated.isPositive())
    return `no member unit has approved consumption: the surplus ${year.surplusUnallocated} is retained by the community, unallocated, for the surplus plan to distribute`;
  if (year.overspendUnapportioned.isPositive())
    return `no member unit has approved consumption: the overspend ${year.overspendUnapportioned} (out-of-county spending beyond the package) has no consumption share to be apportioned by and stays unfunded for the bureau to decide`;
  return null;
}

function scoreOf(inputs: YearEndInputs, communityId: number, communityCode: string): string {
  const score = inputs.scores.get(communityId);
  if (score === undefined) throw new Error(`the year end of ${communityCode} needs its performance score`);
  return score;
}

/** A community's closing balances as their exact text, as the summary keeps them. */
export function closingBalancesText(b: { package: Money; leadAdvance: Money; qualityDeposit: Money }) {
  return { package: b.package.toString(), leadAdvance: b.leadAdvance.toString(), qualityDeposit: b.qualityDeposit.toString() };
}

// ---------------------------------------------------------------- approval and posting

/** A settlement is approved only when every declaration of its year is approved. */
export function assertNoPendingDeclarations(summary: Pick<YearEndSummary, 'pendingDeclarations'>, fundYear: number): void {
  if (summary.pendingDeclarations.length) {
    throw new DomainError(
      'DECLARATIONS_PENDING',
      'conflict',
      `${summary.pendingDeclarations.length} declaration(s) of ${fundYear} are not yet approved; approve or settle them and draft again`,
      [
        {
          field: 'pendingDeclarations',
          rule: 'allApproved',
          message: summary.pendingDeclarations.map((d) => `${d.communityCode} ${d.period}`).join(', '),
        },
      ],
    );
  }
}

/** The ledger the draft closed is still the ledger now: the communities' balances and the private deposits it releases. */
export function assertLedgerUnchanged(
  summary: Pick<YearEndSummary, 'communities' | 'transfers'>,
  totals: ReadonlyMap<string, AccountTotals>,
): void {
  for (const c of summary.communities) {
    const now = closingBalancesText(communityClosingBalances(totals, c.communityCode));
    if (JSON.stringify(now) !== JSON.stringify(c.closingBalances)) {
      throw new DomainError(
        'YEAR_END_LEDGER_CHANGED',
        'conflict',
        `the ledger of ${c.communityCode} changed since the draft (${JSON.stringify(c.closingBalances)} → ${JSON.stringify(now)}); draft again before approving`,
      );
    }
  }
  for (const t of summary.transfers.filter((x) => x.debit.startsWith(PRIVATE_ACCOUNTS.deposit('')))) {
    if (balanceIn(totals, t.debit).lt(Money.of(t.amount as unknown as string)))
      throw new DomainError('YEAR_END_LEDGER_CHANGED', 'conflict', `${t.debit} changed since the draft; draft again before approving`);
  }
}

function communitiesAwaitingSurplusPlan(summary: Pick<YearEndSummary, 'communities'>): CommunitySummary[] {
  return summary.communities.filter((c) => Money.of(c.surplus).isPositive() && !c.surplusPlanId);
}

/** Some community of the year ends in surplus without its approved surplus plan applied. */
export function awaitingSurplusPlan(summary: Pick<YearEndSummary, 'communities'>): boolean {
  return communitiesAwaitingSurplusPlan(summary).length > 0;
}

/**
 * A year that ends in surplus is approved (and so posted) only with the surplus plan the
 * county government approved (基金管理办法 第二十三条, SPEC §9.3) applied to its statements.
 */
export function assertSurplusPlansApplied(summary: Pick<YearEndSummary, 'communities'>): void {
  const missing = communitiesAwaitingSurplusPlan(summary);
  if (missing.length)
    throw new DomainError(
      'SURPLUS_PLAN_REQUIRED',
      'conflict',
      `${missing.map((c) => `${c.communityCode} (surplus ${c.surplus})`).join(', ')}: a year that ends in surplus is approved with its approved surplus plan; execute the plan first`,
      missing.map((c) => ({ field: `communities.${c.communityCode}`, rule: 'surplusPlanExecuted', message: `surplus ${c.surplus}` })),
    );
}

/** Only an approved settlement is posted. */
export function assertYearEndPostable(state: YearEndState, settlementId: number): void {
  if (state !== 'APPROVED')
    throw new DomainError('YEAR_END_NOT_APPROVED', 'conflict', `year-end settlement ${settlementId} is ${state}, not approved`);
}

/** The transfers an approved settlement posts, in order, as its summary kept them (amounts as text). */
export function yearEndTransfersToPost(summary: Pick<YearEndSummary, 'transfers'>): TransferSpec[] {
  return summary.transfers.map((t) => ({ ...t, amount: Money.of(t.amount as unknown as string) }));
}

/** A year-end settlement asked for must exist (drafted by the year-end cycle). */
export function assertYearEndDrafted<T>(settlement: T | null, fundYear: number, countyCode?: string): T {
  if (settlement === null)
    throw new DomainError(
      'YEAR_END_SETTLEMENT_NOT_FOUND',
      'not_found',
      countyCode === undefined
        ? `no year-end settlement for ${fundYear} yet`
        : `no year-end settlement of ${countyCode} for ${fundYear} yet: run the year-end cycle`,
    );
  return settlement;
}

/** A unit's statement asked for must be in a drafted settlement. */
export function assertStatementDrafted<T>(statement: T | undefined, institutionCode: string, fundYear: number): T {
  if (statement === undefined)
    throw new DomainError('YEAR_END_STATEMENT_NOT_FOUND', 'not_found', `no year-end statement of ${institutionCode} for ${fundYear} yet`);
  return statement;
}
