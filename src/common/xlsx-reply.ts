import type { FastifyReply } from 'fastify';
import type ExcelJS from 'exceljs';
import { Dec } from '../domain/money';

export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Cell format of amounts in yuan (元). */
export const YUAN = '#,##0.00';

/**
 * Spreadsheet cells hold IEEE doubles; an amount below 10^13 yuan with two decimals survives
 * that exactly in its shortest form, and the printed format fixes the decimals shown.
 */
export function cellNumber(decimal: string): number {
  return Number(new Dec(decimal).toString());
}

/** Sends a workbook as a download with its (Chinese) file name. */
export function sendXlsx(reply: FastifyReply, filename: string, content: Buffer): FastifyReply {
  return reply
    .header('content-type', XLSX)
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`)
    .send(content);
}

/** What an export writes into one cell: text, a number, a date, a yes/no, or nothing. Never a formula. */
export type ExportValue = string | number | boolean | Date | null | undefined;

/**
 * Text a spreadsheet would run as a formula once typed or opened as CSV: it starts with `=`, `+`,
 * `-` or `@`, or with a tab or carriage return (which may come before one of them).
 */
export function looksLikeFormula(text: string): boolean {
  return /^[=+\-@\t\r]/.test(text);
}

/**
 * One cell of an XLSX export: text stays a string value (a shared string, type String), however
 * it begins; nothing user-entered is ever written as a formula object.
 */
export function xlsxCell(value: ExportValue): ExcelJS.CellValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  return String(value);
}

/** One field of a CSV export: formula-like text gets a leading `'`, then RFC 4180 quoting where needed. */
export function csvField(value: ExportValue): string {
  if (value === undefined || value === null) return '';
  const raw = value instanceof Date ? value.toISOString() : String(value);
  const text = typeof value === 'string' && looksLikeFormula(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Appends a row to an export sheet, every cell through `xlsxCell`: the one way exports write rows. */
export function addExportRow(ws: ExcelJS.Worksheet, cells: readonly ExportValue[]): ExcelJS.Row {
  return ws.addRow(cells.map(xlsxCell));
}

/** A landscape A4 sheet of an export: its title, an empty row, then the bold column labels, with the column widths. */
export function exportSheet(
  wb: ExcelJS.Workbook,
  name: string,
  title: string,
  columns: readonly (readonly [string, number])[],
): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, {
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  ws.columns = columns.map(([, width]) => ({ width }));
  addExportRow(ws, [title]).font = { bold: true, size: 14 };
  addExportRow(ws, []);
  addExportRow(
    ws,
    columns.map(([label]) => label),
  ).font = { bold: true };
  return ws;
}
