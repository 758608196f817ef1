import type { FastifyReply } from 'fastify';

export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Sends a workbook as a download with its (Chinese) file name. */
export function sendXlsx(reply: FastifyReply, filename: string, content: Buffer): FastifyReply {
  return reply.header('content-type', XLSX).header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`).send(content);
}
