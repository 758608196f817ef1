import { DomainError } from './domain-error';

export interface Transition<S extends string, A extends string> {
  from: S;
  action: A;
  to: S;
}

/** A document life cycle as data: the table of allowed transitions and one way to apply them. */
export class StateMachine<S extends string, A extends string> {
  constructor(
    readonly name: string,
    private readonly transitions: readonly Transition<S, A>[],
  ) {}

  /** The next state, or 409 ILLEGAL_TRANSITION naming the state and the action. */
  apply(state: S, action: A): S {
    const t = this.transitions.find((x) => x.from === state && x.action === action);
    if (!t) {
      const allowed = this.allowedActions(state);
      throw new DomainError('ILLEGAL_TRANSITION', 'conflict', `${this.name} in state ${state} cannot ${action}${allowed.length ? `; allowed: ${allowed.join(', ')}` : ''}`, [
        { field: 'state', rule: 'transition', message: `${state} → ${action} is not allowed` },
      ]);
    }
    return t.to;
  }

  allowedActions(state: S): A[] {
    return this.transitions.filter((t) => t.from === state).map((t) => t.action);
  }
}

/** Allocation and budget-plan documents: drafted, submitted, approved by another person, published (公示). */
export type DocumentState = 'DRAFT' | 'SUBMITTED' | 'APPROVED' | 'PUBLISHED' | 'SUPERSEDED';
export type DocumentAction = 'submit' | 'return' | 'approve' | 'publish' | 'supersede';

export const DOCUMENT_LIFECYCLE = new StateMachine<DocumentState, DocumentAction>('document', [
  { from: 'DRAFT', action: 'submit', to: 'SUBMITTED' },
  { from: 'SUBMITTED', action: 'return', to: 'DRAFT' },
  { from: 'SUBMITTED', action: 'approve', to: 'APPROVED' },
  { from: 'APPROVED', action: 'publish', to: 'PUBLISHED' },
  { from: 'APPROVED', action: 'supersede', to: 'SUPERSEDED' },
  { from: 'PUBLISHED', action: 'supersede', to: 'SUPERSEDED' },
]);

/** Approved documents never change; a correction is a new version referencing the old one. */
export function isImmutable(state: DocumentState): boolean {
  return state === 'APPROVED' || state === 'PUBLISHED' || state === 'SUPERSEDED';
}
