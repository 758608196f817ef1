import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * The console's own policy: scripts and styles only from this origin, no frames, no plugins.
 * Stricter than the API docs' (Swagger UI needs inline scripts); inline styles stay allowed
 * because the component library writes its styles at run time.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the built web console: hashed assets under /assets/ (cached for good, their names
 * change with their content) and index.html for every other GET that is not an API, health,
 * docs or dashboard path (the console routes in the browser). Those reserved paths keep
 * their own answers, including the API's JSON 404.
 * Returns false when the console is not built (the API runs without it).
 */
export async function registerWebConsole(fastify: FastifyInstance, webRoot: string, reservedPrefixes: string[]): Promise<boolean> {
  const indexFile = join(webRoot, 'index.html');
  if (!existsSync(indexFile)) return false;
  const indexHtml = readFileSync(indexFile);
  if (existsSync(join(webRoot, 'assets')))
    await fastify.register(fastifyStatic as never, {
      root: join(webRoot, 'assets'),
      prefix: '/assets/',
      // Swagger UI registers the reply decorators already.
      decorateReply: false,
      immutable: true,
      maxAge: '365d',
      index: false,
      // The build writes .br and .gz beside each asset (web/scripts/compress.mjs).
      preCompressed: true,
    });
  const reserved = (url: string) => reservedPrefixes.some((p) => url === p || url.startsWith(`${p}/`) || url.startsWith(`${p}?`));
  fastify.get('/*', async (request, reply) => {
    if (reserved(request.url)) return reply.callNotFound();
    return reply.header('content-type', 'text/html; charset=utf-8').header('content-security-policy', CONSOLE_CSP).send(indexHtml);
  });
  return true;
}
