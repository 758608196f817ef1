// Lints source texts as if they lived at given paths; reads [{file, code}] as JSON on stdin,
// prints the rule ids raised for each.
import { ESLint } from 'eslint';
import { readFileSync } from 'node:fs';

const inputs = JSON.parse(readFileSync(0, 'utf8'));
const eslint = new ESLint({ cwd: process.cwd() });
const out = [];
for (const { file, code } of inputs) {
  const [report] = await eslint.lintText(code, { filePath: file });
  out.push(report.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`));
}
process.stdout.write(JSON.stringify(out));
