import { Role } from '../domain/access-policy';
import { InstitutionRow } from '../modules/registry';

/** A demo county modelled on Weishan (巍山县, seed 002): ten townships, their village clinics, two private hospitals. */
export const DEMO_COUNTY = { code: 'WS', name: '巍山彝族回族自治县', regionCode: '532927' };
export const DEMO_COMMUNITY = { code: 'WS-MC', name: '巍山县县域医疗卫生共同体', countyCode: 'WS' };

const TOWNSHIPS: [string, string[]][] = [
  ['南诏镇', ['北门', '西边', '南山', '古城', '东莲花']],
  ['庙街镇', ['庙街', '盟石', '古城', '云鹤']],
  ['大仓镇', ['大仓', '新胜', '小三家', '甸中', '启明']],
  ['永建镇', ['永建', '东莲花', '小围埂', '回辉登']],
  ['巍宝山乡', ['巍宝', '新村', '营盘', '龙街']],
  ['马鞍山乡', ['马鞍山', '青云', '中和', '河底']],
  ['紫金乡', ['紫金', '光明', '大理石', '平安']],
  ['五印乡', ['五印', '新塘子', '合作', '赵家']],
  ['牛街乡', ['牛街', '茶山', '昔木', '联合', '龙潭']],
  ['青华乡', ['青华', '吉祥', '三胜', '石佛']],
];

const county = DEMO_COUNTY.code;
const mc = DEMO_COMMUNITY.code;
const pad = (n: number) => String(n).padStart(2, '0');

export const DEMO_INSTITUTIONS: InstitutionRow[] = [
  { code: 'WS-YBJ', name: '巍山县医疗保障局', type: 'BUREAU', countyCode: county, communityCode: null, parentCode: null },
  { code: 'WS-RMYY', name: '巍山县人民医院', type: 'LEAD_HOSPITAL', countyCode: county, communityCode: mc, parentCode: null },
  { code: 'WS-ZYY', name: '巍山县中医医院', type: 'COUNTY_HOSPITAL', countyCode: county, communityCode: mc, parentCode: null },
  ...TOWNSHIPS.flatMap(([township, villages], t): InstitutionRow[] => [
    {
      code: `WS-TC-${pad(t + 1)}`,
      name: `${township}卫生院`,
      type: 'TOWNSHIP_CENTER',
      countyCode: county,
      communityCode: mc,
      parentCode: null,
    },
    ...villages.map((village, v): InstitutionRow => ({
      code: `WS-VC-${pad(t + 1)}-${pad(v + 1)}`,
      name: `${township}${village}村卫生室`,
      type: 'VILLAGE_CLINIC',
      countyCode: county,
      communityCode: mc,
      parentCode: `WS-TC-${pad(t + 1)}`,
    })),
  ]),
  { code: 'WS-MY-01', name: '巍山仁和医院', type: 'PRIVATE_DESIGNATED', countyCode: county, communityCode: null, parentCode: null },
  { code: 'WS-MY-02', name: '巍山康复医院', type: 'PRIVATE_DESIGNATED', countyCode: county, communityCode: null, parentCode: null },
  { code: 'WS-CZJ', name: '巍山县财政局', type: 'FINANCE_BUREAU', countyCode: county, communityCode: null, parentCode: null },
  {
    code: 'DL-YBJ',
    name: '大理白族自治州医疗保障局',
    type: 'PREFECTURE_BUREAU',
    countyCode: county,
    communityCode: null,
    parentCode: null,
  },
  { code: 'WS-WJJ', name: '巍山县卫生健康局', type: 'HEALTH_BUREAU', countyCode: county, communityCode: null, parentCode: null },
  { code: 'WS-ZF', name: '巍山县人民政府', type: 'COUNTY_GOVERNMENT', countyCode: county, communityCode: null, parentCode: null },
  { code: 'WS-PSWYH', name: '巍山县医共体评审委员会', type: 'REVIEW_COMMITTEE', countyCode: county, communityCode: null, parentCode: null },
];

/** Password of every demo user; the demo is for evaluation only. */
export const DEMO_PASSWORD = 'cbm-demo-2026';

/** One demo user per role (README lists them). */
export const DEMO_USERS: { username: string; displayName: string; institutionCode: string; roles: Role[] }[] = [
  { username: 'ws.admin', displayName: '系统管理员', institutionCode: 'WS-YBJ', roles: ['ADMIN'] },
  { username: 'ws.bureau.clerk', displayName: '医保局经办', institutionCode: 'WS-YBJ', roles: ['BUREAU_CLERK'] },
  { username: 'ws.bureau.approver', displayName: '医保局审核', institutionCode: 'WS-YBJ', roles: ['BUREAU_APPROVER'] },
  { username: 'ws.auditor', displayName: '审计', institutionCode: 'WS-YBJ', roles: ['AUDITOR'] },
  { username: 'ws.lead.finance', displayName: '人民医院财务科', institutionCode: 'WS-RMYY', roles: ['LEAD_FINANCE'] },
  { username: 'ws.tcm.clerk', displayName: '中医医院医保办', institutionCode: 'WS-ZYY', roles: ['MEMBER_CLERK'] },
  { username: 'ws.tc01.clerk', displayName: '南诏镇卫生院医保员', institutionCode: 'WS-TC-01', roles: ['MEMBER_CLERK'] },
  { username: 'ws.vc0101.clerk', displayName: '北门村卫生室', institutionCode: 'WS-VC-01-01', roles: ['VILLAGE_CLERK'] },
  { username: 'ws.private01.clerk', displayName: '仁和医院医保办', institutionCode: 'WS-MY-01', roles: ['PRIVATE_CLERK'] },
  { username: 'ws.finance.approver', displayName: '财政局', institutionCode: 'WS-CZJ', roles: ['APPROVER'] },
  { username: 'dl.prefecture.approver', displayName: '州医保局', institutionCode: 'DL-YBJ', roles: ['APPROVER'] },
  { username: 'ws.health.approver', displayName: '卫健局', institutionCode: 'WS-WJJ', roles: ['APPROVER'] },
  { username: 'ws.gov.approver', displayName: '县政府', institutionCode: 'WS-ZF', roles: ['APPROVER'] },
  { username: 'ws.review.approver', displayName: '评审委员会', institutionCode: 'WS-PSWYH', roles: ['APPROVER'] },
];

/**
 * The claiming clerks the fund year in progress needs besides `ws.tc01.clerk` and `ws.tcm.clerk`:
 * the lead hospital's own and one per other township. Created with the year only (the registry-only
 * demo leaves townships 02–10 without a clerk, as the walkthrough expects).
 */
export const DEMO_YEAR_USERS: typeof DEMO_USERS = [
  { username: 'ws.rmyy.clerk', displayName: '人民医院医保办', institutionCode: 'WS-RMYY', roles: ['MEMBER_CLERK'] },
  ...TOWNSHIPS.slice(1).map(([township], t) => ({
    username: `ws.tc${pad(t + 2)}.clerk`,
    displayName: `${township}卫生院医保员`,
    institutionCode: `WS-TC-${pad(t + 2)}`,
    roles: ['MEMBER_CLERK'] as Role[],
  })),
];

/** The demo's levels above the county (SPEC §12): Yunnan province, Dali prefecture, Weishan and its sibling Yangbi. */
export const DEMO_PROVINCE = { code: 'YN', name: '云南省', regionCode: '530000' };
export const DEMO_PREFECTURE = { code: 'DL', name: '大理白族自治州', regionCode: '532900', provinceCode: 'YN' };
export const DEMO_SIBLING_COUNTY = { code: 'YP', name: '漾濞彝族自治县', regionCode: '532922' };
export const DEMO_SIBLING_BUREAU = { code: 'YP-YBJ', name: '漾濞县医疗保障局', type: 'BUREAU' as const, countyCode: 'YP' };
export const DEMO_REGIONAL_INSTITUTIONS = [
  { level: 'PROVINCE' as const, region: 'YN', code: 'YN-YBJ', name: '云南省医疗保障局', type: 'PROVINCE_BUREAU' as const },
  { level: 'PROVINCE' as const, region: 'YN', code: 'YN-CZT', name: '云南省财政厅', type: 'FINANCE_BUREAU' as const },
  { level: 'PREFECTURE' as const, region: 'DL', code: 'DL-ZYB', name: '大理州医疗保障局 (州级统筹)', type: 'PREFECTURE_BUREAU' as const },
  { level: 'PREFECTURE' as const, region: 'DL', code: 'DL-ZCZ', name: '大理州财政局', type: 'FINANCE_BUREAU' as const },
];

/** Users of the prefecture and the province, and of the sibling county's bureau. */
export const DEMO_REGION_USERS: typeof DEMO_USERS = [
  { username: 'yn.admin', displayName: '省医保局系统管理员', institutionCode: 'YN-YBJ', roles: ['ADMIN'] },
  { username: 'yn.bureau.clerk', displayName: '省医保局经办', institutionCode: 'YN-YBJ', roles: ['BUREAU_CLERK'] },
  { username: 'yn.bureau.approver', displayName: '省医保局审核', institutionCode: 'YN-YBJ', roles: ['BUREAU_APPROVER'] },
  { username: 'dl.bureau.clerk', displayName: '州医保局经办', institutionCode: 'DL-ZYB', roles: ['BUREAU_CLERK'] },
  { username: 'dl.auditor', displayName: '州医保局稽核', institutionCode: 'DL-ZYB', roles: ['AUDITOR'] },
  { username: 'dl.finance.approver', displayName: '州财政局', institutionCode: 'DL-ZCZ', roles: ['APPROVER'] },
  { username: 'yp.bureau.clerk', displayName: '漾濞县医保局经办', institutionCode: 'YP-YBJ', roles: ['BUREAU_CLERK'] },
];
