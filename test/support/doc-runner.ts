import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs the shell examples of a Markdown document as a reader would paste them, so that a
 * document that drifts from the API fails the build.
 *
 * - A fenced block whose info string is `bash` is a step; `bash norun` is shown, never run
 *   (starting the demo, say).
 * - Steps run in order, each in `bash` with `set -euo pipefail`, from the repository root;
 *   variables and functions a step defines are there for the next (as in one terminal).
 * - A `json` block that follows a step (before the next step) is the answer the reader should
 *   see: the step's last line of output must match it. Objects match when every key shown
 *   matches (the answer may have more); arrays match element by element and have the same
 *   length, unless the shown array ends with "…" (then the answer may go on); the string "…"
 *   matches any value.
 */
export interface DocStep {
  /** 1-based line of the block's opening fence in the document. */
  line: number;
  script: string;
  expected?: { line: number; json: unknown };
}

const FENCE = /^```(\S*)\s*(.*)$/;

export function docSteps(markdown: string): DocStep[] {
  const steps: DocStep[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open || open[1] === '') continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i].startsWith('```'); i++) body.push(lines[i]);
    const [lang, flags] = [open[1], open[2].trim()];
    if (lang === 'bash' && flags !== 'norun') steps.push({ line: start + 1, script: body.join('\n') });
    if (lang === 'json' && steps.length && steps[steps.length - 1].expected === undefined) {
      let json: unknown;
      try {
        json = JSON.parse(body.join('\n'));
      } catch (err) {
        throw new Error(`line ${start + 1}: the answer shown is not JSON: ${(err as Error).message}`);
      }
      steps[steps.length - 1].expected = { line: start + 1, json };
    }
  }
  return steps;
}

/** Where `actual` differs from what the document shows, or null when it matches. */
export function answerMismatch(shown: unknown, actual: unknown, path = '$'): string | null {
  if (shown === '…') return null;
  if (Array.isArray(shown)) {
    if (!Array.isArray(actual)) return `${path}: shown an array, got ${JSON.stringify(actual)}`;
    const open = shown.length > 0 && shown[shown.length - 1] === '…';
    const items = open ? shown.slice(0, -1) : shown;
    if (open ? actual.length < items.length : actual.length !== items.length)
      return `${path}: shown ${items.length}${open ? ' or more' : ''} items, got ${actual.length}`;
    for (let k = 0; k < items.length; k++) {
      const m = answerMismatch(items[k], actual[k], `${path}[${k}]`);
      if (m) return m;
    }
    return null;
  }
  if (shown !== null && typeof shown === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual))
      return `${path}: shown an object, got ${JSON.stringify(actual)}`;
    for (const [key, value] of Object.entries(shown)) {
      if (!(key in actual)) return `${path}.${key}: shown, but the answer has no such key`;
      const m = answerMismatch(value, (actual as Record<string, unknown>)[key], `${path}.${key}`);
      if (m) return m;
    }
    return null;
  }
  return shown === actual ? null : `${path}: shown ${JSON.stringify(shown)}, got ${JSON.stringify(actual)}`;
}

export interface DocRunOptions {
  /** The directory the steps run in (the repository root: examples name files from there). */
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Runs every step; throws at the first one that fails or answers otherwise than shown, naming its line. */
export async function runDocSteps(name: string, steps: DocStep[], options: DocRunOptions): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'doc-run-'));
  const state = join(dir, 'state.sh');
  writeFileSync(state, '');
  try {
    for (const step of steps) {
      // Variables and functions the reader's terminal would keep: everything the step added.
      const script = [
        'set -euo pipefail',
        `source ${JSON.stringify(state)}`,
        '__before=" $(compgen -v | tr "\\n" " ") "',
        step.script,
        `{ for __v in $(compgen -v); do case "$__before" in *" $__v "*) ;; *) case "$__v" in __*|BASH*|_) ;; *) declare -p "$__v";; esac;; esac; done; declare -f; } > ${JSON.stringify(state + '.next')}`,
      ].join('\n');
      // Asynchronously: the API under test may be serving from this very process.
      const run = await runBash(script, options);
      const where = `${name}:${step.line}`;
      if (run.status !== 0)
        throw new Error(`${where}: the step failed (exit ${run.status})\n--- step\n${step.script}\n--- output\n${run.stdout}${run.stderr}`);
      // Earlier state first, the step's additions after: what it redefined wins.
      writeFileSync(state, readFileSync(state, 'utf8') + readFileSync(state + '.next', 'utf8'));
      if (step.expected) {
        const last = run.stdout.trimEnd().split('\n').pop() ?? '';
        let actual: unknown;
        try {
          actual = JSON.parse(last);
        } catch {
          throw new Error(`${where}: the answer shown at line ${step.expected.line} is JSON, but the step printed:\n${run.stdout}`);
        }
        const mismatch = answerMismatch(step.expected.json, actual);
        if (mismatch)
          throw new Error(
            `${where}: the answer differs from the one shown at line ${step.expected.line}: ${mismatch}\n--- printed\n${last}`,
          );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runBash(script: string, options: DocRunOptions): Promise<{ status: number | string; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { cwd: options.cwd, env: options.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ status: code ?? `${signal}`, stdout, stderr });
    });
  });
}
