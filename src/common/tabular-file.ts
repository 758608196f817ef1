import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { unreadableFile } from '../domain/request-refusals';

/** One data row of an uploaded table; `row` is its line number as a spreadsheet shows it (header = 1). */
export interface TableRow {
  row: number;
  values: Record<string, string>;
}

export interface Table {
  headers: string[];
  rows: TableRow[];
}

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
 * worksheet is read.
 */
export async function readTable(content: Buffer, name?: string): Promise<Table> {
  if (content.length === 0) throw unreadableFile('the file is empty');
  const isZip = content.subarray(0, 4).equals(ZIP_MAGIC);
  if (name !== undefined) checkName(name, isZip ? 'xlsx' : 'csv');
  if (isZip) return readXlsx(content);
  const text = content.toString('utf8');
  if (text.includes('\uFFFD') || text.includes('\u0000')) throw unreadableFile('the file is neither XLSX nor UTF-8 CSV text');
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false, trim: true });
  } catch (err) {
    throw unreadableFile(`CSV could not be parsed: ${(err as Error).message}`);
  }
  return toTable(records);
}

async function readXlsx(content: Buffer): Promise<Table> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(content as unknown as ExcelJS.Buffer);
  } catch (err) {
    throw unreadableFile(`XLSX could not be read: ${(err as Error).message}`);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw unreadableFile('the workbook has no worksheet');
  const records: string[][] = [];
  const lines: number[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let c = 1; c <= sheet.columnCount; c++) cells.push(cellText(row.getCell(c).value));
    if (cells.some((v) => v !== '')) {
      records.push(cells);
      lines.push(rowNumber);
    }
  });
  return toTable(records, lines);
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
  const rows = records.slice(1).map((cells, i) => {
    const values: Record<string, string> = {};
    headers.forEach((h, c) => (values[h] = (cells[c] ?? '').trim()));
    return { row: lines ? lines[i + 1] : i + 2, values };
  });
  return { headers, rows };
}
