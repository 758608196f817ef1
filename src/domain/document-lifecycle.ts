import { defineStateMachine } from './transition-table';

/**
 * Allocation and budget-plan documents (SPEC §3): drafted, submitted, approved by another
 * person, published (公示). An approved document never changes; a correction is a new version
 * that supersedes it.
 */
export const DOCUMENT_STATES = ['DRAFT', 'SUBMITTED', 'APPROVED', 'PUBLISHED', 'SUPERSEDED'] as const;
export type DocumentState = (typeof DOCUMENT_STATES)[number];
export const DOCUMENT_ACTIONS = ['submit', 'return', 'approve', 'publish', 'supersede'] as const;
export type DocumentAction = (typeof DOCUMENT_ACTIONS)[number];

export const DOCUMENT_LIFECYCLE = defineStateMachine<DocumentState, DocumentAction>({
  name: 'document',
  transitions: [
    { from: 'DRAFT', action: 'submit', to: 'SUBMITTED' },
    { from: 'SUBMITTED', action: 'return', to: 'DRAFT' }, // 退回: the reviewer rejects it for changes
    { from: 'SUBMITTED', action: 'approve', to: 'APPROVED' },
    { from: 'APPROVED', action: 'publish', to: 'PUBLISHED' },
    { from: 'APPROVED', action: 'supersede', to: 'SUPERSEDED' },
    { from: 'PUBLISHED', action: 'supersede', to: 'SUPERSEDED' },
  ],
});

/** Approved documents never change; a correction is a new version referencing the old one. */
export function isImmutable(state: DocumentState): boolean {
  return state === 'APPROVED' || state === 'PUBLISHED' || state === 'SUPERSEDED';
}
