import { DomainError, ErrorDetail } from './domain-error';
import { textProblem } from './input-text';

/**
 * What an uploaded table (CSV or XLSX) must be before its rows mean anything: bounded in size,
 * rows and columns, one column per header, and every cell well-formed text (SPEC §11).
 */

/** Limits on reading an uploaded table; XLSX is a ZIP archive, so its size is judged decompressed. */
export interface TableLimits {
  /** Largest total decompressed size of a workbook's parts. */
  maxUncompressedBytes: number;
  /** Most data rows (the header excluded). */
  maxRows: number;
  /** Most columns. */
  maxColumns: number;
}

/** A workbook whose parts decompress past the limit (413): it is not read further. */
export function workbookTooLarge(limitBytes: number, what: string): DomainError {
  return new DomainError('FILE_TOO_LARGE', 'too_large', `the workbook ${what}; at most ${limitBytes} bytes decompressed are read`, [
    { field: 'file', rule: 'maxUncompressedBytes', message: `at most ${limitBytes} bytes decompressed` },
  ]);
}

/** A table with more data rows than the limit (422). */
export function tooManyRows(limit: number): DomainError {
  return new DomainError('FILE_TOO_MANY_ROWS', 'unprocessable', `the file has more than ${limit} data rows`, [
    { field: 'file', rule: 'maxRows', message: `at most ${limit} data rows` },
  ]);
}

/** A table wider than the limit (422); `row` is the first row found too wide. */
export function tooManyColumns(limit: number, row: number): DomainError {
  return new DomainError('FILE_TOO_MANY_COLUMNS', 'unprocessable', `row ${row} has more than ${limit} columns`, [
    { row, field: 'file', rule: 'maxColumns', message: `at most ${limit} columns` },
  ]);
}

/** Each column header appears once: a repeated one would let the last column silently win. */
export function assertUniqueHeaders(headers: readonly string[]): void {
  const seen = new Set<string>();
  const details: ErrorDetail[] = [];
  headers.forEach((h, i) => {
    if (h !== '' && seen.has(h))
      details.push({ row: 1, field: h, rule: 'uniqueColumn', message: `column ${h} appears more than once (again in column ${i + 1})` });
    seen.add(h);
  });
  if (details.length)
    throw new DomainError('BATCH_REJECTED', 'unprocessable', `repeated columns: ${details.map((d) => d.field).join(', ')}`, details);
}

/**
 * Every cell is well-formed text without control characters (tab, line feed and carriage
 * return excepted); `cells(row)`: the row's values by column header.
 */
export function assertTableText(
  headers: readonly string[],
  rows: readonly { row: number; cells: readonly string[] }[],
  maxDetails = 100,
): void {
  const details: ErrorDetail[] = [];
  let total = 0;
  const check = (row: number, field: string, value: string) => {
    const problem = textProblem(value);
    if (problem === null) return;
    total++;
    if (details.length < maxDetails) details.push({ row, field, rule: 'wellFormedText', message: `${field || 'cell'} ${problem}` });
  };
  headers.forEach((h, c) => check(1, h || `column ${c + 1}`, h));
  for (const { row, cells } of rows) cells.forEach((v, c) => check(row, headers[c] || `column ${c + 1}`, v));
  if (total)
    throw new DomainError(
      'TEXT_MALFORMED',
      'unprocessable',
      `${total} cell(s) are not well-formed text${total > details.length ? ` (the first ${details.length} listed)` : ''}; nothing was stored`,
      details,
    );
}
