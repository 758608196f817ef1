import type { FastifyReply } from 'fastify';
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
