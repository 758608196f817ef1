import { communityInScope, Role, Scope } from './access-policy';
import {
  DECLARATION_LIFECYCLE,
  DeclarationAction,
  DeclarationState,
  HOLD_LIFECYCLE,
  HoldState,
  mayReviewClaim,
  MEMBER_CLAIM_LIFECYCLE,
  MemberClaimAction,
  MemberClaimState,
  PASS_DOWN_LIFECYCLE,
  PassDownState,
  PRIVATE_PAYMENT_LIFECYCLE,
  PrivatePaymentState,
} from './claim-cycle';
import { DOCUMENT_LIFECYCLE, DocumentAction, DocumentState } from './document-lifecycle';
import { FUND_ANALYSIS_LIFECYCLE, FundAnalysisAction, FundAnalysisState } from './fund-analysis';
import { InstitutionType } from './institution-registry';
import { YEAR_END_LIFECYCLE, YearEndAction, YearEndState } from './year-end-settlement';

/**
 * What a caller may do next with a document (its view's `allowedActions`): the actions its life
 * cycle allows from the current state that this caller's roles, institution and part in the
 * document let it take — the same rules the routes and services apply (SPEC §1: a user acts only
 * within its institution's scope; maker-checker: whoever recorded a decision never approves it).
 * Actions the system takes by itself (a roll-over on declaring, a claim funded on disbursement)
 * are offered to nobody. `docs/document-actions.md` lists every action and who takes it.
 */

/** The caller as these rules see it. */
export interface Actor {
  /** Username (or `token:<id>`): maker-checker compares it with who recorded the decision. */
  name: string;
  roles: readonly Role[];
  institution: { id: number; type: InstitutionType; countyId: number | null; communityId: number | null };
  scope: Scope;
}

const BUREAU_ROLES: readonly Role[] = ['BUREAU_CLERK', 'BUREAU_APPROVER'];

function holds(actor: Actor, roles: readonly Role[]): boolean {
  return actor.roles.some((r) => roles.includes(r));
}

/** The bureau of the document's county. */
function bureauOf(actor: Actor, countyId: number): boolean {
  return actor.institution.type === 'BUREAU' && actor.scope.kind === 'county' && actor.scope.countyId === countyId;
}

/** Whoever decided (recorded, reviewed, drafted) is never the one who approves (四眼原则). */
function notTheMaker(actor: Actor, ...makers: (string | null)[]): boolean {
  return makers.every((m) => m !== actor.name);
}

function offered<A extends string>(lifecycleActions: readonly A[], may: Record<A, boolean>): A[] {
  return lifecycleActions.filter((a) => may[a]);
}

// ---------------------------------------------------------------- claims

/** A member unit's (or private institution's) monthly claim. */
export interface ClaimFacts {
  state: MemberClaimState;
  institutionId: number;
  countyId: number;
  /** Null for a private institution, which claims to the bureau directly. */
  communityId: number | null;
  /** Who completed the pre-review (the maker the settling approver must differ from). */
  reviewedBy: string | null;
}

/**
 * A claim: its own unit submits (and, once returned for correction, resubmits) it; the lead unit
 * of its community (the bureau for a private institution) returns it for correction, completes or
 * reopens the pre-review; the lead unit declares it with its period;
 * a bureau approver other than the reviewing clerk settles a private institution's claim.
 */
export function memberClaimActions(actor: Actor, claim: ClaimFacts): MemberClaimAction[] {
  const reviewer = holds(actor, ['LEAD_FINANCE', 'BUREAU_CLERK']) && claimReviewer(actor, claim);
  const claimant = holds(actor, ['MEMBER_CLERK', 'PRIVATE_CLERK']) && actor.institution.id === claim.institutionId;
  return offered(MEMBER_CLAIM_LIFECYCLE.allowedActions(claim.state), {
    submit: claimant,
    returnForCorrection: reviewer,
    resubmit: claimant,
    completeReview: reviewer,
    reopenReview: reviewer,
    declare:
      holds(actor, ['LEAD_FINANCE']) &&
      claim.communityId !== null &&
      actor.institution.type === 'LEAD_HOSPITAL' &&
      actor.institution.communityId === claim.communityId,
    settle:
      holds(actor, ['BUREAU_APPROVER']) &&
      claim.communityId === null &&
      bureauOf(actor, claim.countyId) &&
      notTheMaker(actor, claim.reviewedBy),
    rollOver: false,
    fund: false,
    passDown: false,
    pay: false,
  });
}

function claimReviewer(actor: Actor, claim: ClaimFacts): boolean {
  return actor.institution.countyId === claim.countyId && mayReviewClaim(actor.institution, claim);
}

// ---------------------------------------------------------------- declarations, pass-downs, holds, private payments

export interface DeclarationFacts {
  state: DeclarationState;
  countyId: number;
  communityId: number;
  /** The bureau clerk who completed the review (the approver must be someone else). */
  reviewedBy: string | null;
}

/** A declaration: the bureau's clerk completes the review, an approver returns or approves it (not the reviewer), the bureau disburses. */
export function declarationActions(actor: Actor, d: DeclarationFacts): DeclarationAction[] {
  const bureau = bureauOf(actor, d.countyId) && communityInScope(actor.scope, { id: d.communityId, countyId: d.countyId });
  return offered(DECLARATION_LIFECYCLE.allowedActions(d.state), {
    completeReview: bureau && holds(actor, ['BUREAU_CLERK']),
    return: bureau && holds(actor, ['BUREAU_APPROVER']),
    approve: bureau && holds(actor, ['BUREAU_APPROVER']) && notTheMaker(actor, d.reviewedBy),
    disburse: bureau && holds(actor, BUREAU_ROLES),
  });
}

export interface PassDownFacts {
  state: PassDownState;
  /** The institution that owes the money: the lead unit, or a township for its villages. */
  payerId: number;
}

/** A pass-down: only its payer's finance office (the lead unit) or clerk (a township) records it paid. */
export function passDownActions(actor: Actor, p: PassDownFacts): 'pay'[] {
  return offered(PASS_DOWN_LIFECYCLE.allowedActions(p.state), {
    pay: holds(actor, ['LEAD_FINANCE', 'MEMBER_CLERK']) && actor.institution.id === p.payerId,
  });
}

export interface HoldFacts {
  state: HoldState;
  countyId: number;
  communityId: number;
}

/** A disbursement hold: the bureau of the community's county lifts it. */
export function holdActions(actor: Actor, h: HoldFacts): 'lift'[] {
  return offered(HOLD_LIFECYCLE.allowedActions(h.state), {
    lift: holds(actor, BUREAU_ROLES) && bureauOf(actor, h.countyId),
  });
}

export interface PrivatePaymentFacts {
  state: PrivatePaymentState;
  countyId: number;
}

/** A private institution's payment: the bureau of its county records it paid. */
export function privatePaymentActions(actor: Actor, p: PrivatePaymentFacts): 'pay'[] {
  return offered(PRIVATE_PAYMENT_LIFECYCLE.allowedActions(p.state), {
    pay: holds(actor, BUREAU_ROLES) && bureauOf(actor, p.countyId),
  });
}

// ---------------------------------------------------------------- fund-year documents

export interface FundYearDocumentFacts {
  state: DocumentState;
  createdBy: string;
  submittedBy: string | null;
}

/**
 * The county's fund-year allocation: the bureau clerk submits it and corrects an approved one
 * (a new version that supersedes it); an approver who neither drafted nor submitted it returns
 * or approves it; the bureau publishes it.
 */
export function allocationActions(actor: Actor, a: FundYearDocumentFacts & { countyId: number }): DocumentAction[] {
  const bureau = bureauOf(actor, a.countyId);
  return offered(DOCUMENT_LIFECYCLE.allowedActions(a.state), {
    submit: bureau && holds(actor, ['BUREAU_CLERK']),
    return: bureau && holds(actor, ['BUREAU_APPROVER']),
    approve: bureau && holds(actor, ['BUREAU_APPROVER']) && notTheMaker(actor, a.createdBy, a.submittedBy ?? a.createdBy),
    publish: bureau && holds(actor, BUREAU_ROLES),
    supersede: bureau && holds(actor, ['BUREAU_CLERK']),
  });
}

/**
 * A community budget plan: the lead unit's finance office submits it and drafts the next
 * version (which supersedes it once approved); a bureau approver who did not submit it returns
 * or approves it; the bureau publishes it.
 */
export function budgetPlanActions(actor: Actor, p: FundYearDocumentFacts & { countyId: number; communityId: number }): DocumentAction[] {
  const bureau = bureauOf(actor, p.countyId);
  const lead = holds(actor, ['LEAD_FINANCE']) && actor.scope.kind === 'community' && actor.scope.communityId === p.communityId;
  return offered(DOCUMENT_LIFECYCLE.allowedActions(p.state), {
    submit: lead,
    return: bureau && holds(actor, ['BUREAU_APPROVER']),
    approve: bureau && holds(actor, ['BUREAU_APPROVER']) && notTheMaker(actor, p.submittedBy ?? p.createdBy),
    publish: bureau && holds(actor, BUREAU_ROLES),
    supersede: lead,
  });
}

export interface FundAnalysisFacts {
  state: FundAnalysisState;
  countyId: number;
  communityId: number;
}

/** A quarterly fund analysis: the lead unit comments on and submits it; it or the bureau refreshes the figures of a draft. */
export function fundAnalysisActions(actor: Actor, f: FundAnalysisFacts): FundAnalysisAction[] {
  const inScope = communityInScope(actor.scope, { id: f.communityId, countyId: f.countyId });
  const lead = inScope && holds(actor, ['LEAD_FINANCE']) && actor.scope.kind === 'community';
  return offered(FUND_ANALYSIS_LIFECYCLE.allowedActions(f.state), {
    refresh: lead || (bureauOf(actor, f.countyId) && holds(actor, BUREAU_ROLES)),
    edit: lead,
    submit: lead,
  });
}

export interface YearEndFacts {
  state: YearEndState;
  countyId: number;
  draftedBy: string;
  /** A community ends in surplus without its approved surplus plan applied (approval waits for it). */
  awaitingSurplusPlan?: boolean;
}

/** The county's year-end settlement: the bureau redrafts and posts it; an approver other than the drafter approves it, once any surplus plan is applied. */
export function yearEndActions(actor: Actor, y: YearEndFacts): YearEndAction[] {
  const bureau = bureauOf(actor, y.countyId);
  return offered(YEAR_END_LIFECYCLE.allowedActions(y.state), {
    redraft: bureau && holds(actor, BUREAU_ROLES),
    approve: bureau && holds(actor, ['BUREAU_APPROVER']) && notTheMaker(actor, y.draftedBy) && !y.awaitingSurplusPlan,
    post: bureau && holds(actor, BUREAU_ROLES),
  });
}
