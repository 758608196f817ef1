/**
 * Writes the API's OpenAPI document (JSON) without starting the server or touching a database;
 * the web console's typed client is generated from it (web: npm run openapi).
 *   node dist/src/cli/openapi.js <file>
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { describeApi } from '../app.factory';
import { loadConfig } from '../config/app-config';

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: openapi <file>');
  const document = await describeApi(loadConfig());
  writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);
}

main().catch((err: unknown) => {
  console.error(`openapi: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
