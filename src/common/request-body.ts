import type { FastifyInstance, FastifyRequest } from 'fastify';
import sjson from 'secure-json-parse';
import { assertWellFormedText, jsonDepth, MAX_JSON_DEPTH, mayHoldMalformedText } from '../domain/input-text';

/**
 * How request bodies are read, before any route or validation sees them:
 * - JSON only in UTF-8 (a declared other charset is 415), nested at most MAX_JSON_DEPTH deep
 *   (400, found in one linear pass before parsing), no `__proto__`/`constructor` keys (400),
 *   every string well-formed Unicode without control characters (422 naming the field);
 * - multipart only on upload routes and only with a boundary (415 / 400);
 * - nothing else: every other content type is 415 (Fastify answers it for want of a parser).
 */
export function httpError(statusCode: number, code: string, message: string): Error {
  return Object.assign(new Error(message), { statusCode, code });
}

/** Routes that take a file (multipart/form-data). */
export function isUploadRoute(url: string): boolean {
  return /\/(upload|import)(\?|$)/.test(url);
}

function charsetOf(contentType: string): string | null {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType);
  return match ? match[1].toLowerCase() : null;
}

export function registerBodyParsers(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (request: FastifyRequest, body, done) => {
    const charset = charsetOf(request.headers['content-type'] ?? '');
    if (charset !== null && charset !== 'utf-8' && charset !== 'utf8')
      return done(httpError(415, 'UNSUPPORTED_CHARSET', `JSON must be UTF-8, not ${charset.slice(0, 20)}`), undefined);
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH)
      return done(httpError(400, 'JSON_TOO_DEEP', `JSON nested deeper than ${MAX_JSON_DEPTH} levels is refused`), undefined);
    let parsed: unknown;
    try {
      parsed = sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch (e) {
      return done(httpError(400, 'MALFORMED_JSON', `malformed JSON: ${(e as Error).message.slice(0, 120)}`), undefined);
    }
    try {
      if (mayHoldMalformedText(text)) assertWellFormedText(parsed);
    } catch (e) {
      return done(e as Error, undefined);
    }
    done(null, parsed);
  });
  fastify.addHook('onRequest', async (request) => {
    const type = (request.headers['content-type'] ?? '').toLowerCase();
    if (!type.startsWith('multipart/')) return;
    if (!isUploadRoute(request.url)) throw httpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'multipart bodies are taken by upload routes only');
    if (!/;\s*boundary=/.test(type)) throw httpError(400, 'MULTIPART_BOUNDARY_MISSING', 'a multipart body needs a boundary parameter');
  });
}
