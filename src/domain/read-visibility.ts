import { Scope } from './access-policy';
import { DOCUMENT_STATES, DocumentState } from './document-lifecycle';
import { DomainError } from './domain-error';

/**
 * Who reads what of the fund-year documents and the community's holds (SPEC §1, §10.6).
 *
 * A document in draft or under review is seen only by those who make or check it: the bureau
 * (and the approving bodies and auditors of its county) and the community's lead unit. Member
 * units (county hospitals, townships, villages) and private institutions see approved and
 * published figures only, and of a budget plan's unit lines only their own (a township also
 * its villages'). Disbursement holds are seen by the bureau, the auditors and the lead unit.
 */

/** Readers who make or check documents: a county-wide scope (bureau, approving bodies, auditors) or the lead unit. */
function makesOrChecks(scope: Scope): boolean {
  return scope.kind === 'county' || scope.kind === 'region' || scope.kind === 'community';
}

/** States of an allocation or budget plan the caller may read. */
export function visibleDocumentStates(scope: Scope): readonly DocumentState[] {
  return makesOrChecks(scope) ? DOCUMENT_STATES : ['APPROVED', 'PUBLISHED'];
}

/** The allocation states the caller may read. */
export const visibleAllocationStates = visibleDocumentStates;

/** The budget-plan states the caller may read. */
export const visiblePlanStates = visibleDocumentStates;

/** Whether the caller may read a document in this state (a hidden one reads as not existing). */
export function documentVisible(scope: Scope, state: DocumentState): boolean {
  return visibleDocumentStates(scope).includes(state);
}

/** A budget-plan line as visibility sees it: its member unit (none for community-level funds) and that unit's township. */
export interface PlanLinePlacement {
  institutionId: number | null;
  parentId: number | null;
}

/**
 * The lines of a plan the caller may read: all of them for the bureau and the lead unit; for a
 * member unit its own lines (a township also its villages') and the community-level lines
 * that name no unit.
 */
export function visiblePlanLines<L extends PlanLinePlacement>(scope: Scope, lines: readonly L[]): L[] {
  if (scope.kind === 'county' || scope.kind === 'region' || scope.kind === 'community') return [...lines];
  const own = scope.institutionId;
  const township = scope.kind === 'township';
  return lines.filter((l) => l.institutionId === null || l.institutionId === own || (township && l.parentId === own));
}

/** Whether the caller may read a community's disbursement holds (the bureau, auditors, the lead unit; not a member unit). */
export function holdsVisible(scope: Scope): boolean {
  return makesOrChecks(scope);
}

/** A member unit asking for its community's holds is refused (HOLDS_NOT_VISIBLE, 403). */
export function assertHoldsVisible(scope: Scope, communityCode: string): void {
  if (!holdsVisible(scope)) {
    throw new DomainError(
      'HOLDS_NOT_VISIBLE',
      'forbidden',
      `the disbursement holds of community ${communityCode} are seen by the bureau, its lead unit and auditors only`,
      [{ field: 'communityCode', rule: 'scope', message: 'holds are not shown to member units' }],
    );
  }
}

/**
 * A list filter naming a record the caller cannot read (unknown, or outside its scope) is
 * refused rather than ignored (LIST_FILTER_UNKNOWN, 422 naming the filter).
 */
export function assertListFilterKnown(field: string, value: string, known: boolean): void {
  if (!known) {
    throw new DomainError('LIST_FILTER_UNKNOWN', 'unprocessable', `${field} ${value} is not one you can list by`, [
      { field, rule: 'exists', message: `no ${field} ${value} within your scope` },
    ]);
  }
}
