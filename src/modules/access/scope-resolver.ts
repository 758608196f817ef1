import { Injectable } from '@nestjs/common';
import {
  communityInScope,
  countyInScope,
  institutionInScope,
  normalizeUsername,
  regionInScope,
  Scope,
  ScopeTarget,
} from '../../domain/access-policy';
import { REGIONAL_TARGET_KINDS, TargetKind } from '../../common/access.decorators';
import { AllocationRepository } from '../fund-year';
import { BudgetPlanRepository } from '../fund-year';
import { CommunityRepository } from '../registry';
import { CountyRepository } from '../registry';
import { InstitutionRepository } from '../registry';
import { RegistryImportRepository } from '../registry';
import { RegionRepository } from '../registry';
import { ApiTokenRepository } from './api-token.repository';
import { ScopeTargetRepository } from './scope-target.repository';
import { PlacementRow, UserRepository } from './user.repository';

const placement = (row: PlacementRow): ScopeTarget => ({
  id: row.id,
  countyId: row.county_id,
  communityId: row.community_id,
  parentId: row.parent_id,
});

/**
 * Answers "may this scope touch the record this route parameter names?" for each kind of
 * record: `null` when the record does not exist (the route answers 404 itself).
 */
@Injectable()
export class ScopeResolver {
  constructor(
    private readonly institutions: InstitutionRepository,
    private readonly counties: CountyRepository,
    private readonly communities: CommunityRepository,
    private readonly registryImports: RegistryImportRepository,
    private readonly users: UserRepository,
    private readonly tokens: ApiTokenRepository,
    private readonly allocations: AllocationRepository,
    private readonly budgetPlans: BudgetPlanRepository,
    private readonly targets: ScopeTargetRepository,
    private readonly regions: RegionRepository,
  ) {}

  /**
   * `isRead`: a prefecture's or the province's user reads the county records below it but acts
   * only on its own level's records (SPEC §12): a county record it would change is out of scope.
   */
  async inScope(scope: Scope, kind: TargetKind, value: string, isRead = true): Promise<boolean | null> {
    const found = await this.resolve(scope, kind, value, isRead);
    if (found && scope.kind === 'region' && !isRead && !REGIONAL_TARGET_KINDS.includes(kind)) return false;
    return found;
  }

  private async resolve(scope: Scope, kind: TargetKind, value: string, isRead: boolean): Promise<boolean | null> {
    const id = Number(value) || 0;
    switch (kind) {
      case 'institution': {
        const target = await this.institutions.placementByCode(value);
        return target ? institutionInScope(scope, target) : null;
      }
      case 'user':
        return this.institution(scope, await this.users.placementOf(normalizeUsername(value)));
      case 'apiToken':
        return this.institution(scope, await this.tokens.placementOf(value));
      case 'county': {
        const county = await this.counties.findByCode(value);
        return county ? countyInScope(scope, county.id) : null;
      }
      case 'community': {
        const community = await this.communities.findByCode(value);
        return community ? communityInScope(scope, { id: community.id, countyId: community.countyId }) : null;
      }
      case 'intakeUpload':
        return this.institution(scope, await this.targets.intakeUploadSubmitter(value));
      case 'refundOrphan':
        return this.institution(scope, await this.targets.refundOrphanSubmitter(id));
      case 'allocation':
        return this.county(scope, await this.allocations.countyOf(id));
      case 'budgetPlan': {
        const community = await this.budgetPlans.communityOf(id);
        return community ? communityInScope(scope, community) : null;
      }
      case 'memberClaim':
        return this.institution(scope, await this.targets.memberClaimInstitution(value));
      case 'declaration':
        return this.community(scope, await this.targets.declarationCommunity(id));
      case 'hold':
        return this.community(scope, await this.targets.holdCommunity(id));
      case 'fundAnalysis':
        return this.community(scope, await this.targets.fundAnalysisCommunity(id));
      case 'yearEndSettlement':
        return this.county(scope, await this.targets.yearEndSettlementCounty(id));
      case 'dispute': {
        // The county's bodies and the lead unit reach every dispute of their community; a member
        // unit only those it filed or must rectify.
        const d = await this.targets.disputeParties(id);
        if (!d) return null;
        if (scope.kind === 'county' || scope.kind === 'community') return this.community(scope, d.community);
        return d.parties.some((p) => institutionInScope(scope, placement(p)));
      }
      case 'referral':
        return this.community(scope, await this.targets.referralCommunity(id));
      case 'surplusPlan':
        return this.community(scope, await this.targets.surplusPlanCommunity(id));
      case 'reserveUse':
        return this.county(scope, await this.targets.reserveUseCounty(id));
      case 'privatePayment':
        return this.institution(scope, await this.targets.privatePaymentInstitution(value));
      case 'passDownPayer':
        return this.institution(scope, await this.targets.passDownPayer(value));
      case 'passDown': {
        // Either end of a pass-down may read it: the payer and the payee.
        const payer = this.institution(scope, await this.targets.passDownPayer(value));
        if (payer !== false) return payer;
        return this.institution(scope, await this.targets.passDownPayee(value));
      }
      case 'prefecture': {
        const p = await this.regions.prefectureByCode(value);
        return p ? regionInScope(scope, { level: 'PREFECTURE', id: p.id, provinceId: p.provinceId }) : null;
      }
      case 'province': {
        const p = await this.regions.provinceByCode(value);
        if (!p) return null;
        if (regionInScope(scope, { level: 'PROVINCE', id: p.id, provinceId: null })) return true;
        // A prefecture reads its province (the fund's statement of its region), never changes it.
        return isRead && scope.kind === 'region' && (await this.regions.prefectureById(scope.regionId)).provinceId === p.id;
      }
      case 'citySharing': {
        // The prefecture (and its province) reach it; the county reads its own.
        const s = await this.targets.citySharingPlacement(id);
        if (!s) return null;
        if (scope.kind === 'region') return regionInScope(scope, { level: 'PREFECTURE', id: s.prefecture_id, provinceId: s.province_id });
        return isRead && scope.kind === 'county' && countyInScope(scope, s.county_id);
      }
      case 'provincialFund': {
        const provinceId = await this.targets.provincialFundProvince(id);
        if (provinceId === null) return null;
        if (scope.kind !== 'region') return false;
        if (scope.level === 'PROVINCE') return scope.regionId === provinceId;
        return isRead && (await this.regions.prefectureById(scope.regionId)).provinceId === provinceId;
      }
      case 'registryImport': {
        const countyId = await this.registryImports.countyOf(value);
        if (countyId === undefined) return null;
        return countyId !== null && countyInScope(scope, countyId);
      }
    }
  }

  private institution(scope: Scope, row: PlacementRow | null): boolean | null {
    return row ? institutionInScope(scope, placement(row)) : null;
  }

  private county(scope: Scope, countyId: number | null): boolean | null {
    return countyId === null ? null : countyInScope(scope, countyId);
  }

  private community(scope: Scope, row: { id: number; county_id: number } | null): boolean | null {
    return row ? communityInScope(scope, { id: row.id, countyId: row.county_id }) : null;
  }
}
