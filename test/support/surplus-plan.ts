import { CommunityFixture } from './registry-fixtures';

/** The county's health bureau and government, each with an APPROVER, as the demo county has them (created once). */
export async function surplusPlanBodies(f: CommunityFixture) {
  for (const [suffix, type, name] of [
    ['WJJ', 'HEALTH_BUREAU', '县卫生健康局'],
    ['ZF', 'COUNTY_GOVERNMENT', '县人民政府'],
  ]) {
    const code = `${f.county}-${suffix}`;
    if ((await f.admin.get(`/api/v1/institutions/${code}`)).status === 404)
      await f.admin.must('POST', '/api/v1/institutions', { code, name, type, countyCode: f.county });
  }
  return {
    lead: await f.as(['LEAD_FINANCE'], f.lead),
    bureau: await f.as(['BUREAU_APPROVER'], f.bureau),
    health: await f.as(['APPROVER'], `${f.county}-WJJ`),
    government: await f.as(['APPROVER'], `${f.county}-ZF`),
  };
}

/**
 * Runs the community's surplus plan for a year that ends in surplus through its whole chain with
 * the default proposal's amounts (or `units`): drafted by the lead unit, reviewed by the bureau
 * and the health bureau, approved by the county government, executed. Returns the executed plan.
 * The year end is then drafted again with the plan applied and may be approved.
 */
export async function executeSurplusPlan(
  f: CommunityFixture,
  fundYear: number,
  units?: { institutionCode: string; amount: string }[],
): Promise<any> {
  const who = await surplusPlanBodies(f);
  let plan = await who.lead.must('POST', `/api/v1/communities/${f.community}/surplus-plans`, {
    fundYear,
    councilDecision: `医共体理事会 ${fundYear} 年度结余分配决议`,
    ...(units ? { units } : {}),
  });
  plan = await who.lead.must('POST', `/api/v1/surplus-plans/${plan.id}/submit`, { version: plan.version });
  plan = await who.bureau.must('POST', `/api/v1/surplus-plans/${plan.id}/approve`, { version: plan.version, step: 'bureauReviews' });
  plan = await who.health.must('POST', `/api/v1/surplus-plans/${plan.id}/approve`, { version: plan.version, step: 'healthBureauReviews' });
  plan = await who.government.must('POST', `/api/v1/surplus-plans/${plan.id}/approve`, {
    version: plan.version,
    step: 'governmentApproves',
  });
  return who.lead.must('POST', `/api/v1/surplus-plans/${plan.id}/execute`, { version: plan.version });
}

/** A draft surplus plan stored as it is (for route walks that need one to read): its chain and one line for `unitId`. */
export async function storedSurplusPlan(
  ds: { query(sql: string, args?: unknown[]): Promise<any> },
  ids: { county: number; community: number; unit: number },
): Promise<number> {
  const chain = await ds.query("INSERT INTO governance_chain (kind, county_id, status) VALUES ('SURPLUS_PLAN', ?, 'DRAFT')", [ids.county]);
  const plan = await ds.query(
    "INSERT INTO surplus_plan (chain_id, county_id, community_id, fund_year, surplus, council_decision, created_by) VALUES (?, ?, ?, 2025, '1000.00', '决议', 'x')",
    [chain.insertId, ids.county, ids.community],
  );
  await ds.query("INSERT INTO surplus_plan_line (plan_id, institution_id, proposed, amount) VALUES (?, ?, '1000.00', '1000.00')", [
    plan.insertId,
    ids.unit,
  ]);
  return Number(plan.insertId);
}
