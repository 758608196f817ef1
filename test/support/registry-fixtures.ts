import { Role } from '../../src/domain/access-policy';
import { UserService } from '../../src/modules/access/user.service';
import { CountyService } from '../../src/modules/registry/county.service';
import { InstitutionService } from '../../src/modules/registry/institution.service';
import { RegionService } from '../../src/modules/registry/region.service';
import { ApiClient, RunningApi, uniqueCode } from './test-app';

export const TEST_PASSWORD = 'test-password-0001';

export interface CommunityFixture {
  county: string;
  community: string;
  bureau: string;
  lead: string;
  townships: string[];
  /** Signed in as the county's ADMIN. */
  admin: ApiClient;
  /** Creates (once) a user with `roles` at `institution` and returns a signed-in client. */
  as(roles: Role[], institution: string): Promise<ApiClient>;
}

/**
 * A county with its bureau and ADMIN (provisioned directly, as an operator would), then one
 * community, its lead hospital and `townships` township centres created over HTTP by that ADMIN.
 */
export async function createCommunityFixture(api: RunningApi, townships = 2): Promise<CommunityFixture> {
  const county = uniqueCode('C');
  const bureau = `${county}-YBJ`;
  await api.app.get(CountyService).createCounty({ code: county, name: `测试县 ${county}` });
  await api.app.get(InstitutionService).create({ code: bureau, name: '县医保局', type: 'BUREAU', countyCode: county });
  const clients = new Map<string, ApiClient>();
  const as = async (roles: Role[], institution: string): Promise<ApiClient> => {
    const key = `${roles.join('+')}@${institution}`;
    const known = clients.get(key);
    if (known) return known;
    const username = `${roles.join('-').toLowerCase().replace(/_/g, '')}.${institution.toLowerCase()}`.slice(0, 64);
    await api.app
      .get(UserService)
      .create(null, { username, displayName: username, institutionCode: institution, roles, password: TEST_PASSWORD });
    const client = await ApiClient.signIn(api.baseUrl, username, TEST_PASSWORD);
    clients.set(key, client);
    return client;
  };
  const admin = await as(['ADMIN'], bureau);
  const community = `${county}-MC`;
  const lead = `${county}-LEAD`;
  await admin.must('POST', '/api/v1/communities', { code: community, name: `${county} 医共体`, countyCode: county });
  await admin.must('POST', '/api/v1/institutions', {
    code: lead,
    name: '县人民医院',
    type: 'LEAD_HOSPITAL',
    countyCode: county,
    communityCode: community,
  });
  const codes: string[] = [];
  for (let i = 1; i <= townships; i++) {
    const code = `${county}-TC-${i}`;
    await admin.must('POST', '/api/v1/institutions', {
      code,
      name: `乡镇卫生院 ${i}`,
      type: 'TOWNSHIP_CENTER',
      countyCode: county,
      communityCode: community,
    });
    codes.push(code);
  }
  return { county, community, bureau, lead, townships: codes, admin, as };
}

export interface RegionFixture {
  province: string;
  /** The province's bureau (省医保局) and finance bureau (省财政厅). */
  provinceBureau: string;
  provinceFinance: string;
  /** One prefecture per group of counties given, each with its bureau and finance bureau. */
  prefectures: { code: string; bureau: string; finance: string; counties: string[] }[];
  /** Signed in as the province's ADMIN. */
  admin: ApiClient;
  as(roles: Role[], institution: string): Promise<ApiClient>;
}

/**
 * A province (provisioned directly, with its bureau and ADMIN, as an operator would), then over
 * HTTP by that ADMIN: one prefecture per group of counties, each with its bureau and finance
 * bureau, the group's counties placed in it.
 */
export async function createRegionFixture(api: RunningApi, groups: { county: string }[][]): Promise<RegionFixture> {
  const province = uniqueCode('P');
  const regions = api.app.get(RegionService);
  await regions.createProvince({ code: province, name: `测试省 ${province}` });
  const provinceBureau = `${province}-YBJ`;
  const provinceFinance = `${province}-CZT`;
  await regions.createInstitution(null, 'PROVINCE', province, { code: provinceBureau, name: '省医疗保障局', type: 'PROVINCE_BUREAU' });
  const clients = new Map<string, ApiClient>();
  const as = async (roles: Role[], institution: string): Promise<ApiClient> => {
    const key = `${roles.join('+')}@${institution}`;
    const known = clients.get(key);
    if (known) return known;
    const username = `${roles.join('-').toLowerCase().replace(/_/g, '')}.${institution.toLowerCase()}`.slice(0, 64);
    await api.app
      .get(UserService)
      .create(null, { username, displayName: username, institutionCode: institution, roles, password: TEST_PASSWORD });
    const client = await ApiClient.signIn(api.baseUrl, username, TEST_PASSWORD);
    clients.set(key, client);
    return client;
  };
  const admin = await as(['ADMIN'], provinceBureau);
  await admin.must('POST', `/api/v1/provinces/${province}/institutions`, {
    code: provinceFinance,
    name: '省财政厅',
    type: 'FINANCE_BUREAU',
  });
  const prefectures: RegionFixture['prefectures'] = [];
  for (const [n, group] of groups.entries()) {
    const code = `${province}-S${n + 1}`;
    await admin.must('POST', '/api/v1/prefectures', { code, name: `测试州 ${code}`, provinceCode: province });
    const bureau = `${code}-YBJ`;
    const finance = `${code}-CZJ`;
    await admin.must('POST', `/api/v1/prefectures/${code}/institutions`, { code: bureau, name: '州医疗保障局', type: 'PREFECTURE_BUREAU' });
    await admin.must('POST', `/api/v1/prefectures/${code}/institutions`, { code: finance, name: '州财政局', type: 'FINANCE_BUREAU' });
    for (const c of group) await admin.must('PUT', `/api/v1/prefectures/${code}/counties`, { countyCode: c.county });
    prefectures.push({ code, bureau, finance, counties: group.map((c) => c.county) });
  }
  return { province, provinceBureau, provinceFinance, prefectures, admin, as };
}

/** F = 10 000.00, A = 1 500.00, B = 8 500.00 → M = 6 502.50 + 722.50 = 7 225.00; private pool 1 275.00. */
export const SMALL_COUNTY = {
  insuredCount: '100',
  perCapitaStandard: '100.00',
  interest: '0.00',
  criticalIllnessPremiumPerPerson: '0.00',
  familyDoctorFee: '0.00',
  policyAdjustmentExpenditure: '0.00',
};

/** F = 15 000 000, A = 2 250 000, B = 12 500 000 → base 9 562 500 + R 437 500 = M 10 000 000.00 (SPEC §7's package); private pool 1 875 000. */
export const TEN_MILLION_PACKAGE = {
  insuredCount: '20000',
  perCapitaStandard: '750.00',
  interest: '0.00',
  criticalIllnessPremiumPerPerson: '0.00',
  familyDoctorFee: '250000.00',
  policyAdjustmentExpenditure: '625000.00',
};

/** SPEC §3's public worked example. */
export const WORKED_EXAMPLE_INPUTS = {
  insuredCount: '312457',
  perCapitaStandard: '830.00',
  interest: '1234567.89',
  criticalIllnessPremiumPerPerson: '65.00',
  familyDoctorFee: '2849300.00',
  policyAdjustmentExpenditure: '1500000.00',
};

/** Drafts, submits and approves an allocation for the fixture's county (clerk makes, approver checks). */
export async function approvedAllocation(
  f: CommunityFixture,
  fundYear: number,
  inputs: Record<string, unknown> = WORKED_EXAMPLE_INPUTS,
): Promise<any> {
  const clerk = await f.as(['BUREAU_CLERK'], f.bureau);
  const approver = await f.as(['BUREAU_APPROVER'], f.bureau);
  const draft = await clerk.must('POST', '/api/v1/allocations', { countyCode: f.county, fundYear, ...inputs });
  const submitted = await clerk.must('POST', `/api/v1/allocations/${draft.id}/submit`, { version: draft.version });
  return approver.must('POST', `/api/v1/allocations/${draft.id}/approve`, { version: submitted.version });
}
