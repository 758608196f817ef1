import { routeAccess } from '../../src/app.factory';
import { createCommunityFixture, CommunityFixture, TEST_PASSWORD } from '../support/registry-fixtures';
import { ApiClient, http, RunningApi, startApi } from '../support/test-app';

/** Defects found by a hostile client: sign-in spellings, self-granted money roles, auditors writing. */
describe('hardening: access', () => {
  let api: RunningApi;
  let f: CommunityFixture;

  beforeAll(async () => {
    api = await startApi({ LOGIN_RATE_LIMIT_PER_MINUTE: '3' });
    f = await createCommunityFixture(api, 1);
  });
  afterAll(() => api.close());

  const login = (username: string, password: string) => http(api.baseUrl, 'POST', '/api/v1/auth/login', { username, password });
  const userRow = async (username: string) =>
    (await api.dataSource.query('SELECT username, roles, version FROM app_user WHERE username = ?', [username]))[0] as
      { username: string; roles: string; version: number } | undefined;
  const auditOf = (action: string, username: string): Promise<{ actor: string; entity_id: string; changes: string }[]> =>
    api.dataSource.query('SELECT actor, entity_id, changes FROM audit_log WHERE action = ? AND entity_id = ? ORDER BY id', [
      action,
      username,
    ]);

  describe('usernames have one spelling', () => {
    it('throttles guesses in every spelling of a username as one', async () => {
      const clerk = await f.as(['BUREAU_CLERK'], f.bureau);
      const name = clerk.username;
      const spellings = [name, name.toUpperCase(), ` ${name}  `, `${name[0].toUpperCase()}${name.slice(1)} `, `${name}\t`];
      const statuses: number[] = [];
      // The sign-in of the fixture used one attempt of this minute's three for this name.
      for (const spelling of spellings) statuses.push((await login(spelling, 'wrong-password-x')).status);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(spellings.length - 3);
      expect(statuses.slice(-2)).toEqual([429, 429]);
    });

    it('signs in with another spelling as the one user, audited under its stored name', async () => {
      const approver = await f.as(['BUREAU_APPROVER'], f.bureau);
      // The database compares ignoring case and trailing spaces: this spelling always reached the user.
      const res = await login(`${approver.username.toUpperCase()}  `, TEST_PASSWORD);
      expect(res.status).toBe(200);
      const me = await new ApiClient(api.baseUrl, res.body.accessToken).get('/api/v1/auth/me');
      expect(me.body.name).toBe(approver.username);
      const [row] = await api.dataSource.query(
        "SELECT entity_id, actor FROM audit_log WHERE action = 'auth.login' AND outcome = 'SUCCESS' ORDER BY id DESC LIMIT 1",
      );
      expect(row).toEqual({ entity_id: approver.username, actor: approver.username });
    });

    it('refuses a new user whose name in its one spelling is taken (409 naming username), writing nothing', async () => {
      const clerk = await f.as(['BUREAU_CLERK'], f.bureau);
      const before = await api.dataSource.query('SELECT COUNT(*) AS n FROM app_user');
      for (const spelling of [clerk.username.toUpperCase(), ` ${clerk.username} `]) {
        const res = await f.admin.post('/api/v1/users', {
          username: spelling,
          displayName: 'x',
          institutionCode: f.bureau,
          roles: ['BUREAU_CLERK'],
          password: 'long-enough-pw',
        });
        expect({ spelling, status: res.status }).toEqual({ spelling, status: 409 });
        expect(res.body).toMatchObject({ code: 'USERNAME_TAKEN', details: [{ field: 'username', rule: 'unique' }] });
      }
      expect(await api.dataSource.query('SELECT COUNT(*) AS n FROM app_user')).toEqual(before);
    });

    it('stores a new user in its one spelling', async () => {
      const typed = ` New.Clerk.${f.county} `;
      const res = await f.admin.post('/api/v1/users', {
        username: typed,
        displayName: 'x',
        institutionCode: f.bureau,
        roles: ['BUREAU_CLERK'],
        password: 'long-enough-pw',
      });
      expect(res.status).toBe(201);
      expect(res.body.username).toBe(`new.clerk.${f.county.toLowerCase()}`);
      expect((await userRow(res.body.username))?.username).toBe(res.body.username);
      expect((await f.admin.get(`/api/v1/users/${encodeURIComponent(typed.trim().toUpperCase())}`)).body.username).toBe(res.body.username);
    });
  });

  describe('separation of duties', () => {
    it('refuses an administrator changing its own roles (403), changing nothing', async () => {
      const self = await userRow(f.admin.username);
      const res = await f.admin.patch(`/api/v1/users/${f.admin.username}`, { version: self!.version, roles: ['ADMIN', 'BUREAU_APPROVER'] });
      expect(res.status).toBe(403);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'roles' })]);
      expect(await userRow(f.admin.username)).toEqual(self);
    });

    it('never puts ADMIN and a money role on one user, at creation or change (422 separationOfDuties)', async () => {
      const created = await f.admin.post('/api/v1/users', {
        username: `admin.clerk.${f.county.toLowerCase()}`,
        displayName: 'x',
        institutionCode: f.bureau,
        roles: ['ADMIN', 'BUREAU_CLERK'],
        password: 'long-enough-pw',
      });
      expect(created.status).toBe(422);
      expect(created.body).toMatchObject({ code: 'SEPARATION_OF_DUTIES', details: [{ field: 'roles', rule: 'separationOfDuties' }] });
      expect(await userRow(`admin.clerk.${f.county.toLowerCase()}`)).toBeUndefined();

      // A second administrator may not make the first one an approver either.
      const second = await f.admin.must('POST', '/api/v1/users', {
        username: `second.admin.${f.county.toLowerCase()}`,
        displayName: 'x',
        institutionCode: f.bureau,
        roles: ['ADMIN'],
        password: 'long-enough-pw',
      });
      const admin2 = await ApiClient.signIn(api.baseUrl, second.username, 'long-enough-pw');
      const target = await userRow(f.admin.username);
      const changed = await admin2.patch(`/api/v1/users/${f.admin.username}`, {
        version: target!.version,
        roles: ['ADMIN', 'BUREAU_APPROVER'],
      });
      expect(changed.status).toBe(422);
      expect(changed.body).toMatchObject({ code: 'SEPARATION_OF_DUTIES', details: [{ field: 'roles', rule: 'separationOfDuties' }] });
      expect(await userRow(f.admin.username)).toEqual(target);
      const token = await f.admin.post('/api/v1/api-tokens', { name: 'x', institutionCode: f.bureau, roles: ['ADMIN', 'BUREAU_APPROVER'] });
      expect(token.status).toBe(422);
    });

    it('audits every role change before → after', async () => {
      const clerk = await f.as(['BUREAU_CLERK'], f.bureau);
      const row = await userRow(clerk.username);
      const res = await f.admin.patch(`/api/v1/users/${clerk.username}`, { version: row!.version, roles: ['BUREAU_APPROVER'] });
      expect(res.status).toBe(200);
      const entries = await auditOf('user.roles', clerk.username);
      expect(entries.map((e) => JSON.parse(e.changes))).toEqual([
        { roles: [[], ['BUREAU_CLERK']] },
        { roles: [['BUREAU_CLERK'], ['BUREAU_APPROVER']] },
      ]);
      expect(entries[1].actor).toBe(f.admin.username);
      const update = await auditOf('user.update', clerk.username);
      expect(JSON.parse(update[update.length - 1].changes).roles).toEqual([['BUREAU_CLERK'], ['BUREAU_APPROVER']]);
    });

    it('tells the county’s auditors of every role change, in-app', async () => {
      const auditor = await f.as(['AUDITOR'], f.bureau);
      const member = await f.as(['LEAD_FINANCE'], f.lead);
      const row = await userRow(member.username);
      const res = await f.admin.patch(`/api/v1/users/${member.username}`, {
        version: row!.version,
        roles: ['LEAD_FINANCE', 'MEMBER_CLERK'],
      });
      expect(res.status).toBe(200);
      const seen = await auditor.get('/api/v1/notifications?kind=USER_ROLES_CHANGED');
      expect(seen.status).toBe(200);
      const items = seen.body.items as { subjectId: string; message: string }[];
      expect(
        items
          .filter((n) => n.subjectId === member.username)
          .map((n) => n.message)
          .sort(),
      ).toEqual([
        `roles of ${member.username}: LEAD_FINANCE → LEAD_FINANCE+MEMBER_CLERK (by ${f.admin.username})`,
        `roles of ${member.username}: — → LEAD_FINANCE`,
      ]);
      // Given at creation (by an operator, no caller), then changed by the ADMIN. Another county's auditors hear nothing of it.
      const other = await createCommunityFixture(api, 1);
      const foreignAuditor = await other.as(['AUDITOR'], other.bureau);
      const foreign = await foreignAuditor.get('/api/v1/notifications?kind=USER_ROLES_CHANGED');
      const foreignItems = foreign.body.items as { subjectId: string }[];
      expect(foreignItems.filter((n) => n.subjectId === member.username)).toEqual([]);
    });
  });

  describe('auditors change nothing', () => {
    let notificationId: number;
    beforeAll(async () => {
      const [bureau] = await api.dataSource.query('SELECT id FROM institution WHERE code = ?', [f.bureau]);
      const inserted = await api.dataSource.query(
        "INSERT INTO notification (institution_id, kind, severity, dedup_key, subject_type, subject_id, message) VALUES (?, 'PASS_DOWN_OVERDUE', 'WARNING', ?, 'passDown', '1', 'x')",
        [bureau.id, `hardening.${f.county}`],
      );
      notificationId = Number(inserted.insertId);
    });
    const readAt = async () =>
      (await api.dataSource.query('SELECT read_at FROM notification WHERE id = ?', [notificationId]))[0].read_at as Date | null;

    it('refuses an auditor marking notifications read (403), changing nothing', async () => {
      const auditor = await f.as(['AUDITOR'], f.bureau);
      const all = await auditor.post('/api/v1/notifications/read-all');
      const one = await auditor.post(`/api/v1/notifications/${notificationId}/read`);
      expect([all.status, one.status]).toEqual([403, 403]);
      expect(one.body).toMatchObject({ code: 'READ_ONLY_ROLE', details: [{ rule: 'readOnly' }] });
      expect(await readAt()).toBeNull();
      expect((await auditor.get('/api/v1/notifications')).status).toBe(200);
    });

    it('refuses an auditor every state-changing route its role reaches, except signing out and changing its own password', async () => {
      const auditor = await f.as(['AUDITOR'], f.bureau);
      const writes = routeAccess(api.app).filter(
        (r) =>
          !r.public &&
          r.rule &&
          !['GET', 'HEAD'].includes(r.method) &&
          (r.rule.roles === 'any' || r.rule.roles.includes('AUDITOR')) &&
          // Both touch only the caller's own session or password (access.e2e-spec checks the password change).
          r.path !== '/api/v1/auth/logout' &&
          r.path !== '/api/v1/auth/password',
      );
      expect(writes.length).toBeGreaterThanOrEqual(2);
      const answers: string[] = [];
      for (const route of writes) {
        const url = route.path.replace(':id', String(notificationId));
        if (url.includes('/:')) throw new Error(`no sample for ${route.path}`);
        answers.push(`${route.method} ${route.path}: ${(await auditor.call(route.method, url, {})).status}`);
      }
      expect(answers.filter((a) => !a.endsWith(': 403'))).toEqual([]);
      expect(await readAt()).toBeNull();

      const session = await ApiClient.signIn(api.baseUrl, auditor.username, TEST_PASSWORD);
      expect((await session.post('/api/v1/auth/logout')).status).toBe(204);
    });

    it('still lets a user who also holds a role that acts mark its notifications read', async () => {
      const both = await f.as(['BUREAU_APPROVER', 'AUDITOR'], f.bureau);
      expect((await both.post(`/api/v1/notifications/${notificationId}/read`)).status).toBe(200);
      expect(await readAt()).not.toBeNull();
    });
  });
});
