import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The architecture rules fail the lint: each planted file is linted through ESLint as if it
 * lived at the path its first line names, and must raise exactly the rule it breaks.
 */
const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(__dirname, 'fixtures');

/** Lints every text at once (one ESLint start-up) as if each lived at its path. */
function lintAll(inputs: { file: string; code: string }[]): string[][] {
  const result = spawnSync(process.execPath, [path.join(__dirname, 'lint-as.mjs')], {
    cwd: ROOT,
    input: JSON.stringify(inputs),
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`lint failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as string[][];
}

const expected: Record<string, string[]> = {
  'sql-in-service.ts.fixture': ['architecture/sql-in-repositories'],
  'query-builder-in-controller.ts.fixture': ['architecture/sql-in-repositories'],
  'domain-imports-framework.ts.fixture': ['architecture/pure-domain'],
  'domain-imports-module.ts.fixture': ['architecture/pure-domain'],
  'module-internals.ts.fixture': ['architecture/module-public-surface'],
  'refusal-in-service.ts.fixture': ['architecture/refusals-in-domain'],
  'entity-manager-in-service.ts.fixture': ['architecture/sql-in-repositories'],
  'clean.ts.fixture': [],
};

const fixtures = Object.keys(expected).map((fixture) => {
  const code = readFileSync(path.join(FIXTURES, fixture), 'utf8');
  return { fixture, file: /planted at (\S+)/.exec(code.split('\n')[0])![1], code };
});
let raised: string[][];
let asRepository: string[];

beforeAll(() => {
  const sql = fixtures.find((f) => f.fixture === 'sql-in-service.ts.fixture')!;
  const results = lintAll([...fixtures, { file: 'src/modules/claims/planted.repository.ts', code: sql.code }]);
  raised = results.slice(0, fixtures.length);
  asRepository = results[fixtures.length];
}, 60_000);

describe('architecture lint rules', () => {
  it('has an expectation for every planted file', () => {
    expect(readdirSync(FIXTURES).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(fixtures.map((f, i) => [f.fixture, i] as const))('%s raises the rule it breaks', (fixture, i) => {
    expect(raised[i]).toEqual(expected[fixture]);
  });

  it('the same SQL inside a repository is allowed', () => {
    expect(asRepository).toEqual([]);
  });
});
