import { BusinessClock } from '../../src/common/business-clock';
import { Money } from '../../src/domain/money';
import { CommunityFixture } from './registry-fixtures';
import { outpatientRecord } from './settlement-records';
import { ApiClient } from './test-app';

/** An October 2026 outpatient record whose fund pays all of `amount`. */
export function paidRecord(externalId: string, unitCode: string, amount: string): Record<string, unknown> {
  return outpatientRecord(externalId, unitCode, {
    totalCost: amount,
    coveredCost: amount,
    fundPaid: amount,
    medicalAidPaid: '0.00',
    selfPaid: '0.00',
  });
}

/**
 * Runs October 2026 through the monthly cycle up to the bureau's approval, every record
 * accepted: each clerk submits its records and its claim, the lead unit pre-reviews and
 * declares on 4 November, the bureau clerk reviews. Returns the reviewed declaration.
 */
export async function reviewOctober(
  f: CommunityFixture,
  clock: BusinessClock,
  submissions: [ApiClient, Record<string, unknown>[]][],
): Promise<any> {
  clock.fix('2026-10-31');
  for (const [client, records] of submissions) {
    await client.must('POST', '/api/v1/settlement-records', { records });
    const [claim] = await client.items('/api/v1/member-claims?period=2026-10');
    await client.must('POST', `/api/v1/member-claims/${claim.id}/submit`, { version: claim.version });
  }
  const lead = await f.as(['LEAD_FINANCE'], f.lead);
  for (const c of await lead.items('/api/v1/member-claims?period=2026-10&state=SUBMITTED')) {
    await lead.must('POST', `/api/v1/member-claims/${c.id}/complete-review`, { version: c.version, acceptPending: true });
  }
  clock.fix('2026-11-04');
  const declared = await lead.must('POST', `/api/v1/communities/${f.community}/declarations`, { period: '2026-10' });
  return (await f.as(['BUREAU_CLERK'], f.bureau)).must('POST', `/api/v1/declarations/${declared.id}/complete-review`, {
    version: declared.version,
  });
}

/** October 2026 as `reviewOctober` runs it, then approved by a bureau approver. Returns the approved declaration. */
export async function approveOctober(
  f: CommunityFixture,
  clock: BusinessClock,
  submissions: [ApiClient, Record<string, unknown>[]][],
): Promise<any> {
  const reviewed = await reviewOctober(f, clock, submissions);
  return (await f.as(['BUREAU_APPROVER'], f.bureau)).must('POST', `/api/v1/declarations/${reviewed.id}/approve`, {
    version: reviewed.version,
  });
}

/** Out-of-county settlements of October 2026 the bureau imports, `count` of `each` yuan. */
export async function importOutOfCounty(f: CommunityFixture, count: number, each: string): Promise<any> {
  const clerk = await f.as(['BUREAU_CLERK'], f.bureau);
  const records = Array.from({ length: count }, (_, i) => ({
    externalId: `OC-${String(i + 1).padStart(4, '0')}`,
    hospitalName: '昆明医科大学第一附属医院',
    insuredId: `5329271980010${String(i + 1).padStart(5, '0')}`,
    settlementDate: '2026-10-12',
    totalCost: Money.of(each).toString(),
    fundPaid: Money.of(each).toString(),
  }));
  return clerk.must('POST', `/api/v1/communities/${f.community}/out-of-county-settlements`, { period: '2026-10', records });
}

/** Waits until `probe` answers something other than undefined (jobs run in a worker). */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
