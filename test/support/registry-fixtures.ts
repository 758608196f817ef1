import { http, uniqueCode } from './test-app';

export interface CommunityFixture {
  county: string;
  community: string;
  lead: string;
  townships: string[];
}

/** A county with one community, its lead hospital and `townships` township centres, created over HTTP. */
export async function createCommunityFixture(baseUrl: string, townships = 2): Promise<CommunityFixture> {
  const county = uniqueCode('C');
  const community = `${county}-MC`;
  const lead = `${county}-LEAD`;
  const must = async (path: string, body: unknown) => {
    const res = await http(baseUrl, 'POST', path, body);
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  };
  await must('/api/v1/counties', { code: county, name: `测试县 ${county}` });
  await must('/api/v1/communities', { code: community, name: `${county} 医共体`, countyCode: county });
  await must('/api/v1/institutions', { code: lead, name: '县人民医院', type: 'LEAD_HOSPITAL', countyCode: county, communityCode: community });
  const codes: string[] = [];
  for (let i = 1; i <= townships; i++) {
    const code = `${county}-TC-${i}`;
    await must('/api/v1/institutions', { code, name: `乡镇卫生院 ${i}`, type: 'TOWNSHIP_CENTER', countyCode: county, communityCode: community });
    codes.push(code);
  }
  return { county, community, lead, townships: codes };
}
