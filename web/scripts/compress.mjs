// Writes a Brotli (.br) and a gzip (.gz) copy beside each built asset worth compressing, so the
// API sends the smallest encoding the browser accepts without compressing on every request.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const assets = new URL('../dist/assets/', import.meta.url).pathname;
let files = 0;
for (const name of readdirSync(assets)) {
  if (!/\.(js|css|svg|json)$/.test(name)) continue;
  const content = readFileSync(join(assets, name));
  if (content.length < 1024) continue;
  writeFileSync(join(assets, `${name}.br`), brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  writeFileSync(join(assets, `${name}.gz`), gzipSync(content, { level: 9 }));
  files++;
}
console.log(`compressed ${files} assets (.br and .gz)`);
