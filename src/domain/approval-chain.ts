import { Role } from './access-policy';
import { DomainError } from './domain-error';
import { InstitutionType } from './institution-registry';
import { addWorkingDays, Deadline, IsoDate, WorkingDayCalendar } from './working-days';

/**
 * One approval chain for every governance workflow of SPEC §9 (调剂金使用, 评审, 结余分配方案,
 * 县外转诊): a workflow is data — its stages in order, the steps of a stage reviewed side by
 * side, who may act at each step, where a return goes, a deadline per step — and one function
 * decides every action on it. Services load the chain, call `actOnChain`, and persist the new
 * state and the history entry it returns.
 */

/** Who may act at a step: an institution type holding one of the roles; `assignedUnit` is decided per chain (e.g. the unit that must rectify). */
export type StepActor =
  { institutionTypes: readonly InstitutionType[]; roles: readonly Role[] } | { assignedUnit: true; roles: readonly Role[] };

export interface ChainStep {
  /** Stable key, e.g. `financeAgrees`. */
  readonly key: string;
  /** The step as the policy names it, e.g. 财政局同意. */
  readonly title: string;
  readonly actor: StepActor;
  /** Working days to act from the day the step opens: the name of the policy parameter and its default. */
  readonly deadline: { parameter: string; defaultWorkingDays: number };
  /** Where a return (退回) sends the chain: back to the applicant, or to an earlier step of the chain. */
  readonly returnsTo: 'applicant' | string;
  /** What may be done at this step (all three unless the policy says less: a unit rectifying only records it). */
  readonly actions?: readonly StepAction[];
}

export type StepAction = 'approve' | 'return' | 'reject';

export interface WorkflowDefinition {
  readonly kind: string;
  readonly title: string;
  /** Who may apply (start and resubmit the chain). */
  readonly applicant: StepActor;
  /** Stages in order; the steps of one stage are reviewed side by side, and all must approve. */
  readonly stages: readonly (readonly ChainStep[])[];
  /** Nobody acts on two steps of one chain, and the applicant acts on none (不相容岗位分离). */
  readonly separationOfDuties: boolean;
  /** What executing the approved chain does, for the service that carries it out. */
  readonly execution: string;
}

export const CHAIN_STATUSES = ['DRAFT', 'IN_REVIEW', 'RETURNED', 'APPROVED', 'REJECTED', 'EXECUTED', 'WITHDRAWN'] as const;
export type ChainStatus = (typeof CHAIN_STATUSES)[number];
export const CHAIN_ACTIONS = ['submit', 'approve', 'return', 'reject', 'execute', 'withdraw'] as const;
export type ChainAction = (typeof CHAIN_ACTIONS)[number];

/** The person acting, as the history records them. */
export interface ChainActorRef {
  userId: number;
  username: string;
  institutionId: number;
  institutionType: InstitutionType;
  roles: readonly Role[];
}

export interface ChainHistoryEntry {
  action: ChainAction;
  /** The step acted on (null for submit, execute, withdraw). */
  step: string | null;
  userId: number;
  username: string;
  institutionId: number;
  at: string;
  comment: string | null;
}

export interface ChainState {
  status: ChainStatus;
  /** Index of the stage under review (meaningful while IN_REVIEW). */
  stage: number;
  /** Steps of the current stage already approved. */
  approved: readonly string[];
  /** Where a resubmission starts (0 after a return to the applicant; the step's stage after a return to a step). */
  resumeStage: number;
  /** The applicant's user id (set by the first submit). */
  applicantId: number | null;
  /** The institution assigned to `assignedUnit` steps, when the workflow has them. */
  assignedUnitId: number | null;
  /** The day the current stage opened, for deadlines. */
  stageOpenedOn: IsoDate | null;
  history: readonly ChainHistoryEntry[];
}

export function newChain(assignedUnitId: number | null = null): ChainState {
  return {
    status: 'DRAFT',
    stage: 0,
    approved: [],
    resumeStage: 0,
    applicantId: null,
    assignedUnitId,
    stageOpenedOn: null,
    history: [],
  };
}

export interface ChainRequest {
  action: ChainAction;
  /** The step acted on, for approve, return and reject. */
  step?: string;
  comment?: string | null;
  actor: ChainActorRef;
  /** Now, as an ISO timestamp, and today in Asia/Shanghai. */
  at: string;
  today: IsoDate;
}

function refuse(code: string, kind: 'conflict' | 'forbidden' | 'unprocessable', message: string, field: string, rule: string): never {
  throw new DomainError(code, kind, message, [{ field, rule, message }]);
}

function mayAct(actor: StepActor, who: ChainActorRef, assignedUnitId: number | null): boolean {
  if (!who.roles.some((r) => actor.roles.includes(r))) return false;
  if ('assignedUnit' in actor) return assignedUnitId !== null && who.institutionId === assignedUnitId;
  return actor.institutionTypes.includes(who.institutionType);
}

function stepOf(definition: WorkflowDefinition, key: string): { step: ChainStep; stage: number } | null {
  for (let stage = 0; stage < definition.stages.length; stage++) {
    const step = definition.stages[stage].find((s) => s.key === key);
    if (step) return { step, stage };
  }
  return null;
}

/** The steps waiting for action now: those of the current stage not yet approved. */
export function openSteps(definition: WorkflowDefinition, state: ChainState): ChainStep[] {
  if (state.status !== 'IN_REVIEW') return [];
  return definition.stages[state.stage].filter((s) => !state.approved.includes(s.key));
}

/** Each open step with its deadline: `days` working days (the policy parameter, or its default) after the stage opened. */
export function openStepDeadlines(
  definition: WorkflowDefinition,
  state: ChainState,
  calendar: WorkingDayCalendar,
  parameterDays: Readonly<Record<string, number>> = {},
): { step: ChainStep; deadline: Deadline }[] {
  if (!state.stageOpenedOn) return [];
  return openSteps(definition, state).map((step) => ({
    step,
    deadline: addWorkingDays(state.stageOpenedOn!, parameterDays[step.deadline.parameter] ?? step.deadline.defaultWorkingDays, calendar),
  }));
}

/** The actions this person may take on the chain now (the console builds its buttons from it). */
export function allowedChainActions(definition: WorkflowDefinition, state: ChainState, who: ChainActorRef): ChainAction[] {
  return [...new Set(allowedStepActions(definition, state, who).map((a) => a.action))];
}

/** The same, each with the step it acts on (null for submit, withdraw and execute). */
export function allowedStepActions(
  definition: WorkflowDefinition,
  state: ChainState,
  who: ChainActorRef,
): { action: ChainAction; step: string | null }[] {
  const allowed: { action: ChainAction; step: string | null }[] = [];
  for (const action of CHAIN_ACTIONS) {
    const steps =
      action === 'approve' || action === 'return' || action === 'reject' ? openSteps(definition, state).map((s) => s.key) : [undefined];
    for (const step of steps) {
      try {
        actOnChain(definition, state, { action, step, comment: 'check', actor: who, at: '', today: '2000-01-01' });
        allowed.push({ action, step: step ?? null });
      } catch {
        // not allowed for this step
      }
    }
  }
  return allowed;
}

/**
 * Decides one action on a chain: the new state (with the history entry appended), or the
 * refusal — illegal in this state (409), not this person's step (403), a return or rejection
 * without a comment (422), a second act by one person where duties are separated (403).
 */
export function actOnChain(definition: WorkflowDefinition, state: ChainState, request: ChainRequest): ChainState {
  const { action, actor } = request;
  const comment = request.comment?.trim() ? request.comment.trim() : null;
  const entry = (step: string | null): ChainHistoryEntry => ({
    action,
    step,
    userId: actor.userId,
    username: actor.username,
    institutionId: actor.institutionId,
    at: request.at,
    comment,
  });
  const illegal = (): never =>
    refuse('ILLEGAL_TRANSITION', 'conflict', `${definition.title} in state ${state.status} cannot ${action}`, 'state', 'transition');

  switch (action) {
    case 'submit': {
      if (state.status !== 'DRAFT' && state.status !== 'RETURNED') return illegal();
      if (!mayAct(definition.applicant, actor, state.assignedUnitId))
        refuse('NOT_APPLICANT', 'forbidden', `only the applicant's body may submit ${definition.title}`, 'actor', 'applicant');
      if (state.applicantId !== null && state.applicantId !== actor.userId)
        refuse('NOT_APPLICANT', 'forbidden', `only the person who applied may resubmit ${definition.title}`, 'actor', 'applicant');
      return {
        ...state,
        status: 'IN_REVIEW',
        stage: state.resumeStage,
        approved: [],
        applicantId: actor.userId,
        stageOpenedOn: request.today,
        history: [...state.history, entry(null)],
      };
    }
    case 'withdraw': {
      if (state.status !== 'DRAFT' && state.status !== 'RETURNED' && state.status !== 'IN_REVIEW') return illegal();
      if (!mayAct(definition.applicant, actor, state.assignedUnitId))
        refuse('NOT_APPLICANT', 'forbidden', `only the applicant's body may withdraw ${definition.title}`, 'actor', 'applicant');
      if (state.applicantId !== null && state.applicantId !== actor.userId)
        refuse('NOT_APPLICANT', 'forbidden', `only the person who applied may withdraw ${definition.title}`, 'actor', 'applicant');
      return { ...state, status: 'WITHDRAWN', history: [...state.history, entry(null)] };
    }
    case 'execute': {
      if (state.status !== 'APPROVED') return illegal();
      if (!mayAct(definition.applicant, actor, state.assignedUnitId))
        refuse('NOT_APPLICANT', 'forbidden', `only the applicant's body executes ${definition.title}`, 'actor', 'applicant');
      return { ...state, status: 'EXECUTED', history: [...state.history, entry(null)] };
    }
    case 'approve':
    case 'return':
    case 'reject': {
      if (state.status !== 'IN_REVIEW') return illegal();
      const open = openSteps(definition, state);
      const step = open.find((s) => s.key === request.step);
      if (!step) {
        const known = stepOf(definition, request.step ?? '');
        const message = known
          ? `step ${request.step} is not open; open: ${open.map((s) => s.key).join(', ')}`
          : `${definition.title} has no step ${request.step ?? '(none)'}`;
        return refuse('STEP_NOT_OPEN', 'conflict', message, 'step', 'openStep');
      }
      if (!mayAct(step.actor, actor, state.assignedUnitId))
        refuse('NOT_STEP_ACTOR', 'forbidden', `${step.title}: this step is not yours to act on`, 'step', 'actor');
      if (step.actions && !step.actions.includes(action))
        refuse(
          'ILLEGAL_TRANSITION',
          'conflict',
          `${step.title}: a step that can only ${step.actions.join(' or ')}`,
          'action',
          'stepActions',
        );
      if (definition.separationOfDuties) {
        if (state.applicantId === actor.userId)
          refuse('SEPARATION_OF_DUTIES', 'forbidden', 'the applicant cannot review their own application', 'actor', 'separationOfDuties');
        const actedElsewhere = state.history.some(
          (h) => h.userId === actor.userId && h.step !== null && h.step !== step.key && h.action !== 'submit',
        );
        if (actedElsewhere)
          refuse('SEPARATION_OF_DUTIES', 'forbidden', 'one person acts on one step of a chain only', 'actor', 'separationOfDuties');
      }
      if (action !== 'approve' && !comment)
        refuse('COMMENT_REQUIRED', 'unprocessable', `a ${action} needs a comment saying why`, 'comment', 'required');
      const history = [...state.history, entry(step.key)];
      if (action === 'reject') return { ...state, status: 'REJECTED', history };
      if (action === 'return') {
        if (step.returnsTo === 'applicant') return { ...state, status: 'RETURNED', resumeStage: 0, approved: [], history };
        const target = stepOf(definition, step.returnsTo);
        if (!target) throw new Error(`${definition.kind}: step ${step.key} returns to unknown step ${step.returnsTo}`);
        return { ...state, stage: target.stage, approved: [], stageOpenedOn: request.today, history };
      }
      const approved = [...state.approved, step.key];
      const stageDone = definition.stages[state.stage].every((s) => approved.includes(s.key));
      if (!stageDone) return { ...state, approved, history };
      if (state.stage + 1 < definition.stages.length)
        return { ...state, stage: state.stage + 1, approved: [], stageOpenedOn: request.today, history };
      return { ...state, status: 'APPROVED', approved, history };
    }
  }
}

/** Checks a definition once at start-up: unique step keys, returns to earlier steps only, at least one stage. */
export function defineWorkflow(definition: WorkflowDefinition): WorkflowDefinition {
  if (definition.stages.length === 0 || definition.stages.some((s) => s.length === 0))
    throw new Error(`${definition.kind}: every stage needs at least one step`);
  const seen = new Set<string>();
  definition.stages.forEach((stage, index) => {
    for (const step of stage) {
      if (seen.has(step.key)) throw new Error(`${definition.kind}: step ${step.key} appears twice`);
      seen.add(step.key);
      if (step.returnsTo !== 'applicant') {
        const target = definition.stages.findIndex((s) => s.some((t) => t.key === step.returnsTo));
        if (target < 0 || target > index)
          throw new Error(`${definition.kind}: step ${step.key} must return to an earlier step or the applicant`);
      }
    }
  });
  return Object.freeze(definition);
}

const APPROVER = ['APPROVER'] as const;
const days = (parameter: string, defaultWorkingDays: number) => ({ parameter, defaultWorkingDays });

/** 调剂金使用 (基金管理办法 第十六条): the bureau applies, the finance bureau agrees, the prefecture bureau reviews. */
export const RESERVE_USE_WORKFLOW = defineWorkflow({
  kind: 'RESERVE_USE',
  title: 'adjustment reserve use',
  applicant: { institutionTypes: ['BUREAU'], roles: ['BUREAU_CLERK'] },
  stages: [
    [
      {
        key: 'financeAgrees',
        title: '财政局同意',
        actor: { institutionTypes: ['FINANCE_BUREAU'], roles: APPROVER },
        deadline: days('reserveReviewWorkingDays', 10),
        returnsTo: 'applicant',
      },
    ],
    [
      {
        key: 'prefectureReviews',
        title: '州医保局审核',
        actor: { institutionTypes: ['PREFECTURE_BUREAU'], roles: APPROVER },
        deadline: days('reserveReviewWorkingDays', 10),
        returnsTo: 'applicant',
      },
    ],
  ],
  separationOfDuties: true,
  execution: 'POST_RESERVE_TRANSFER',
});

/** 结余资金分配方案 (基金管理办法 第二十三条): the community council proposes; bureau and health bureau review side by side; the county government approves. */
export const SURPLUS_PLAN_WORKFLOW = defineWorkflow({
  kind: 'SURPLUS_PLAN',
  title: 'surplus plan',
  applicant: { institutionTypes: ['LEAD_HOSPITAL'], roles: ['LEAD_FINANCE'] },
  stages: [
    [
      {
        key: 'bureauReviews',
        title: '县医保局审核',
        actor: { institutionTypes: ['BUREAU'], roles: ['BUREAU_APPROVER'] },
        deadline: days('surplusPlanReviewWorkingDays', 10),
        returnsTo: 'applicant',
      },
      {
        key: 'healthBureauReviews',
        title: '卫健局审核',
        actor: { institutionTypes: ['HEALTH_BUREAU'], roles: APPROVER },
        deadline: days('surplusPlanReviewWorkingDays', 10),
        returnsTo: 'applicant',
      },
    ],
    [
      {
        key: 'governmentApproves',
        title: '县人民政府审批',
        actor: { institutionTypes: ['COUNTY_GOVERNMENT'], roles: APPROVER },
        deadline: days('surplusPlanReviewWorkingDays', 10),
        returnsTo: 'applicant',
      },
    ],
  ],
  separationOfDuties: true,
  execution: 'APPLY_SURPLUS_PLAN',
});

/**
 * 评审 (基金管理办法 第十七–二十一条): a member unit files; the review committee registers it and
 * issues an opinion; the unit named in the opinion rectifies; the committee accepts, or returns
 * it to rectification (reopens).
 */
export const DISPUTE_WORKFLOW = defineWorkflow({
  kind: 'DISPUTE',
  title: 'dispute',
  applicant: {
    institutionTypes: ['LEAD_HOSPITAL', 'COUNTY_HOSPITAL', 'TOWNSHIP_CENTER', 'PRIVATE_DESIGNATED'],
    roles: ['MEMBER_CLERK', 'LEAD_FINANCE', 'PRIVATE_CLERK'],
  },
  stages: [
    [
      {
        key: 'committeeRegisters',
        title: '评审委员会受理',
        actor: { institutionTypes: ['REVIEW_COMMITTEE'], roles: APPROVER },
        deadline: days('disputeRegisterWorkingDays', 5),
        returnsTo: 'applicant',
        // Registers, or asks the unit for documents (a return); dismissing is the opinion's.
        actions: ['approve', 'return'],
      },
    ],
    [
      {
        key: 'committeeOpinion',
        title: '评审意见',
        actor: { institutionTypes: ['REVIEW_COMMITTEE'], roles: APPROVER },
        deadline: days('disputeOpinionWorkingDays', 20),
        returnsTo: 'applicant',
        // An opinion naming who rectifies, or a dismissal with the findings.
        actions: ['approve', 'reject'],
      },
    ],
    [
      {
        key: 'unitRectifies',
        title: '整改',
        actor: { assignedUnit: true, roles: ['LEAD_FINANCE', 'MEMBER_CLERK', 'PRIVATE_CLERK'] },
        deadline: days('rectificationWorkingDays', 20),
        returnsTo: 'committeeOpinion',
        actions: ['approve'],
      },
    ],
    [
      {
        key: 'committeeAccepts',
        title: '整改验收',
        actor: { institutionTypes: ['REVIEW_COMMITTEE'], roles: APPROVER },
        deadline: days('disputeOpinionWorkingDays', 20),
        returnsTo: 'unitRectifies',
        // Accepts, or reopens the rectification (a return).
        actions: ['approve', 'return'],
      },
    ],
  ],
  // The committee registers, opines and accepts: one body acting several times is the policy.
  separationOfDuties: false,
  execution: 'CLOSE_DISPUTE',
});

/** 县外转诊 (打包付费办法 §五(四)): the lead unit records a referral and another person of the lead unit approves it. */
export const REFERRAL_WORKFLOW = defineWorkflow({
  kind: 'REFERRAL',
  title: 'out-of-county referral',
  applicant: { institutionTypes: ['LEAD_HOSPITAL'], roles: ['LEAD_FINANCE'] },
  stages: [
    [
      {
        key: 'leadApproves',
        title: '牵头单位审批',
        actor: { institutionTypes: ['LEAD_HOSPITAL'], roles: ['LEAD_FINANCE'] },
        deadline: days('referralApprovalWorkingDays', 2),
        returnsTo: 'applicant',
      },
    ],
  ],
  separationOfDuties: true,
  execution: 'RECORD_REFERRAL',
});

export const WORKFLOWS: Readonly<Record<string, WorkflowDefinition>> = Object.freeze({
  RESERVE_USE: RESERVE_USE_WORKFLOW,
  SURPLUS_PLAN: SURPLUS_PLAN_WORKFLOW,
  DISPUTE: DISPUTE_WORKFLOW,
  REFERRAL: REFERRAL_WORKFLOW,
});

/**
 * 定期评审 (基金管理办法 第十七条): the review committee opens a review of a community itself and
 * issues its opinion; the unit named rectifies; the committee accepts or reopens.
 */
export const PERIODIC_REVIEW_WORKFLOW = defineWorkflow({
  kind: 'PERIODIC_REVIEW',
  title: 'periodic review',
  applicant: { institutionTypes: ['REVIEW_COMMITTEE'], roles: APPROVER },
  stages: DISPUTE_WORKFLOW.stages.slice(1),
  separationOfDuties: false,
  execution: 'CLOSE_DISPUTE',
});
