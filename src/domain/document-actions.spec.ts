import fc from 'fast-check';
import { Role, scopeOf } from './access-policy';
import { MEMBER_CLAIM_LIFECYCLE, MEMBER_CLAIM_STATES } from './claim-cycle';
import {
  Actor,
  allocationActions,
  budgetPlanActions,
  ClaimFacts,
  declarationActions,
  fundAnalysisActions,
  holdActions,
  memberClaimActions,
  passDownActions,
  privatePaymentActions,
  yearEndActions,
} from './document-actions';
import { InstitutionType } from './institution-registry';

/** County 1: the bureau (1), lead hospital (2) of community 10, township (3) of community 10, private hospital (5). */
function actor(type: InstitutionType, roles: Role[], name = 'someone', id?: number): Actor {
  const ids: Partial<Record<InstitutionType, number>> = { BUREAU: 1, LEAD_HOSPITAL: 2, TOWNSHIP_CENTER: 3, PRIVATE_DESIGNATED: 5 };
  const institution = {
    level: 'COUNTY' as const,
    id: id ?? ids[type] ?? 9,
    type,
    countyId: 1,
    communityId: type === 'BUREAU' || type === 'PRIVATE_DESIGNATED' || type === 'FINANCE_BUREAU' ? null : 10,
  };
  return { name, roles, institution, scope: scopeOf(institution, roles) };
}

const bureauClerk = actor('BUREAU', ['BUREAU_CLERK'], 'clerk');
const bureauApprover = actor('BUREAU', ['BUREAU_APPROVER'], 'approver');
const leadFinance = actor('LEAD_HOSPITAL', ['LEAD_FINANCE'], 'lead');
const townshipClerk = actor('TOWNSHIP_CENTER', ['MEMBER_CLERK'], 'township');
const privateClerk = actor('PRIVATE_DESIGNATED', ['PRIVATE_CLERK'], 'private');
const auditor = actor('BUREAU', ['AUDITOR'], 'auditor');

const townshipClaim = (over: Partial<ClaimFacts> = {}): ClaimFacts => ({
  state: 'OPEN',
  institutionId: 3,
  countyId: 1,
  communityId: 10,
  reviewedBy: null,
  ...over,
});
const privateClaim = (over: Partial<ClaimFacts> = {}): ClaimFacts => townshipClaim({ institutionId: 5, communityId: null, ...over });

describe('member claim actions: who may do what now', () => {
  it('offers submit on an open claim to its own unit only, never to the lead unit or the bureau', () => {
    expect(memberClaimActions(townshipClerk, townshipClaim())).toEqual(['submit']);
    expect(memberClaimActions(leadFinance, townshipClaim())).toEqual([]);
    expect(memberClaimActions(actor('LEAD_HOSPITAL', ['LEAD_FINANCE', 'MEMBER_CLERK']), townshipClaim())).toEqual([]);
    expect(memberClaimActions(bureauClerk, townshipClaim())).toEqual([]);
    expect(memberClaimActions(actor('TOWNSHIP_CENTER', ['MEMBER_CLERK'], 'other', 4), townshipClaim())).toEqual([]);
  });

  it('offers the pre-review to the lead unit of the community for a member, to the bureau clerk for a private institution', () => {
    expect(memberClaimActions(leadFinance, townshipClaim({ state: 'SUBMITTED' }))).toEqual(['returnForCorrection', 'completeReview']);
    expect(memberClaimActions(bureauClerk, townshipClaim({ state: 'SUBMITTED' }))).toEqual([]);
    expect(memberClaimActions(bureauClerk, privateClaim({ state: 'SUBMITTED' }))).toEqual(['returnForCorrection', 'completeReview']);
    expect(memberClaimActions(leadFinance, privateClaim({ state: 'SUBMITTED' }))).toEqual([]);
    expect(memberClaimActions(townshipClerk, townshipClaim({ state: 'SUBMITTED' }))).toEqual([]);
  });

  it('offers the resubmission of a returned claim to its own unit only', () => {
    expect(memberClaimActions(townshipClerk, townshipClaim({ state: 'RETURNED' }))).toEqual(['resubmit']);
    expect(memberClaimActions(leadFinance, townshipClaim({ state: 'RETURNED' }))).toEqual([]);
    expect(memberClaimActions(privateClerk, privateClaim({ state: 'RETURNED' }))).toEqual(['resubmit']);
    expect(memberClaimActions(bureauClerk, privateClaim({ state: 'RETURNED' }))).toEqual([]);
  });

  it('never offers settle on a township’s claim; on a private one only to an approver who did not review it', () => {
    const reviewed = townshipClaim({ state: 'REVIEWED', reviewedBy: 'lead' });
    expect(memberClaimActions(leadFinance, reviewed)).toEqual(['reopenReview', 'declare']);
    expect(memberClaimActions(bureauApprover, reviewed)).toEqual([]);
    expect(memberClaimActions(bureauApprover, privateClaim({ state: 'REVIEWED', reviewedBy: 'clerk' }))).toEqual(['settle']);
    expect(memberClaimActions(bureauApprover, privateClaim({ state: 'REVIEWED', reviewedBy: 'approver' }))).toEqual([]);
    expect(memberClaimActions(bureauClerk, privateClaim({ state: 'REVIEWED', reviewedBy: 'clerk' }))).toEqual(['reopenReview']);
    expect(memberClaimActions(privateClerk, privateClaim({ state: 'REVIEWED' }))).toEqual([]);
  });

  it('offers nobody the steps the money takes by itself (roll-over, funded, passed down, paid)', () => {
    const everyone = [bureauClerk, bureauApprover, leadFinance, townshipClerk, privateClerk, auditor];
    for (const state of ['DECLARED', 'FUNDED', 'SETTLED', 'PASSED_DOWN', 'PAID', 'ROLLED_OVER'] as const) {
      for (const a of everyone) {
        expect(memberClaimActions(a, townshipClaim({ state }))).toEqual([]);
        expect(memberClaimActions(a, privateClaim({ state }))).toEqual([]);
      }
    }
  });

  it('offers only actions the life cycle allows from the state, and nothing to a caller who changes nothing', () => {
    const roles = fc.subarray(['BUREAU_CLERK', 'BUREAU_APPROVER', 'LEAD_FINANCE', 'MEMBER_CLERK', 'PRIVATE_CLERK', 'AUDITOR'] as Role[]);
    const types = fc.constantFrom<InstitutionType>('BUREAU', 'LEAD_HOSPITAL', 'TOWNSHIP_CENTER', 'PRIVATE_DESIGNATED');
    fc.assert(
      fc.property(types, roles, fc.constantFrom(...MEMBER_CLAIM_STATES), fc.boolean(), (type, rs, state, isPrivate) => {
        const claim = isPrivate ? privateClaim({ state, reviewedBy: 'clerk' }) : townshipClaim({ state, reviewedBy: 'lead' });
        const offered = memberClaimActions(actor(type, rs), claim);
        const allowed = MEMBER_CLAIM_LIFECYCLE.allowedActions(state);
        if (!offered.every((a) => allowed.includes(a))) return false;
        return !(rs.every((r) => r === 'AUDITOR') && offered.length > 0);
      }),
    );
  });
});

describe('declaration, pass-down, hold and private payment actions', () => {
  const declaration = { countyId: 1, communityId: 10, reviewedBy: 'clerk' };

  it('gives the bureau clerk the review and the approver the approval, never to whoever reviewed it', () => {
    expect(declarationActions(bureauClerk, { ...declaration, state: 'DECLARED', reviewedBy: null })).toEqual(['completeReview']);
    expect(declarationActions(bureauApprover, { ...declaration, state: 'REVIEWED' })).toEqual(['return', 'approve']);
    expect(declarationActions(actor('BUREAU', ['BUREAU_APPROVER'], 'clerk'), { ...declaration, state: 'REVIEWED' })).toEqual(['return']);
    expect(declarationActions(bureauClerk, { ...declaration, state: 'APPROVED' })).toEqual(['disburse']);
    expect(declarationActions(leadFinance, { ...declaration, state: 'APPROVED' })).toEqual([]);
    expect(declarationActions(auditor, { ...declaration, state: 'APPROVED' })).toEqual([]);
    expect(declarationActions(actor('BUREAU', ['BUREAU_CLERK'], 'clerk', 7), { ...declaration, countyId: 2, state: 'APPROVED' })).toEqual(
      [],
    );
  });

  it('lets only the payer record a pass-down paid', () => {
    expect(passDownActions(leadFinance, { state: 'DUE', payerId: 2 })).toEqual(['pay']);
    expect(passDownActions(townshipClerk, { state: 'DUE', payerId: 2 })).toEqual([]);
    expect(passDownActions(townshipClerk, { state: 'DUE', payerId: 3 })).toEqual(['pay']);
    expect(passDownActions(leadFinance, { state: 'PAID', payerId: 2 })).toEqual([]);
    expect(passDownActions(bureauClerk, { state: 'DUE', payerId: 2 })).toEqual([]);
  });

  it('lets the bureau of the county lift a hold and record a private payment paid', () => {
    expect(holdActions(bureauClerk, { state: 'ACTIVE', countyId: 1, communityId: 10 })).toEqual(['lift']);
    expect(holdActions(leadFinance, { state: 'ACTIVE', countyId: 1, communityId: 10 })).toEqual([]);
    expect(holdActions(bureauClerk, { state: 'LIFTED', countyId: 1, communityId: 10 })).toEqual([]);
    expect(privatePaymentActions(bureauApprover, { state: 'APPROVED', countyId: 1 })).toEqual(['pay']);
    expect(privatePaymentActions(privateClerk, { state: 'APPROVED', countyId: 1 })).toEqual([]);
    expect(privatePaymentActions(auditor, { state: 'APPROVED', countyId: 1 })).toEqual([]);
  });
});

describe('fund-year documents, fund analyses and the year end', () => {
  it('allocation: the clerk submits and corrects, an approver who neither drafted nor submitted it approves', () => {
    const doc = { countyId: 1, createdBy: 'clerk', submittedBy: 'clerk' };
    expect(allocationActions(bureauClerk, { ...doc, state: 'DRAFT' })).toEqual(['submit']);
    expect(allocationActions(bureauApprover, { ...doc, state: 'SUBMITTED' })).toEqual(['return', 'approve']);
    expect(allocationActions(bureauApprover, { ...doc, createdBy: 'approver', state: 'SUBMITTED' })).toEqual(['return']);
    expect(allocationActions(bureauClerk, { ...doc, state: 'APPROVED' })).toEqual(['publish', 'supersede']);
    expect(allocationActions(bureauApprover, { ...doc, state: 'APPROVED' })).toEqual(['publish']);
    expect(allocationActions(leadFinance, { ...doc, state: 'APPROVED' })).toEqual([]);
  });

  it('budget plan: the lead unit of the community submits and drafts the next version; the bureau approves and publishes', () => {
    const plan = { countyId: 1, communityId: 10, createdBy: 'lead', submittedBy: 'lead' };
    expect(budgetPlanActions(leadFinance, { ...plan, state: 'DRAFT' })).toEqual(['submit']);
    expect(budgetPlanActions(bureauClerk, { ...plan, state: 'DRAFT' })).toEqual([]);
    expect(budgetPlanActions(bureauApprover, { ...plan, state: 'SUBMITTED' })).toEqual(['return', 'approve']);
    expect(budgetPlanActions(leadFinance, { ...plan, state: 'PUBLISHED' })).toEqual(['supersede']);
    expect(budgetPlanActions(leadFinance, { ...plan, communityId: 11, state: 'DRAFT' })).toEqual([]);
    expect(budgetPlanActions(townshipClerk, { ...plan, state: 'DRAFT' })).toEqual([]);
  });

  it('fund analysis: the lead unit edits and submits; the bureau may refresh the figures of a draft', () => {
    const f = { countyId: 1, communityId: 10 };
    expect(fundAnalysisActions(leadFinance, { ...f, state: 'DRAFT' })).toEqual(['refresh', 'edit', 'submit']);
    expect(fundAnalysisActions(bureauClerk, { ...f, state: 'DRAFT' })).toEqual(['refresh']);
    expect(fundAnalysisActions(townshipClerk, { ...f, state: 'DRAFT' })).toEqual([]);
    expect(fundAnalysisActions(leadFinance, { ...f, state: 'SUBMITTED' })).toEqual([]);
  });

  it('year end: the bureau redrafts and posts; an approver other than the drafter approves', () => {
    expect(yearEndActions(bureauApprover, { state: 'DRAFT', countyId: 1, draftedBy: 'system' })).toEqual(['redraft', 'approve']);
    expect(yearEndActions(bureauApprover, { state: 'DRAFT', countyId: 1, draftedBy: 'approver' })).toEqual(['redraft']);
    expect(yearEndActions(bureauClerk, { state: 'APPROVED', countyId: 1, draftedBy: 'system' })).toEqual(['post']);
    expect(yearEndActions(auditor, { state: 'DRAFT', countyId: 1, draftedBy: 'system' })).toEqual([]);
  });
});
