import fc from 'fast-check';
import { DOCUMENT_ACTIONS, DOCUMENT_LIFECYCLE, DOCUMENT_STATES, DocumentState, isImmutable } from './document-lifecycle';
import * as viaStateMachine from './state-machine';

describe('document life cycle (SPEC §3)', () => {
  it('goes draft → submitted → approved → published, and a submitted document can be returned', () => {
    expect(DOCUMENT_LIFECYCLE.apply('DRAFT', 'submit')).toBe('SUBMITTED');
    expect(DOCUMENT_LIFECYCLE.apply('SUBMITTED', 'return')).toBe('DRAFT');
    expect(DOCUMENT_LIFECYCLE.apply('SUBMITTED', 'approve')).toBe('APPROVED');
    expect(DOCUMENT_LIFECYCLE.apply('APPROVED', 'publish')).toBe('PUBLISHED');
    expect(DOCUMENT_LIFECYCLE.apply('PUBLISHED', 'supersede')).toBe('SUPERSEDED');
  });

  it('refuses every other move with ILLEGAL_TRANSITION naming what is allowed', () => {
    expect(() => DOCUMENT_LIFECYCLE.apply('DRAFT', 'approve')).toThrow('document in state DRAFT cannot approve; allowed: submit');
    expect(() => DOCUMENT_LIFECYCLE.apply('PUBLISHED', 'return')).toThrow(
      expect.objectContaining({ code: 'ILLEGAL_TRANSITION', kind: 'conflict' }),
    );
    expect(() => DOCUMENT_LIFECYCLE.apply('SUPERSEDED', 'publish')).toThrow('no action is allowed');
  });

  it('treats approved, published and superseded documents as immutable', () => {
    expect(DOCUMENT_STATES.filter(isImmutable)).toEqual(['APPROVED', 'PUBLISHED', 'SUPERSEDED']);
  });

  it('never leads from an immutable state back to an editable one, whatever is tried', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...DOCUMENT_ACTIONS), { maxLength: 30 }), (actions) => {
        let state: DocumentState = 'DRAFT';
        let frozen = false;
        for (const a of actions) {
          if (DOCUMENT_LIFECYCLE.can(state, a)) state = DOCUMENT_LIFECYCLE.apply(state, a);
          frozen ||= isImmutable(state);
          if (frozen) expect(isImmutable(state)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('is still importable from state-machine for existing modules', () => {
    expect(viaStateMachine.DOCUMENT_LIFECYCLE).toBe(DOCUMENT_LIFECYCLE);
    expect(viaStateMachine.isImmutable).toBe(isImmutable);
  });
});
