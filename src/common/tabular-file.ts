import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { DomainError } from '../domain/domain-error';
import { unreadableFile } from '../domain/request-refusals';
import { assertTableText, assertUniqueHeaders, TableLimits, tooManyColumns, tooManyRows, workbookTooLarge } from '../domain/uploaded-table';

export type { TableLimits } from '../domain/uploaded-table';

/** One data row of an uploaded table; `row` is its line number as a spreadsheet shows it (header = 1). */
export interface TableRow {
  row: number;
  values: Record<string, string>;
}

export interface Table {
  headers: string[];
  rows: TableRow[];
}

/** Defaults of UPLOAD_MAX_UNCOMPRESSED_BYTES, UPLOAD_MAX_ROWS and UPLOAD_MAX_COLUMNS (config/example.env). */
export const DEFAULT_TABLE_LIMITS: TableLimits = { maxUncompressedBytes: 64 * 1024 * 1024, maxRows: 200_000, maxColumns: 64 };

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** A file named `.csv` must hold CSV text and one named `.xlsx` a workbook; no other type is taken. */
function checkName(name: string, kind: 'csv' | 'xlsx'): void {
  const extension = /\.([^./\\]+)$/.exec(name)?.[1].toLowerCase();
  if (extension === undefined || extension === kind) return;
  if (extension === 'csv') throw unreadableFile(`${name} is named as CSV but holds a ZIP archive or workbook`, 'matchesName');
  if (extension === 'xlsx') throw unreadableFile(`${name} is named as XLSX but is not a workbook`, 'matchesName');
  throw unreadableFile(`${name}: only .csv and .xlsx files are taken`, 'matchesName');
}

/**
 * Reads a CSV (UTF-8, optional BOM) or XLSX upload, judged by its content; a file whose name
 * (when given) says another type is refused, as is content that is neither. Only the first
 * worksheet is read. A workbook is checked decompressed within `limits` before it is parsed,
 * then streamed row by row, so a ZIP bomb never expands in memory; rows and columns past the
 * limits, a repeated header and a cell with control characters are refused, naming the row.
 */
export async function readTable(content: Buffer, name?: string, limits: TableLimits = DEFAULT_TABLE_LIMITS): Promise<Table> {
  if (content.length === 0) throw unreadableFile('the file is empty');
  const isZip = content.subarray(0, 4).equals(ZIP_MAGIC);
  if (name !== undefined) checkName(name, isZip ? 'xlsx' : 'csv');
  if (isZip) return readXlsx(content, limits);
  const text = content.toString('utf8');
  if (text.includes('\uFFFD')) throw unreadableFile('the file is neither XLSX nor UTF-8 CSV text');
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false, trim: true });
  } catch (err) {
    throw unreadableFile(`CSV could not be parsed: ${(err as Error).message}`);
  }
  if (records.length - 1 > limits.maxRows) throw tooManyRows(limits.maxRows);
  if (records.length > 0 && records[0].length > limits.maxColumns) throw tooManyColumns(limits.maxColumns, 1);
  return toTable(records);
}

/**
 * The ZIP's central directory: every entry's declared size must fit the limit together, and
 * every entry must really inflate to no more than that (counted while inflating, output
 * discarded), so that a lying header cannot smuggle a bomb past the parser.
 */
async function checkWorkbookSize(content: Buffer, limit: number): Promise<void> {
  const EOCD = 0x06054b50;
  let eocd = -1;
  for (let i = content.length - 22; i >= Math.max(0, content.length - 22 - 65535); i--)
    if (content.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  if (eocd < 0) throw unreadableFile('XLSX could not be read: no ZIP central directory');
  const entries = content.readUInt16LE(eocd + 10);
  let at = content.readUInt32LE(eocd + 16);
  const parts: { method: number; compressed: number; offset: number }[] = [];
  let declared = 0;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > content.length || content.readUInt32LE(at) !== 0x02014b50)
      throw unreadableFile('XLSX could not be read: a broken ZIP directory');
    const method = content.readUInt16LE(at + 10);
    const compressed = content.readUInt32LE(at + 20);
    declared += content.readUInt32LE(at + 24);
    if (declared > limit) throw workbookTooLarge(limit, 'declares more than the limit');
    parts.push({ method, compressed, offset: content.readUInt32LE(at + 42) });
    at += 46 + content.readUInt16LE(at + 28) + content.readUInt16LE(at + 30) + content.readUInt16LE(at + 32);
  }
  let total = 0;
  for (const p of parts) {
    if (p.offset + 30 > content.length || content.readUInt32LE(p.offset) !== 0x04034b50)
      throw unreadableFile('XLSX could not be read: a broken ZIP entry');
    const start = p.offset + 30 + content.readUInt16LE(p.offset + 26) + content.readUInt16LE(p.offset + 28);
    const data = content.subarray(start, start + p.compressed);
    if (p.method === 0) total += data.length;
    else if (p.method === 8) total = await inflatedSize(data, total, limit);
    else throw unreadableFile('XLSX could not be read: an unsupported ZIP compression');
    if (total > limit) throw workbookTooLarge(limit, 'expands past the limit');
  }
}

/** `before` plus the inflated size of `data`, stopping as soon as it passes `limit`; nothing is kept. */
function inflatedSize(data: Buffer, before: number, limit: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let total = before;
    const inflate = createInflateRaw();
    inflate.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        inflate.destroy();
        resolve(total);
      }
    });
    inflate.on('end', () => resolve(total));
    inflate.on('error', (err) => reject(unreadableFile(`XLSX could not be read: ${err.message}`)));
    inflate.end(data);
  });
}

async function readXlsx(content: Buffer, limits: TableLimits): Promise<Table> {
  await checkWorkbookSize(content, limits.maxUncompressedBytes);
  const records: string[][] = [];
  const lines: number[] = [];
  let sheets = 0;
  try {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([content]), {
      worksheets: 'emit',
      sharedStrings: 'cache',
      styles: 'cache',
      hyperlinks: 'ignore',
      entries: 'ignore',
    });
    for await (const sheet of reader) {
      if (sheets++ > 0) {
        // Only the first worksheet is read; the others are drained so that their files close.
        for await (const row of sheet) void row;
        continue;
      }
      for await (const row of sheet) {
        const values = row.values as ExcelJS.CellValue[];
        const width = values.length - 1;
        if (width > limits.maxColumns) throw tooManyColumns(limits.maxColumns, row.number);
        const cells: string[] = [];
        for (let c = 1; c <= width; c++) cells.push(cellText(values[c]));
        if (cells.some((v) => v !== '')) {
          if (records.length > limits.maxRows) throw tooManyRows(limits.maxRows);
          records.push(cells);
          lines.push(row.number);
        }
      }
    }
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw unreadableFile(`XLSX could not be read: ${(err as Error).message}`);
  }
  if (sheets === 0) throw unreadableFile('the workbook has no worksheet');
  const width = Math.max(0, ...records.map((r) => r.length));
  return toTable(
    records.map((r) => [...r, ...Array<string>(width - r.length).fill('')]),
    lines,
  );
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') {
    if ('richText' in value)
      return value.richText
        .map((r) => r.text)
        .join('')
        .trim();
    if ('text' in value) return String(value.text).trim();
    if ('result' in value) return String(value.result ?? '').trim();
    if (value instanceof Date) return value.toISOString().slice(0, 10);
  }
  return String(value).trim();
}

function toTable(records: string[][], lines?: number[]): Table {
  if (records.length === 0) throw unreadableFile('the file has no header row');
  const headers = records[0].map((h) => h.trim());
  assertUniqueHeaders(headers);
  const body = records.slice(1).map((cells, i) => ({ row: lines ? lines[i + 1] : i + 2, cells: cells.map((c) => c.trim()) }));
  assertTableText(headers, body);
  const rows = body.map(({ row, cells }) => {
    const values: Record<string, string> = {};
    headers.forEach((h, c) => (values[h] = cells[c] ?? ''));
    return { row, values };
  });
  return { headers, rows };
}
