import ExcelJS from 'exceljs';
import { ApiClient } from './test-app';

/** Downloads a spreadsheet export and returns the workbook as ExcelJS reads it. */
export async function xlsxWorkbook(client: ApiClient, path: string): Promise<ExcelJS.Workbook> {
  const res = await fetch(client.baseUrl + path, { headers: { authorization: `Bearer ${client.token}` } });
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  expect(res.headers.get('content-type')).toContain('spreadsheetml');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ExcelJS.Buffer);
  return wb;
}

/** Downloads a spreadsheet export and returns one sheet's rows (the first by default) as cell values. */
export async function xlsxRows(client: ApiClient, path: string, sheet?: string): Promise<unknown[][]> {
  const wb = await xlsxWorkbook(client, path);
  const rows: unknown[][] = [];
  (sheet ? wb.getWorksheet(sheet)! : wb.worksheets[0]).eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}
