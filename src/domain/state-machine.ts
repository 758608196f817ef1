/**
 * State machines as data: the builder (transition-table.ts) and the document life cycle built
 * with it. The builder lives in its own file so that the life cycle does not import this one back.
 */
export { defineStateMachine, type StateMachine, type Transition } from './transition-table';
export { DOCUMENT_LIFECYCLE, isImmutable, type DocumentAction, type DocumentState } from './document-lifecycle';
