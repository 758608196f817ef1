import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Which module writes which table, read from the source: SQL statements that write
 * (INSERT, REPLACE, UPDATE, DELETE, LOAD DATA) and TypeORM writes of an entity
 * (`manager.insert(Entity, …)`, `updateVersioned(manager, Entity, …)`, a repository of the
 * entity that saves, …). Over-reporting is safe here: a false writer fails loudly.
 */
export const ROOT = path.resolve(__dirname, '../..');

export function sourceFiles(dir = path.join(ROOT, 'src')): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (name.endsWith('.ts') && !/\.spec(-helper)?\.ts$/.test(name)) out.push(full);
  }
  return out;
}

/** `src/modules/claims/x.ts` → `claims`; `src/queue/x.ts` → `queue`; `src/main.ts` → `(entry)`. */
export function moduleOf(file: string): string {
  const rel = path.relative(ROOT, file).split(path.sep).join('/');
  const m = /^src\/modules\/([^/]+)\//.exec(rel) ?? /^src\/([^/]+)\//.exec(rel);
  return m ? m[1] : '(entry)';
}

/** Entity class name → table, from `@Entity('table') … class Name`. */
export function entityTables(files: string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/@Entity\(\s*'([a-z_]+)'[^)]*\)\s*(?:export\s+)?class\s+(\w+)/g)) map.set(m[2], m[1]);
  }
  return map;
}

const SQL_WRITES = [
  /\bINSERT\s+(?:IGNORE\s+)?INTO\s+`?([a-z_]+)`?/gi,
  /\bREPLACE\s+INTO\s+`?([a-z_]+)`?/gi,
  /\bUPDATE\s+`?([a-z_]+)`?(?:\s+(?:AS\s+)?[a-z]\w*)?\s+(?:SET|JOIN|INNER|LEFT|,)/gi,
  /\bDELETE\s+(?:[a-z]\w*\s+)?FROM\s+`?([a-z_]+)`?/gi,
  /\bLOAD\s+DATA\s+(?:LOCAL\s+)?INFILE\s+\S+\s+(?:REPLACE\s+|IGNORE\s+)?INTO\s+TABLE\s+`?([a-z_]+)`?/gi,
];
const ENTITY_WRITE_CALL = /\.(?:save|insert|update|delete|upsert|increment|decrement|remove|softDelete)\(\s*(\w+)/g;

/** The tables each file writes. */
export function tablesWrittenBy(file: string, entities: Map<string, string>): Set<string> {
  const text = readFileSync(file, 'utf8');
  const tables = new Set<string>();
  for (const re of SQL_WRITES) for (const m of text.matchAll(re)) tables.add(m[1].toLowerCase());
  for (const m of text.matchAll(ENTITY_WRITE_CALL)) if (entities.has(m[1])) tables.add(entities.get(m[1])!);
  for (const m of text.matchAll(/updateVersioned\(\s*\w+\s*,\s*(\w+)/g)) if (entities.has(m[1])) tables.add(entities.get(m[1])!);
  for (const m of text.matchAll(/\.update\(\s*(\w+)\s*\)/g)) if (entities.has(m[1])) tables.add(entities.get(m[1])!);
  // A repository of an entity (getRepository / InjectRepository / manager.create) that saves or writes.
  if (/\.(?:save|insert|update|delete|upsert|remove)\(/.test(text)) {
    for (const m of text.matchAll(/(?:getRepository|InjectRepository|\.create)\(\s*(\w+)/g))
      if (entities.has(m[1])) tables.add(entities.get(m[1])!);
  }
  return tables;
}

/** table → the modules that write it (with one file each, for the message). */
export function writersByTable(): Map<string, Map<string, string>> {
  const files = sourceFiles();
  const entities = entityTables(files);
  const writers = new Map<string, Map<string, string>>();
  for (const file of files) {
    for (const table of tablesWrittenBy(file, entities)) {
      if (!writers.has(table)) writers.set(table, new Map());
      const byModule = writers.get(table)!;
      if (!byModule.has(moduleOf(file))) byModule.set(moduleOf(file), path.relative(ROOT, file));
    }
  }
  return writers;
}

/** The owner list of docs/architecture.md: rows `| table | owner |`. */
export function documentedOwners(): Map<string, string> {
  const doc = readFileSync(path.join(ROOT, 'docs/architecture.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Tables and their owners'), doc.indexOf('## The checks'));
  const owners = new Map<string, string>();
  for (const m of section.matchAll(/^\|\s*([a-z_]+)\s*\|\s*([a-z-]+)\s*\|$/gm)) owners.set(m[1], m[2]);
  return owners;
}
