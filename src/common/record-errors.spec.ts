import { notFound } from './record-errors';

describe('notFound', () => {
  it('names the code in upper snake case whatever the words are joined by', () => {
    expect(notFound('year-end settlement', '7')).toMatchObject({
      code: 'YEAR_END_SETTLEMENT_NOT_FOUND',
      kind: 'not_found',
      message: 'year-end settlement 7 does not exist',
    });
    expect(notFound('pass-down', '3').code).toBe('PASS_DOWN_NOT_FOUND');
    expect(notFound('medical community', 'MC').code).toBe('MEDICAL_COMMUNITY_NOT_FOUND');
  });
});
