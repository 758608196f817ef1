import { assertTableText, assertUniqueHeaders } from './uploaded-table';
import { refusal } from './refusal.spec-helper';

describe('uploaded tables', () => {
  it('refuses a repeated header, naming it', () => {
    expect(() => assertUniqueHeaders(['a', 'b', ''])).not.toThrow();
    expect(refusal(() => assertUniqueHeaders(['a', 'b', 'a']))).toMatchObject({
      code: 'BATCH_REJECTED',
      details: [{ row: 1, field: 'a', rule: 'uniqueColumn' }],
    });
  });

  it('refuses control characters and lone surrogates in cells, naming row and column', () => {
    expect(() => assertTableText(['a'], [{ row: 2, cells: ['x\ty'] }])).not.toThrow();
    expect(
      refusal(() =>
        assertTableText(
          ['a', 'b'],
          [
            { row: 2, cells: ['ok', 'x\u0000'] },
            { row: 3, cells: ['\ud800', 'ok'] },
          ],
        ),
      ),
    ).toMatchObject({
      code: 'TEXT_MALFORMED',
      details: [
        { row: 2, field: 'b', rule: 'wellFormedText' },
        { row: 3, field: 'a', rule: 'wellFormedText' },
      ],
    });
  });
});
