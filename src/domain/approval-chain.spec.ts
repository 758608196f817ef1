import fc from 'fast-check';
import { Role } from './access-policy';
import {
  actOnChain,
  allowedChainActions,
  CHAIN_ACTIONS,
  ChainActorRef,
  ChainRequest,
  ChainState,
  defineWorkflow,
  DISPUTE_WORKFLOW,
  newChain,
  openStepDeadlines,
  openSteps,
  REFERRAL_WORKFLOW,
  RESERVE_USE_WORKFLOW,
  SURPLUS_PLAN_WORKFLOW,
  WorkflowDefinition,
} from './approval-chain';
import { DomainError } from './domain-error';
import { refusal } from './refusal.spec-helper';
import { InstitutionType } from './institution-registry';
import { DEFAULT_WORKING_DAY_CALENDAR } from './calendar-data';

let nextId = 1;
function person(institutionType: InstitutionType, roles: Role[], institutionId = 100 + nextId): ChainActorRef {
  const id = nextId++;
  return { userId: id, username: `user${id}`, institutionId, institutionType, roles };
}

const bureauClerk = person('BUREAU', ['BUREAU_CLERK'], 1);
const bureauApprover = person('BUREAU', ['BUREAU_APPROVER'], 1);
const finance = person('FINANCE_BUREAU', ['APPROVER'], 2);
const prefecture = person('PREFECTURE_BUREAU', ['APPROVER'], 3);
const health = person('HEALTH_BUREAU', ['APPROVER'], 4);
const government = person('COUNTY_GOVERNMENT', ['APPROVER'], 5);
const committee = person('REVIEW_COMMITTEE', ['APPROVER'], 6);
const leadFinance = person('LEAD_HOSPITAL', ['LEAD_FINANCE'], 7);
const leadFinance2 = person('LEAD_HOSPITAL', ['LEAD_FINANCE'], 7);
const township = person('TOWNSHIP_CENTER', ['MEMBER_CLERK'], 8);
const otherTownship = person('TOWNSHIP_CENTER', ['MEMBER_CLERK'], 9);

function act(definition: WorkflowDefinition, state: ChainState, request: Partial<ChainRequest> & Pick<ChainRequest, 'action' | 'actor'>) {
  return actOnChain(definition, state, { at: '2026-11-02T02:00:00Z', today: '2026-11-02', ...request });
}

describe('adjustment reserve use (调剂金, 基金管理办法 第十六条)', () => {
  it('runs bureau → finance bureau → prefecture bureau → executed, with the full history', () => {
    let s = act(RESERVE_USE_WORKFLOW, newChain(), { action: 'submit', actor: bureauClerk });
    expect(s.status).toBe('IN_REVIEW');
    expect(openSteps(RESERVE_USE_WORKFLOW, s).map((x) => x.key)).toEqual(['financeAgrees']);
    s = act(RESERVE_USE_WORKFLOW, s, { action: 'approve', step: 'financeAgrees', actor: finance, comment: '同意' });
    expect(openSteps(RESERVE_USE_WORKFLOW, s).map((x) => x.key)).toEqual(['prefectureReviews']);
    s = act(RESERVE_USE_WORKFLOW, s, { action: 'approve', step: 'prefectureReviews', actor: prefecture });
    expect(s.status).toBe('APPROVED');
    s = act(RESERVE_USE_WORKFLOW, s, { action: 'execute', actor: bureauClerk });
    expect(s.status).toBe('EXECUTED');
    expect(s.history.map((h) => [h.action, h.step, h.username, h.comment])).toEqual([
      ['submit', null, bureauClerk.username, null],
      ['approve', 'financeAgrees', finance.username, '同意'],
      ['approve', 'prefectureReviews', prefecture.username, null],
      ['execute', null, bureauClerk.username, null],
    ]);
  });

  it('only the applicant body may withdraw, and only its applicant once submitted', () => {
    const draft = newChain();
    expect(allowedChainActions(RESERVE_USE_WORKFLOW, draft, bureauClerk)).toEqual(['submit', 'withdraw']);
    expect(allowedChainActions(RESERVE_USE_WORKFLOW, draft, finance)).toEqual([]);
    expect(refusal(() => act(RESERVE_USE_WORKFLOW, draft, { action: 'withdraw', actor: finance })).code).toBe('NOT_APPLICANT');
    const submitted = act(RESERVE_USE_WORKFLOW, draft, { action: 'submit', actor: bureauClerk });
    const otherClerk = person('BUREAU', ['BUREAU_CLERK'], 1);
    expect(refusal(() => act(RESERVE_USE_WORKFLOW, submitted, { action: 'withdraw', actor: otherClerk })).code).toBe('NOT_APPLICANT');
    expect(act(RESERVE_USE_WORKFLOW, submitted, { action: 'withdraw', actor: bureauClerk }).status).toBe('WITHDRAWN');
  });

  it('refuses the wrong body, the wrong step and a step out of order', () => {
    const s = act(RESERVE_USE_WORKFLOW, newChain(), { action: 'submit', actor: bureauClerk });
    expect(refusal(() => act(RESERVE_USE_WORKFLOW, s, { action: 'approve', step: 'financeAgrees', actor: prefecture })).code).toBe(
      'NOT_STEP_ACTOR',
    );
    expect(refusal(() => act(RESERVE_USE_WORKFLOW, s, { action: 'approve', step: 'prefectureReviews', actor: prefecture })).code).toBe(
      'STEP_NOT_OPEN',
    );
    expect(refusal(() => act(RESERVE_USE_WORKFLOW, s, { action: 'approve', step: 'nothing', actor: prefecture })).code).toBe(
      'STEP_NOT_OPEN',
    );
    expect(refusal(() => act(RESERVE_USE_WORKFLOW, s, { action: 'execute', actor: bureauClerk })).code).toBe('ILLEGAL_TRANSITION');
    expect(refusal(() => act(RESERVE_USE_WORKFLOW, newChain(), { action: 'submit', actor: bureauApprover })).code).toBe('NOT_APPLICANT');
  });

  it('a return needs a comment and goes back to the applicant, who resubmits from the first step', () => {
    let s = act(RESERVE_USE_WORKFLOW, newChain(), { action: 'submit', actor: bureauClerk });
    s = act(RESERVE_USE_WORKFLOW, s, { action: 'approve', step: 'financeAgrees', actor: finance });
    const noComment = refusal(() =>
      act(RESERVE_USE_WORKFLOW, s, { action: 'return', step: 'prefectureReviews', actor: prefecture, comment: ' ' }),
    );
    expect(noComment.code).toBe('COMMENT_REQUIRED');
    expect(noComment.kind).toBe('unprocessable');
    s = act(RESERVE_USE_WORKFLOW, s, { action: 'return', step: 'prefectureReviews', actor: prefecture, comment: '补充测算依据' });
    expect(s.status).toBe('RETURNED');
    expect(refusal(() => act(RESERVE_USE_WORKFLOW, s, { action: 'submit', actor: person('BUREAU', ['BUREAU_CLERK'], 1) })).code).toBe(
      'NOT_APPLICANT',
    );
    s = act(RESERVE_USE_WORKFLOW, s, { action: 'submit', actor: bureauClerk });
    expect(openSteps(RESERVE_USE_WORKFLOW, s).map((x) => x.key)).toEqual(['financeAgrees']);
  });

  it('a rejection is final', () => {
    let s = act(RESERVE_USE_WORKFLOW, newChain(), { action: 'submit', actor: bureauClerk });
    s = act(RESERVE_USE_WORKFLOW, s, { action: 'reject', step: 'financeAgrees', actor: finance, comment: '不符合使用范围' });
    expect(s.status).toBe('REJECTED');
    for (const action of CHAIN_ACTIONS) expect(allowedChainActions(RESERVE_USE_WORKFLOW, s, bureauClerk)).not.toContain(action);
  });
});

describe('surplus plan (基金管理办法 第二十三条)', () => {
  it('the bureau and the health bureau review side by side, then the county government approves', () => {
    let s = act(SURPLUS_PLAN_WORKFLOW, newChain(), { action: 'submit', actor: leadFinance });
    expect(openSteps(SURPLUS_PLAN_WORKFLOW, s).map((x) => x.key)).toEqual(['bureauReviews', 'healthBureauReviews']);
    s = act(SURPLUS_PLAN_WORKFLOW, s, { action: 'approve', step: 'healthBureauReviews', actor: health });
    expect(openSteps(SURPLUS_PLAN_WORKFLOW, s).map((x) => x.key)).toEqual(['bureauReviews']);
    expect(refusal(() => act(SURPLUS_PLAN_WORKFLOW, s, { action: 'approve', step: 'governmentApproves', actor: government })).code).toBe(
      'STEP_NOT_OPEN',
    );
    s = act(SURPLUS_PLAN_WORKFLOW, s, { action: 'approve', step: 'bureauReviews', actor: bureauApprover });
    expect(allowedChainActions(SURPLUS_PLAN_WORKFLOW, s, government)).toEqual(['approve', 'return', 'reject']);
    expect(allowedChainActions(SURPLUS_PLAN_WORKFLOW, s, health)).toEqual([]);
    s = act(SURPLUS_PLAN_WORKFLOW, s, { action: 'approve', step: 'governmentApproves', actor: government });
    expect(s.status).toBe('APPROVED');
  });
});

describe('dispute (评审, 基金管理办法 第十七–二十一条)', () => {
  it('the named unit rectifies; the committee may reopen, then accepts', () => {
    let s = act(DISPUTE_WORKFLOW, newChain(township.institutionId), { action: 'submit', actor: township });
    s = act(DISPUTE_WORKFLOW, s, { action: 'approve', step: 'committeeRegisters', actor: committee });
    s = act(DISPUTE_WORKFLOW, s, { action: 'approve', step: 'committeeOpinion', actor: committee, comment: '牵头单位重新分配' });
    expect(refusal(() => act(DISPUTE_WORKFLOW, s, { action: 'approve', step: 'unitRectifies', actor: otherTownship })).code).toBe(
      'NOT_STEP_ACTOR',
    );
    s = act(DISPUTE_WORKFLOW, s, { action: 'approve', step: 'unitRectifies', actor: township, comment: '已整改' });
    s = act(DISPUTE_WORKFLOW, s, { action: 'return', step: 'committeeAccepts', actor: committee, comment: '整改不到位' });
    expect(s.status).toBe('IN_REVIEW');
    expect(openSteps(DISPUTE_WORKFLOW, s).map((x) => x.key)).toEqual(['unitRectifies']);
    s = act(DISPUTE_WORKFLOW, s, { action: 'approve', step: 'unitRectifies', actor: township });
    s = act(DISPUTE_WORKFLOW, s, { action: 'approve', step: 'committeeAccepts', actor: committee });
    expect(s.status).toBe('APPROVED');
  });
});

describe('out-of-county referral (打包付费办法 §五(四))', () => {
  it('another person of the lead unit approves; the one who recorded it cannot', () => {
    let s = act(REFERRAL_WORKFLOW, newChain(), { action: 'submit', actor: leadFinance });
    const own = refusal(() => act(REFERRAL_WORKFLOW, s, { action: 'approve', step: 'leadApproves', actor: leadFinance }));
    expect(own.code).toBe('SEPARATION_OF_DUTIES');
    expect(own.kind).toBe('forbidden');
    s = act(REFERRAL_WORKFLOW, s, { action: 'approve', step: 'leadApproves', actor: leadFinance2 });
    expect(s.status).toBe('APPROVED');
  });
});

describe('deadlines', () => {
  it('each open step is due its working days after the stage opened', () => {
    const s = act(RESERVE_USE_WORKFLOW, newChain(), { action: 'submit', actor: bureauClerk, today: '2026-09-30' });
    const [due] = openStepDeadlines(RESERVE_USE_WORKFLOW, s, DEFAULT_WORKING_DAY_CALENDAR, { reserveReviewWorkingDays: 5 });
    // SPEC §4's example: 1–7 October are holidays and Saturday 10 October is a make-up working day.
    expect(due.step.key).toBe('financeAgrees');
    expect(due.deadline).toEqual({ deadline: '2026-10-13', calendarConfirmed: true });
    const [byDefault] = openStepDeadlines(RESERVE_USE_WORKFLOW, s, DEFAULT_WORKING_DAY_CALENDAR);
    expect(byDefault.deadline.deadline).toBe('2026-10-20');
  });
});

describe('definitions', () => {
  it('refuses a step that returns forward or a key used twice', () => {
    const step = (key: string, returnsTo = 'applicant') => ({
      key,
      title: key,
      actor: { institutionTypes: ['BUREAU'] as InstitutionType[], roles: ['BUREAU_APPROVER'] as Role[] },
      deadline: { parameter: 'x', defaultWorkingDays: 1 },
      returnsTo,
    });
    const base = { kind: 'T', title: 't', applicant: step('a').actor, separationOfDuties: true, execution: 'NONE' };
    expect(() => defineWorkflow({ ...base, stages: [[step('a', 'b')], [step('b')]] })).toThrow(/earlier step/);
    expect(() => defineWorkflow({ ...base, stages: [[step('a')], [step('a')]] })).toThrow(/twice/);
  });
});

describe('properties', () => {
  const cast = [bureauClerk, person('BUREAU', ['BUREAU_CLERK'], 1), finance, person('FINANCE_BUREAU', ['APPROVER'], 2), prefecture];
  const requests = fc.array(
    fc.record({
      action: fc.constantFrom(...CHAIN_ACTIONS),
      step: fc.constantFrom('financeAgrees', 'prefectureReviews', undefined),
      actor: fc.constantFrom(...cast),
      comment: fc.constantFrom(null, '', '理由'),
    }),
    { maxLength: 30 },
  );

  it('whatever is tried, an approved chain was approved at every step by people other than the applicant, one step each', () => {
    fc.assert(
      fc.property(requests, (tries) => {
        let s = newChain();
        for (const t of tries) {
          try {
            s = act(RESERVE_USE_WORKFLOW, s, t);
          } catch (e) {
            if (!(e instanceof DomainError)) throw e;
          }
        }
        const stepActors = new Map<number, Set<string>>();
        for (const h of s.history) if (h.step) stepActors.set(h.userId, (stepActors.get(h.userId) ?? new Set()).add(h.step));
        for (const steps of stepActors.values()) expect(steps.size).toBe(1);
        for (const h of s.history) if (h.step) expect(h.userId).not.toBe(s.applicantId);
        if (s.status === 'APPROVED' || s.status === 'EXECUTED') {
          const lastSubmit = s.history.map((h) => h.action).lastIndexOf('submit');
          const approvals = s.history
            .slice(lastSubmit)
            .filter((h) => h.action === 'approve')
            .map((h) => h.step);
          expect(approvals).toEqual(['financeAgrees', 'prefectureReviews']);
        }
        for (const h of s.history) if (h.action === 'return' || h.action === 'reject') expect(h.comment).toBeTruthy();
      }),
    );
  });
});
