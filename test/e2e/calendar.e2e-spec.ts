import { createCommunityFixture, CommunityFixture } from '../support/registry-fixtures';
import { ApiClient, RunningApi, startApi } from '../support/test-app';

describe('working-day calendar over HTTP (SPEC §5)', () => {
  let api: RunningApi;
  let f: CommunityFixture;
  let clerk: ApiClient;
  let bureau: ApiClient;

  beforeAll(async () => {
    api = await startApi();
    f = await createCommunityFixture(api, 1);
    clerk = await f.as(['MEMBER_CLERK'], f.townships[0]);
    bureau = await f.as(['BUREAU_CLERK'], f.bureau);
  });
  afterAll(() => api.close());

  it('counts SPEC’s example over the National Day holidays and a make-up Saturday', async () => {
    const res = await clerk.get('/api/v1/calendar/deadline?from=2026-09-30&workingDays=5');
    expect(res.body).toEqual({ deadline: '2026-10-13', calendarConfirmed: true });
  });

  it('marks deadlines in a year without an official schedule as unconfirmed (weekends only)', async () => {
    const res = await clerk.get('/api/v1/calendar/deadline?from=2031-03-06&workingDays=1');
    expect(res.body).toEqual({ deadline: '2031-03-07', calendarConfirmed: false });
    expect((await clerk.get('/api/v1/calendar/years')).body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ year: 2026 })]),
    );
    expect((await clerk.get('/api/v1/calendar/years/2031')).status).toBe(404);
  });

  it('lets the bureau load a year’s schedule, which then decides and confirms deadlines', async () => {
    expect(
      (await clerk.call('PUT', '/api/v1/calendar/years/2031', { version: 0, holidays: ['2031-03-07'], makeUpWorkingDays: [] })).status,
    ).toBe(403);
    const weekday = await bureau.call('PUT', '/api/v1/calendar/years/2031', {
      version: 0,
      holidays: ['2031-03-07'],
      makeUpWorkingDays: ['2031-03-05'],
    });
    expect(weekday.status).toBe(422);
    expect(weekday.body.details).toEqual([expect.objectContaining({ field: 'makeUpWorkingDays.0', rule: 'weekend' })]);

    const loaded = await bureau.call('PUT', '/api/v1/calendar/years/2031', {
      version: 0,
      holidays: ['2031-03-07'],
      makeUpWorkingDays: ['2031-03-08'],
      note: '测试通知',
    });
    expect(loaded.status).toBe(200);
    expect(loaded.body).toMatchObject({
      year: 2031,
      source: 'bureau',
      version: 1,
      holidays: ['2031-03-07'],
      makeUpWorkingDays: ['2031-03-08'],
    });
    expect((await clerk.get('/api/v1/calendar/deadline?from=2031-03-06&workingDays=1')).body).toEqual({
      deadline: '2031-03-08',
      calendarConfirmed: true,
    });
    expect((await bureau.call('PUT', '/api/v1/calendar/years/2031', { version: 0, holidays: [], makeUpWorkingDays: [] })).status).toBe(409);
    const [audit] = await api.dataSource.query(
      "SELECT actor FROM audit_log WHERE action = 'calendar.load' AND entity_id = '2031' ORDER BY id DESC LIMIT 1",
    );
    expect(audit.actor).toBe(bureau.username);
  });

  it('refuses impossible dates and day counts', async () => {
    expect((await clerk.get('/api/v1/calendar/deadline?from=2026-02-30&workingDays=5')).status).toBe(422);
    expect((await clerk.get('/api/v1/calendar/deadline?from=2026-02-01&workingDays=-1')).status).toBe(400);
    expect((await clerk.get('/api/v1/calendar/deadline?from=tomorrow&workingDays=5')).body.details).toEqual([
      expect.objectContaining({ field: 'from', rule: 'matches' }),
    ]);
  });
});

describe('monthly cycle deadlines of a county (SPEC §4)', () => {
  let api: RunningApi;
  let f: CommunityFixture;

  beforeAll(async () => {
    api = await startApi();
    f = await createCommunityFixture(api, 1);
  });
  afterAll(() => api.close());

  it('moves the declaration deadline past the National Day holidays, and counts payment from it', async () => {
    const lead = await f.as(['LEAD_FINANCE'], f.lead);
    const res = await lead.get(`/api/v1/counties/${f.county}/periods/2026-09/deadlines`);
    expect(res.body).toMatchObject({
      period: '2026-09',
      memberCutoff: '2026-10-03',
      declaration: { deadline: '2026-10-08', calendarConfirmed: true },
      bureauPayment: { calendarConfirmed: true },
      passDownWorkingDays: 5,
    });
    const plain = await lead.get(`/api/v1/counties/${f.county}/periods/2026-06/deadlines`);
    expect(plain.body.declaration).toEqual({ deadline: '2026-07-06', calendarConfirmed: true });
    expect((await lead.get(`/api/v1/counties/${f.county}/periods/2026-13/deadlines`)).status).toBe(422);
  });
});
