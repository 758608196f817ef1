import { DOCUMENT_LIFECYCLE, isImmutable } from './state-machine';

describe('document life cycle', () => {
  it('goes draft → submitted → approved → published, and can be returned for changes', () => {
    expect(DOCUMENT_LIFECYCLE.apply('DRAFT', 'submit')).toBe('SUBMITTED');
    expect(DOCUMENT_LIFECYCLE.apply('SUBMITTED', 'return')).toBe('DRAFT');
    expect(DOCUMENT_LIFECYCLE.apply('SUBMITTED', 'approve')).toBe('APPROVED');
    expect(DOCUMENT_LIFECYCLE.apply('APPROVED', 'publish')).toBe('PUBLISHED');
    expect(DOCUMENT_LIFECYCLE.apply('PUBLISHED', 'supersede')).toBe('SUPERSEDED');
  });

  it('refuses every other move with ILLEGAL_TRANSITION naming what is allowed', () => {
    expect(() => DOCUMENT_LIFECYCLE.apply('DRAFT', 'approve')).toThrow('document in state DRAFT cannot approve; allowed: submit');
    expect(() => DOCUMENT_LIFECYCLE.apply('PUBLISHED', 'return')).toThrow(expect.objectContaining({ code: 'ILLEGAL_TRANSITION', kind: 'conflict' }));
  });

  it('treats approved, published and superseded documents as immutable', () => {
    expect(['DRAFT', 'SUBMITTED', 'APPROVED', 'PUBLISHED', 'SUPERSEDED'].filter((s) => isImmutable(s as never))).toEqual(['APPROVED', 'PUBLISHED', 'SUPERSEDED']);
  });
});
