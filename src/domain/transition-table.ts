import { DomainError } from './domain-error';

export interface Transition<S extends string, A extends string> {
  from: S;
  action: A;
  to: S;
}

/** A document life cycle as data: the table of allowed transitions and one way to apply it. */
export interface StateMachine<S extends string, A extends string> {
  /** What the machine governs, for messages ("allocation in state DRAFT cannot approve"). */
  readonly name: string;
  readonly transitions: readonly Transition<S, A>[];
  /** The next state, or ILLEGAL_TRANSITION (409) naming the state and the action. */
  apply(state: S, action: A): S;
  allowedActions(state: S): A[];
  can(state: S, action: A): boolean;
}

/**
 * Builds a state machine from its transition table. A table that lists the same state and
 * action twice is a programming error and fails at start-up, not at the first request.
 */
export function defineStateMachine<S extends string, A extends string>(definition: {
  name?: string;
  transitions: readonly Transition<S, A>[];
}): StateMachine<S, A> {
  const name = definition.name ?? 'document';
  const transitions = Object.freeze(definition.transitions.map((t) => Object.freeze({ ...t })));
  const next = new Map<string, S>();
  for (const t of transitions) {
    const key = `${t.from}\u0000${t.action}`;
    if (next.has(key)) throw new Error(`${name}: the transition table lists ${t.from} --${t.action}--> twice`);
    next.set(key, t.to);
  }
  const allowedActions = (state: S): A[] => transitions.filter((t) => t.from === state).map((t) => t.action);
  return Object.freeze({
    name,
    transitions,
    allowedActions,
    can: (state: S, action: A) => next.has(`${state}\u0000${action}`),
    apply(state: S, action: A): S {
      const to = next.get(`${state}\u0000${action}`);
      if (to === undefined) {
        const allowed = allowedActions(state);
        throw new DomainError(
          'ILLEGAL_TRANSITION',
          'conflict',
          `${name} in state ${state} cannot ${action}${allowed.length ? `; allowed: ${allowed.join(', ')}` : '; no action is allowed'}`,
          [{ field: 'state', rule: 'transition', message: `${state} → ${action} is not allowed` }],
        );
      }
      return to;
    },
  });
}
