// The module graph of src/: fails on any file or module cycle, and writes the graph into
// docs/architecture.md (`--check` fails instead when the document is out of date).
//   node tools/architecture.mjs           rewrite the graph in docs/architecture.md
//   node tools/architecture.mjs --check   exit 1 on a cycle or a stale document
import { cruise } from 'dependency-cruiser';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const config = require('../.dependency-cruiser.cjs');
const DOC = 'docs/architecture.md';
const START = '<!-- module-graph:start (written by node tools/architecture.mjs) -->';
const END = '<!-- module-graph:end -->';

/** `src/modules/claims/x.ts` → `claims`; `src/queue/x.ts` → `queue`; `src/main.ts` → `(entry)`. */
export function moduleOf(file) {
  const m = /^src\/modules\/([^/]+)\//.exec(file);
  if (m) return m[1];
  const top = /^src\/([^/]+)\//.exec(file);
  return top ? top[1] : '(entry)';
}

/** Every cycle in a directed graph given as Map<node, Set<node>> (one per strongly connected component). */
export function cyclesOf(graph) {
  let index = 0;
  const stack = [];
  const on = new Set();
  const idx = new Map();
  const low = new Map();
  const components = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)?.has(v)) components.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return components;
}

async function main() {
  const check = process.argv.includes('--check');
  const { output } = await cruise(['src'], { ...config.options, ruleSet: { forbidden: config.forbidden }, validate: true });
  const problems = [];
  for (const v of output.summary.violations)
    problems.push(`${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (cycle ${v.cycle.map((c) => c.name ?? c).join(' → ')})` : ''}`);

  const graph = new Map();
  for (const m of output.modules) {
    if (!m.source.startsWith('src/')) continue;
    const from = moduleOf(m.source);
    if (!graph.has(from)) graph.set(from, new Set());
    for (const d of m.dependencies) {
      if (!d.resolved.startsWith('src/')) continue;
      const to = moduleOf(d.resolved);
      if (to !== from) graph.get(from).add(to);
    }
  }
  for (const cycle of cyclesOf(graph)) problems.push(`module cycle: ${cycle.join(' ↔ ')}`);

  const lines = ['```mermaid', 'graph LR'];
  for (const from of [...graph.keys()].sort())
    for (const to of [...graph.get(from)].sort()) lines.push(`  ${from.replace(/[()]/g, '')} --> ${to.replace(/[()]/g, '')}`);
  lines.push('```');
  const section = `${START}\n${lines.join('\n')}\n${END}`;
  const doc = readFileSync(DOC, 'utf8');
  const at = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (at < 0 || end < 0) throw new Error(`${DOC} has no module-graph markers`);
  const next = doc.slice(0, at) + section + doc.slice(end + END.length);
  if (check) {
    if (next !== doc) problems.push(`${DOC}: the module graph is out of date; run node tools/architecture.mjs`);
  } else writeFileSync(DOC, next);

  console.log(`architecture: ${output.summary.totalCruised} files, ${graph.size} modules, ${problems.length} problem(s)`);
  for (const p of problems) console.log(`  ${p}`);
  if (problems.length) process.exit(1);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
