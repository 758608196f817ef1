import type { INestApplicationContext } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_PASSWORD } from '../../src/cli/demo-county';
import { seedDemo } from '../../src/cli/seed-demo';
import { dropDatabase, migrateUp } from '../../src/database/database-admin';
import { answerMismatch, docSteps, DocStep, runDocSteps } from '../support/doc-runner';
import { ApiClient, RunningApi, startApi, startWorker, testConfig } from '../support/test-app';

/**
 * The walkthrough in docs/ is run as a reader would paste it, against the demo as
 * `BUSINESS_DATE=2026-02-02 bash scripts/demo.sh` starts it: its own fresh database with the
 * demo county, the API and a worker. A page that drifts from the API fails here.
 */
const ROOT = join(__dirname, '..', '..');
const WALKTHROUGH = 'docs/walkthrough.md';
const RECORD_FORMAT = 'docs/settlement-records.md';
const env = {
  DB_NAME: `${process.env.DB_NAME}_docs`,
  QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}:docs`,
  BUSINESS_DATE: '2026-02-02',
};

describe('documentation that runs', () => {
  let api: RunningApi;
  let worker: INestApplicationContext;
  const steps = docSteps(readFileSync(join(ROOT, WALKTHROUGH), 'utf8'));
  const run = (name: string, s: DocStep[]) =>
    runDocSteps(name, s, { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, API: `${api.baseUrl}/api/v1` } });

  beforeAll(async () => {
    await migrateUp(testConfig(env).db);
    api = await startApi(env);
    worker = await startWorker(env);
    await seedDemo(api.app);
  }, 120_000);

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    if (!process.env.KEEP_TEST_DB) await dropDatabase(testConfig(env).db, env.DB_NAME);
  });

  it('the walkthrough has steps and shown answers to check', () => {
    expect(steps.length).toBeGreaterThanOrEqual(15);
    expect(steps.filter((s) => s.expected).length).toBeGreaterThanOrEqual(10);
  });

  it('completes one month from the walkthrough alone, every answer as shown', async () => {
    await run(WALKTHROUGH, steps);
  }, 180_000);

  it('the settlement-record format page: its examples upload and are refused as shown', async () => {
    // The page builds on the walkthrough's helpers (its first step), as it says.
    const page = docSteps(readFileSync(join(ROOT, RECORD_FORMAT), 'utf8'));
    expect(page.length).toBeGreaterThanOrEqual(2);
    await run(RECORD_FORMAT, [...prelude(), ...page]);
  }, 60_000);

  it('the registry examples import as the README says: 201, then 200 changing nothing, each with its import id', async () => {
    const admin = await ApiClient.signIn(api.baseUrl, 'ws.admin', DEMO_PASSWORD);
    for (const file of ['institutions.csv', 'institutions.xlsx']) {
      const content = readFileSync(join(ROOT, 'examples', file));
      const first = await admin.upload('/api/v1/institutions/import', content, file);
      expect([first.status, first.body]).toMatchObject([201, { created: 2, rejected: 0, errors: [] }]);
      const again = await admin.upload('/api/v1/institutions/import', content, file);
      expect([again.status, again.body]).toMatchObject([200, { created: 0, unchanged: 2 }]);
      const shown = await admin.get(`/api/v1/institutions/imports/${first.body.id}`);
      expect(shown.status).toBe(200);
    }
  });

  // The check itself must be able to fail: the same page, deliberately broken, is refused.
  const prelude = () => steps.slice(0, 1);
  const lastShownRead = () => [...steps].reverse().find((s) => s.expected && /call GET \S+ \/member-claims\//.test(s.script))!;

  it('fails when a shown answer is not what the API says', async () => {
    const read = lastShownRead();
    const broken: DocStep = { ...read, expected: { ...read.expected!, json: breakFirstString(read.expected!.json) } };
    await expect(run(WALKTHROUGH, [...prelude(), ...stepsDefining(read), broken])).rejects.toThrow(
      new RegExp(`${WALKTHROUGH}:${read.line}: the answer differs from the one shown`),
    );
  }, 60_000);

  it('fails when a command no longer works', async () => {
    const read = lastShownRead();
    const broken: DocStep = { ...read, script: read.script.replace(/\/member-claims\//, '/member-claimz/') };
    expect(broken.script).not.toBe(read.script);
    await expect(run(WALKTHROUGH, [...prelude(), ...stepsDefining(read), broken])).rejects.toThrow(
      new RegExp(`${WALKTHROUGH}:${read.line}: the step failed`),
    );
  }, 60_000);

  /**
   * What a read step needs from earlier steps (the tokens and ids it names), taken only from
   * lines that sign in or look something up, so the step can run again without changing anything.
   */
  function stepsDefining(read: DocStep): DocStep[] {
    const defs = new Map<string, { order: number; line: number; text: string }>();
    let order = 0;
    for (const s of steps.filter((x) => x.line < read.line))
      for (const text of s.script.split('\n')) {
        const m = /^([A-Z0-9_]+)=\$\((login|call GET)\b.*\)$/.exec(text);
        if (m) defs.set(m[1], { order: order++, line: s.line, text });
      }
    const chosen = new Map<string, { order: number; line: number; text: string }>();
    const visit = (script: string) => {
      for (const [, name] of script.matchAll(/\$([A-Z0-9_]+)/g)) {
        const def = defs.get(name);
        if (def && !chosen.has(name)) {
          chosen.set(name, def);
          visit(def.text);
        }
      }
    };
    visit(read.script);
    return [...chosen.values()].sort((a, b) => a.order - b.order).map((d) => ({ line: d.line, script: d.text }));
  }
});

/** The shown answer with its first string value changed. */
function breakFirstString(json: unknown): unknown {
  let done = false;
  const walk = (v: unknown): unknown => {
    if (done) return v;
    if (typeof v === 'string' && v !== '…') {
      done = true;
      return `${v}-not-this`;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const broken = walk(json);
  if (!done) throw new Error('the shown answer has no string to change');
  return broken;
}

describe('the documentation runner', () => {
  it('takes bash blocks as steps, skips `bash norun`, and pairs each step with the json block after it', () => {
    const md = [
      '```bash norun',
      'bash scripts/demo.sh',
      '```',
      '```bash',
      'echo \'{"a":1}\'',
      '```',
      'text',
      '```json',
      '{"a": 1}',
      '```',
      '```sh',
      'ls',
      '```',
      '```bash',
      'true',
      '```',
    ];
    expect(docSteps(md.join('\n'))).toEqual([
      { line: 4, script: 'echo \'{"a":1}\'', expected: { line: 8, json: { a: 1 } } },
      { line: 14, script: 'true' },
    ]);
    expect(() => docSteps('```bash\ntrue\n```\n```json\n{nope\n```')).toThrow(/line 4: the answer shown is not JSON/);
  });

  it('matches shown answers as subsets, with … for any value and for more items', () => {
    expect(answerMismatch({ a: '1', b: ['x', '…'] }, { a: '1', b: ['x', 'y', 'z'], c: 2 })).toBeNull();
    expect(answerMismatch({ a: '…' }, { a: { deep: true } })).toBeNull();
    expect(answerMismatch({ a: '1' }, { a: '2' })).toBe('$.a: shown "1", got "2"');
    expect(answerMismatch({ a: '1' }, {})).toBe('$.a: shown, but the answer has no such key');
    expect(answerMismatch(['x'], ['x', 'y'])).toBe('$: shown 1 items, got 2');
    expect(answerMismatch([{ s: 'DUE' }], [{ s: 'PAID' }])).toBe('$[0].s: shown "DUE", got "PAID"');
    expect(answerMismatch({ a: 1 }, [1])).toBe('$: shown an object, got [1]');
  });
});
