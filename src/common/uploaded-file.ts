import type { FastifyRequest } from 'fastify';
import { InputValidationError } from './api-error';

export interface UploadedFile {
  filename: string;
  content: Buffer;
}

const secondFile = () =>
  new InputValidationError([{ field: 'file', rule: 'singleFile', message: 'send exactly one file; this upload holds more than one' }]);

/**
 * The one file of a multipart upload, read whole, or undefined when there is none. Every part
 * is read, so a second file is refused (400) rather than silently ignored; the multipart
 * plugin's file limit (one) raises FST_FILES_LIMIT on it.
 */
export async function singleUploadedFile(req: FastifyRequest): Promise<UploadedFile | undefined> {
  if (!req.isMultipart()) return undefined;
  let found: UploadedFile | undefined;
  try {
    for await (const part of req.parts()) {
      if (part.type !== 'file') continue;
      if (found) throw secondFile();
      found = { filename: part.filename, content: await part.toBuffer() };
    }
  } catch (err) {
    if ((err as { code?: unknown }).code === 'FST_FILES_LIMIT') throw secondFile();
    throw err;
  }
  return found;
}
