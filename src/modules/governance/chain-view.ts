import {
  ChainActorRef,
  ChainHistoryEntry,
  ChainState,
  ChainStatus,
  openStepDeadlines,
  WorkflowDefinition,
} from '../../domain/approval-chain';
import { WorkingDayCalendar } from '../../domain/working-days';
import { Caller } from '../../common/caller';

export interface ChainStepView {
  key: string;
  title: string;
  stage: number;
  /** WAITING (a later stage), OPEN (its stage is under review), APPROVED, or RETURNED/REJECTED by its last act. */
  status: 'WAITING' | 'OPEN' | 'APPROVED' | 'RETURNED' | 'REJECTED';
  deadline: string | null;
}

export interface ChainView {
  status: ChainStatus;
  steps: ChainStepView[];
  history: (ChainHistoryEntry & { institutionCode: string | null })[];
}

/** The person acting, as a chain records them. */
export const actorOf = (caller: Caller): ChainActorRef => ({
  userId: caller.userId ?? 0,
  username: caller.name,
  institutionId: caller.institution.id,
  institutionType: caller.institution.type,
  roles: caller.roles,
});

/** A chain as its readers see it: each step with its state and deadline, and the history with institution codes. */
export function chainView(
  definition: WorkflowDefinition,
  state: ChainState,
  calendar: WorkingDayCalendar,
  codes: ReadonlyMap<number, string>,
): ChainView {
  const deadlines = new Map(openStepDeadlines(definition, state, calendar).map((d) => [d.step.key, d.deadline.deadline]));
  const lastAct = new Map(state.history.filter((h) => h.step).map((h) => [h.step!, h.action]));
  const finished = state.status === 'APPROVED' || state.status === 'EXECUTED';
  const steps = definition.stages.flatMap((stage, index) =>
    stage.map((s): ChainStepView => {
      const last = lastAct.get(s.key);
      const passed = finished || (state.status === 'IN_REVIEW' && (index < state.stage || state.approved.includes(s.key)));
      const status: ChainStepView['status'] =
        state.status === 'REJECTED' && last === 'reject'
          ? 'REJECTED'
          : state.status === 'RETURNED' && last === 'return'
            ? 'RETURNED'
            : passed
              ? 'APPROVED'
              : state.status === 'IN_REVIEW' && index === state.stage
                ? 'OPEN'
                : 'WAITING';
      return { key: s.key, title: s.title, stage: index, status, deadline: deadlines.get(s.key) ?? null };
    }),
  );
  return {
    status: state.status,
    steps,
    history: state.history.map((h) => ({ ...h, institutionCode: codes.get(h.institutionId) ?? null })),
  };
}

/** The institution types that act at a step (none for a step assigned to one unit). */
export function stepInstitutionTypes(definition: WorkflowDefinition, key: string): string[] {
  for (const stage of definition.stages)
    for (const s of stage) if (s.key === key && 'institutionTypes' in s.actor) return [...s.actor.institutionTypes];
  return [];
}
