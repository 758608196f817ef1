import 'reflect-metadata';
import fc from 'fast-check';
import { ACCESS_RULE, AccessRule } from '../../src/common/access.decorators';
import {
  assertMakerChecker,
  communityInScope,
  countyInScope,
  decideRouteAccess,
  institutionInScope,
  Role,
  ROLE_HOLDERS,
  ROLES,
  scopeOf,
} from '../../src/domain/access-policy';
import {
  DECLARATION_STATES,
  HOLD_STATES,
  MEMBER_CLAIM_STATES,
  PASS_DOWN_STATES,
  PRIVATE_PAYMENT_STATES,
  DECLARATION_LIFECYCLE,
  HOLD_LIFECYCLE,
  MEMBER_CLAIM_LIFECYCLE,
  PASS_DOWN_LIFECYCLE,
  PRIVATE_PAYMENT_LIFECYCLE,
} from '../../src/domain/claim-cycle';
import { assertClaimant, assertClaimReviewer } from '../../src/domain/declaration';
import {
  Actor,
  allocationActions,
  budgetPlanActions,
  declarationActions,
  fundAnalysisActions,
  holdActions,
  memberClaimActions,
  passDownActions,
  privatePaymentActions,
  yearEndActions,
} from '../../src/domain/document-actions';
import { DOCUMENT_LIFECYCLE, DOCUMENT_STATES } from '../../src/domain/document-lifecycle';
import { DomainError } from '../../src/domain/domain-error';
import { FUND_ANALYSIS_LIFECYCLE, FUND_ANALYSIS_STATES } from '../../src/domain/fund-analysis';
import { InstitutionType } from '../../src/domain/institution-registry';
import { assertPassDownPayer } from '../../src/domain/pass-down';
import { assertPrivateClaim } from '../../src/domain/private-settlement';
import { YEAR_END_LIFECYCLE, YearEndState } from '../../src/domain/year-end-settlement';
import { FundAnalysisController, CommunityAssessmentController } from '../../src/modules/assessment/assessment.controller';
import {
  CommunityCycleController,
  DeclarationController,
  MemberClaimController,
  PassDownController,
  PrivateSettlementController,
} from '../../src/modules/claims/claims.controller';
import { YearEndController } from '../../src/modules/cycles/cycles.controller';
import { AllocationController, BudgetPlanController } from '../../src/modules/fund-year/fund-year.controller';

/**
 * The actions a view offers (src/domain/document-actions.ts) against what the routes accept:
 * for callers of every kind and documents in every state, an action is offered exactly when
 * its route's @Access rule (roles, read-only callers, the record's scope — read here from the
 * controllers themselves) and the service's own authorisation rules (claimant, reviewer,
 * payer, maker-checker, private claim) let the caller take it. Business refusals that do not
 * depend on who asks (a hold in force, a stale version) are not part of this.
 */

// A small world: two counties, each with a bureau, a community, a lead unit, members and a private hospital.
interface Place {
  id: number;
  type: InstitutionType;
  countyId: number;
  communityId: number | null;
  parentId: number | null;
}
const PLACES: Place[] = [
  { id: 1, type: 'BUREAU', countyId: 1, communityId: null, parentId: null },
  { id: 2, type: 'BUREAU', countyId: 2, communityId: null, parentId: null },
  { id: 3, type: 'FINANCE_BUREAU', countyId: 1, communityId: null, parentId: null },
  { id: 11, type: 'LEAD_HOSPITAL', countyId: 1, communityId: 10, parentId: null },
  { id: 12, type: 'TOWNSHIP_CENTER', countyId: 1, communityId: 10, parentId: null },
  { id: 13, type: 'TOWNSHIP_CENTER', countyId: 1, communityId: 10, parentId: null },
  { id: 14, type: 'VILLAGE_CLINIC', countyId: 1, communityId: 10, parentId: 12 },
  { id: 15, type: 'COUNTY_HOSPITAL', countyId: 1, communityId: 10, parentId: null },
  { id: 16, type: 'PRIVATE_DESIGNATED', countyId: 1, communityId: null, parentId: null },
  { id: 21, type: 'LEAD_HOSPITAL', countyId: 2, communityId: 20, parentId: null },
  { id: 22, type: 'TOWNSHIP_CENTER', countyId: 2, communityId: 20, parentId: null },
  { id: 26, type: 'PRIVATE_DESIGNATED', countyId: 2, communityId: null, parentId: null },
];
const place = (id: number) => PLACES.find((p) => p.id === id)!;
const CLAIMANTS = PLACES.filter((p) => ['LEAD_HOSPITAL', 'TOWNSHIP_CENTER', 'COUNTY_HOSPITAL', 'PRIVATE_DESIGNATED'].includes(p.type));
const COMMUNITIES = [
  { id: 10, countyId: 1 },
  { id: 20, countyId: 2 },
];
const NAMES = ['ann', 'bob'];

/** A caller at any institution holding any of the roles that institution's type may hold (none, too). */
const actors: fc.Arbitrary<Actor> = fc.constantFrom(...PLACES).chain((at) =>
  fc
    .record({
      name: fc.constantFrom(...NAMES),
      roles: fc.subarray(ROLES.filter((r) => ROLE_HOLDERS[r].includes(at.type)) as Role[]),
    })
    .map(({ name, roles }) => {
      const institution = { level: 'COUNTY' as const, id: at.id, type: at.type, countyId: at.countyId, communityId: at.communityId };
      return { name, roles, institution, scope: scopeOf(institution, roles) };
    }),
);
/** Enough runs that each role, place, state and maker meet (a property run costs well under a millisecond). */
const RUNS = { numRuns: 3000 };
const maker = fc.constantFrom<string | null>(null, ...NAMES);
const community = fc.constantFrom(...COMMUNITIES);

/** Whether the route (and then the service) accepts the caller's action on this document, authorisation only. */
function accepted(actor: Actor, route: [object, string], targetInScope: boolean, service: () => void): boolean {
  const [controller, method] = route;
  const handler = (controller as { prototype: Record<string, object> }).prototype[method];
  const rule = Reflect.getMetadata(ACCESS_RULE, handler) as AccessRule | undefined;
  if (!rule) throw new Error(`${method} declares no @Access rule`);
  const denial = decideRouteAccess({
    roles: rule.roles,
    callerRoles: actor.roles,
    callerInstitutionCode: 'X',
    isRead: false,
    openToReadOnly: Boolean(rule.openToReadOnly),
    target: rule.target ? { kind: rule.target.kind, value: '1', inScope: targetInScope } : undefined,
  });
  if (denial) return false;
  try {
    service();
    return true;
  } catch (e) {
    if (e instanceof DomainError && e.kind === 'forbidden') return false;
    if (e instanceof DomainError && e.code === 'NOT_A_PRIVATE_CLAIM') return false;
    throw e;
  }
}

const none = () => undefined;

/** The route each offered action is taken through, the record its path names, and the service's own checks. */
function checkAgreement<A extends string>(
  offered: readonly A[],
  lifecycleActions: readonly A[],
  takenBy: Partial<Record<A, () => boolean>>,
): boolean {
  for (const action of lifecycleActions) {
    const route = takenBy[action];
    if (!route) {
      if (offered.includes(action)) return false; // the system's own step is never offered
      continue;
    }
    if (offered.includes(action) !== route()) return false;
  }
  return true;
}

describe('allowedActions agree with the routes: offered exactly when the route would accept the caller', () => {
  it('member claims', () => {
    const claims = fc.record({
      at: fc.constantFrom(...CLAIMANTS),
      state: fc.constantFrom(...MEMBER_CLAIM_STATES),
      reviewedBy: maker,
    });
    fc.assert(
      fc.property(actors, claims, (actor, c) => {
        const claim = {
          state: c.state,
          institutionId: c.at.id,
          countyId: c.at.countyId,
          communityId: c.at.communityId,
          reviewedBy: c.reviewedBy,
        };
        const own = institutionInScope(actor.scope, c.at);
        const facts = { id: 1, institutionId: c.at.id, institutionCode: 'U', communityId: c.at.communityId };
        const reviewer = () => assertClaimReviewer(actor.institution, facts);
        return checkAgreement(memberClaimActions(actor, claim), MEMBER_CLAIM_LIFECYCLE.allowedActions(c.state), {
          submit: () =>
            accepted(actor, [MemberClaimController, 'submit'], own, () => assertClaimant({ ...actor.institution, code: 'X' }, facts)),
          returnForCorrection: () => accepted(actor, [MemberClaimController, 'returnForCorrection'], own, reviewer),
          resubmit: () =>
            accepted(actor, [MemberClaimController, 'resubmit'], own, () => assertClaimant({ ...actor.institution, code: 'X' }, facts)),
          completeReview: () => accepted(actor, [MemberClaimController, 'completeReview'], own, reviewer),
          reopenReview: () => accepted(actor, [MemberClaimController, 'reopenReview'], own, reviewer),
          declare: () =>
            c.at.communityId !== null &&
            accepted(
              actor,
              [CommunityCycleController, 'declare'],
              communityInScope(actor.scope, { id: c.at.communityId, countyId: c.at.countyId }),
              none,
            ),
          settle: () =>
            accepted(actor, [PrivateSettlementController, 'approve'], own, () => {
              assertPrivateClaim(facts);
              assertMakerChecker(c.reviewedBy ?? '', actor.name);
            }),
        });
      }),
      RUNS,
    );
  });

  it('declarations, pass-downs, holds and private payments', () => {
    const documents = fc.record({
      community,
      declaration: fc.constantFrom(...DECLARATION_STATES),
      reviewedBy: maker,
      payer: fc.constantFrom(place(11), place(12), place(21), place(22)),
      passDown: fc.constantFrom(...PASS_DOWN_STATES),
      hold: fc.constantFrom(...HOLD_STATES),
      payee: fc.constantFrom(place(16), place(26)),
      payment: fc.constantFrom(...PRIVATE_PAYMENT_STATES),
    });
    fc.assert(
      fc.property(actors, documents, (actor, d) => {
        const inCommunity = communityInScope(actor.scope, d.community);
        const declaration = { state: d.declaration, countyId: d.community.countyId, communityId: d.community.id, reviewedBy: d.reviewedBy };
        const declarationAgrees = checkAgreement(
          declarationActions(actor, declaration),
          DECLARATION_LIFECYCLE.allowedActions(d.declaration),
          {
            completeReview: () => accepted(actor, [DeclarationController, 'completeReview'], inCommunity, none),
            return: () => accepted(actor, [DeclarationController, 'returnForReview'], inCommunity, none),
            approve: () =>
              accepted(actor, [DeclarationController, 'approve'], inCommunity, () => assertMakerChecker(d.reviewedBy ?? '', actor.name)),
            disburse: () => accepted(actor, [DeclarationController, 'disburse'], inCommunity, none),
          },
        );
        const passDownAgrees = checkAgreement(
          passDownActions(actor, { state: d.passDown, payerId: d.payer.id }),
          PASS_DOWN_LIFECYCLE.allowedActions(d.passDown),
          {
            pay: () =>
              accepted(actor, [PassDownController, 'pay'], institutionInScope(actor.scope, d.payer), () =>
                assertPassDownPayer({ id: d.payer.id, code: 'P' }, { id: actor.institution.id, code: 'X' }),
              ),
          },
        );
        const holdAgrees = checkAgreement(
          holdActions(actor, { state: d.hold, countyId: d.community.countyId, communityId: d.community.id }),
          HOLD_LIFECYCLE.allowedActions(d.hold),
          { lift: () => accepted(actor, [PassDownController, 'lift'], inCommunity, none) },
        );
        const paymentAgrees = checkAgreement(
          privatePaymentActions(actor, { state: d.payment, countyId: d.payee.countyId }),
          PRIVATE_PAYMENT_LIFECYCLE.allowedActions(d.payment),
          { pay: () => accepted(actor, [PrivateSettlementController, 'pay'], institutionInScope(actor.scope, d.payee), none) },
        );
        return declarationAgrees && passDownAgrees && holdAgrees && paymentAgrees;
      }),
      RUNS,
    );
  });

  it('allocations, budget plans, fund analyses and year-end settlements', () => {
    const documents = fc.record({
      community,
      state: fc.constantFrom(...DOCUMENT_STATES),
      createdBy: fc.constantFrom(...NAMES),
      submittedBy: maker,
      analysis: fc.constantFrom(...FUND_ANALYSIS_STATES),
      yearEnd: fc.constantFrom<YearEndState>('DRAFT', 'APPROVED', 'POSTED'),
      draftedBy: fc.constantFrom('system', ...NAMES),
    });
    fc.assert(
      fc.property(actors, documents, (actor, d) => {
        const countyId = d.community.countyId;
        const inCounty = countyInScope(actor.scope, countyId);
        const inCommunity = communityInScope(actor.scope, d.community);
        const doc = { state: d.state, createdBy: d.createdBy, submittedBy: d.submittedBy };
        const allocationAgrees = checkAgreement(
          allocationActions(actor, { ...doc, countyId }),
          DOCUMENT_LIFECYCLE.allowedActions(d.state),
          {
            submit: () => accepted(actor, [AllocationController, 'submit'], inCounty, none),
            return: () => accepted(actor, [AllocationController, 'returnForChanges'], inCounty, none),
            approve: () =>
              accepted(actor, [AllocationController, 'approve'], inCounty, () => {
                assertMakerChecker(d.submittedBy ?? d.createdBy, actor.name);
                assertMakerChecker(d.createdBy, actor.name);
              }),
            publish: () => accepted(actor, [AllocationController, 'publish'], inCounty, none),
            supersede: () => accepted(actor, [AllocationController, 'correct'], inCounty, none),
          },
        );
        const plan = { ...doc, countyId, communityId: d.community.id };
        const planAgrees = checkAgreement(budgetPlanActions(actor, plan), DOCUMENT_LIFECYCLE.allowedActions(d.state), {
          submit: () => accepted(actor, [BudgetPlanController, 'submit'], inCommunity, none),
          return: () => accepted(actor, [BudgetPlanController, 'returnForChanges'], inCommunity, none),
          approve: () =>
            accepted(actor, [BudgetPlanController, 'approve'], inCommunity, () =>
              assertMakerChecker(d.submittedBy ?? d.createdBy, actor.name),
            ),
          publish: () => accepted(actor, [BudgetPlanController, 'publish'], inCommunity, none),
          // The next version is drafted for the community the body names; the service refuses one outside the caller's scope.
          supersede: () => inCommunity && accepted(actor, [BudgetPlanController, 'create'], true, none),
        });
        const analysisAgrees = checkAgreement(
          fundAnalysisActions(actor, { state: d.analysis, countyId, communityId: d.community.id }),
          FUND_ANALYSIS_LIFECYCLE.allowedActions(d.analysis),
          {
            refresh: () => accepted(actor, [CommunityAssessmentController, 'draft'], inCommunity, none),
            edit: () => accepted(actor, [FundAnalysisController, 'edit'], inCommunity, none),
            submit: () => accepted(actor, [FundAnalysisController, 'submit'], inCommunity, none),
          },
        );
        const yearEndAgrees = checkAgreement(
          yearEndActions(actor, { state: d.yearEnd, countyId, draftedBy: d.draftedBy }),
          YEAR_END_LIFECYCLE.allowedActions(d.yearEnd),
          {
            redraft: () => accepted(actor, [YearEndController, 'redraft'], inCounty, none),
            approve: () => accepted(actor, [YearEndController, 'approve'], inCounty, () => assertMakerChecker(d.draftedBy, actor.name)),
            post: () => accepted(actor, [YearEndController, 'post'], inCounty, none),
          },
        );
        return allocationAgrees && planAgrees && analysisAgrees && yearEndAgrees;
      }),
      RUNS,
    );
  });
});
