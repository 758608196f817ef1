import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);

/** The business date the browser tests run on (Asia/Shanghai), so claim periods and cut-offs are fixed. */
export const BUSINESS_DATE = '2026-11-10';

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => ok(port));
    });
  });
}

/** The day October 2026's claims are seeded on (before the member cut-off of 2026-11-03). */
const SEEDING_DATE = '2026-10-31';

async function startApi(env: NodeJS.ProcessEnv, port: number): Promise<ChildProcess> {
  const apiProcess = spawn(process.execPath, ['dist/src/main.js'], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const started = Date.now();
  for (;;) {
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return apiProcess;
    if (apiProcess.exitCode !== null) throw new Error(`the API exited during start-up (${apiProcess.exitCode})`);
    if (Date.now() - started > 30_000) throw new Error('the API did not become ready within 30 s');
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function stop(apiProcess: ChildProcess): Promise<void> {
  if (apiProcess.exitCode !== null) return;
  const exited = new Promise((r) => apiProcess.once('exit', r));
  apiProcess.kill('SIGTERM');
  await exited;
}

/** A bearer-token client of the seeding API for one demo user. */
const signedIn = (base: string) => async (username: string) => {
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'cbm-demo-2026' }),
  }).then((r) => r.json());
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the API's JSON, read field by field
  return async (method: string, path: string, body?: unknown): Promise<any> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${login.accessToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`seeding: ${method} ${path} → ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
};

/** A record of `unitCode`'s month whose fund pays `fundPaid` of 1000.00. */
const record = (unitCode: string, day: string, id: string, fundPaid: string, selfPaid: string) => ({
  externalId: id,
  unitCode,
  insuredId: `5329271990010${id.replace(/\D/g, '').padStart(5, '0')}`,
  visitType: 'OUTPATIENT',
  visitDate: day,
  settlementDate: day,
  totalCost: '1000.00',
  coveredCost: '1000.00',
  fundPaid,
  criticalIllnessPaid: '0.00',
  medicalAidPaid: '0.00',
  selfPaid,
});

/**
 * September 2026, at the days it happened (the API restarted on each business date): the 2026
 * allocation (SPEC §3's worked example) drafted and approved, and a second township's claim
 * submitted; on 2 October the lead declares September; on 9 October the bureau reviews, approves
 * and disburses it. The lead never pays that township's pass-down, so by the tests' business
 * date it is overdue.
 */
const SEPTEMBER: { date: string; run: (base: string) => Promise<void> }[] = [
  {
    date: '2026-09-28',
    run: async (base) => {
      const as = signedIn(base);
      const clerk = await as('ws.bureau.clerk');
      const approver = await as('ws.bureau.approver');
      const draft = await clerk('POST', '/api/v1/allocations', {
        countyCode: 'WS',
        fundYear: 2026,
        insuredCount: '312457',
        perCapitaStandard: '830.00',
        interest: '1234567.89',
        criticalIllnessPremiumPerPerson: '65.00',
        familyDoctorFee: '2849300.00',
        policyAdjustmentExpenditure: '1500000.00',
      });
      const submitted = await clerk('POST', `/api/v1/allocations/${draft.id}/submit`, { version: draft.version });
      await approver('POST', `/api/v1/allocations/${draft.id}/approve`, { version: submitted.version });
      await (
        await as('ws.admin')
      )('POST', '/api/v1/users', {
        username: 'ws.tc02.clerk',
        displayName: '庙街镇卫生院医保员',
        institutionCode: 'WS-TC-02',
        roles: ['MEMBER_CLERK'],
        password: 'cbm-demo-2026',
      });
      const township = await as('ws.tc02.clerk');
      await township('POST', '/api/v1/settlement-records', {
        records: [
          record('WS-TC-02', '2026-09-15', 'SEP-1', '400.00', '600.00'),
          record('WS-TC-02', '2026-09-16', 'SEP-2', '250.00', '750.00'),
        ],
      });
      const claim = (await township('GET', '/api/v1/member-claims?period=2026-09')).items[0];
      await township('POST', `/api/v1/member-claims/${claim.id}/submit`, { version: claim.version });
    },
  },
  {
    date: '2026-10-02',
    run: async (base) => {
      const lead = await signedIn(base)('ws.lead.finance');
      const claim = (await lead('GET', '/api/v1/member-claims?period=2026-09')).items[0];
      await lead('POST', `/api/v1/member-claims/${claim.id}/complete-review`, { version: claim.version, acceptPending: true });
      await lead('POST', '/api/v1/communities/WS-MC/declarations', { period: '2026-09' });
    },
  },
  {
    date: '2026-10-09',
    run: async (base) => {
      const as = signedIn(base);
      const clerk = await as('ws.bureau.clerk');
      const approver = await as('ws.bureau.approver');
      const declared = (await clerk('GET', '/api/v1/declarations?period=2026-09')).items[0];
      const reviewed = await clerk('POST', `/api/v1/declarations/${declared.id}/complete-review`, { version: declared.version });
      const approved = await approver('POST', `/api/v1/declarations/${declared.id}/approve`, { version: reviewed.version });
      await clerk('POST', `/api/v1/declarations/${declared.id}/disbursement`, {
        version: approved.version,
        disbursedOn: '2026-10-09',
        reference: 'BK-2026-10-0009',
      });
    },
  },
];

/** Through the API, on 31 October: the township's October claim of three records, submitted. */
async function seedOctober(base: string): Promise<void> {
  const township = await signedIn(base)('ws.tc01.clerk');
  await township('POST', '/api/v1/settlement-records', {
    records: [
      record('WS-TC-01', '2026-10-15', 'OCT-1', '300.00', '700.00'),
      record('WS-TC-01', '2026-10-15', 'OCT-2', '120.55', '879.45'),
      record('WS-TC-01', '2026-10-15', 'OCT-3', '80.10', '919.90'),
    ],
  });
  const claim = (await township('GET', '/api/v1/member-claims?period=2026-10')).items[0];
  await township('POST', `/api/v1/member-claims/${claim.id}/submit`, { version: claim.version });
}

/**
 * Starts the built API (dist/, serving web/dist) and its worker on a fresh database with the demo
 * county, as `scripts/demo.sh` would, and stops both and drops the database afterwards.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const run = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const port = await freePort();
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    DB_NAME: `cbm_test_browser_${run}`,
    QUEUE_PREFIX: `cbm-test-browser-${run}`,
    LOG_LEVEL: 'silent',
    SCHEDULES_ENABLED: 'false',
    BUSINESS_DATE,
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: `http://localhost:${port}`,
    WEB_ROOT: resolve(root, 'web/dist'),
  };
  execFileSync(process.execPath, ['dist/src/cli/migrate.js', 'up'], { cwd: root, env, stdio: 'ignore' });
  execFileSync(process.execPath, ['dist/src/cli/seed-demo.js', '--registry-only'], { cwd: root, env, stdio: 'ignore' });
  // September's month run to its disbursement, then October in flight (seeded on a day before its
  // cut-off), each through the API on its own business date; then the API serves the tests.
  for (const phase of [...SEPTEMBER, { date: SEEDING_DATE, run: seedOctober }]) {
    const seeding = await startApi({ ...env, BUSINESS_DATE: phase.date }, port);
    try {
      await phase.run(`http://127.0.0.1:${port}`);
    } finally {
      await stop(seeding);
    }
  }
  const apiProcess = await startApi(env, port);
  // The worker runs the queued work (cycles, queued uploads, year-end posting) as in production.
  const workerProcess = spawn(process.execPath, ['dist/src/worker.js'], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://localhost:${port}`;
  process.env.CONSOLE_URL = url;
  process.env.CONSOLE_BUSINESS_DATE = BUSINESS_DATE;

  return async () => {
    await stop(apiProcess);
    await stop(workerProcess);
    if (process.env.KEEP_TEST_DB) return;
    const { loadConfig } = require(resolve(root, 'dist/src/config/app-config.js'));
    const { dropDatabase } = require(resolve(root, 'dist/src/database/database-admin.js'));
    const config = loadConfig(env);
    await dropDatabase(config.db, config.db.name);
    // The run's queue keys, as the Jest teardown removes its own.
    const Redis = require(resolve(root, 'node_modules/ioredis')).default;
    const redis = new Redis({ host: config.redis.host, port: config.redis.port, password: config.redis.password, db: config.redis.db });
    try {
      let cursor = '0';
      do {
        const [next, keys]: [string, string[]] = await redis.scan(cursor, 'MATCH', `${config.queue.prefix}:*`, 'COUNT', 1000);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  };
}
