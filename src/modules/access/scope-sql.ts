import { Scope } from '../../domain/access-policy';

/** The WHERE condition limiting an institution alias to a scope, for list queries. */
export function scopeWhere(scope: Scope, alias: string): [string, Record<string, number | number[]>] {
  switch (scope.kind) {
    case 'county':
      return [`${alias}.county_id = :scopeCounty`, { scopeCounty: scope.countyId }];
    case 'region':
      // The counties below the level and the level's own institutions.
      return [
        `(${alias}.county_id IN (:...scopeCounties) OR ${alias}.${scope.level === 'PREFECTURE' ? 'prefecture_id' : 'province_id'} = :scopeRegion)`,
        { scopeCounties: scope.countyIds.length ? [...scope.countyIds] : [0], scopeRegion: scope.regionId },
      ];
    case 'community':
      return [`${alias}.community_id = :scopeCommunity`, { scopeCommunity: scope.communityId }];
    case 'township':
      return [`(${alias}.id = :scopeInstitution OR ${alias}.parent_id = :scopeInstitution)`, { scopeInstitution: scope.institutionId }];
    case 'self':
      return [`${alias}.id = :scopeInstitution`, { scopeInstitution: scope.institutionId }];
  }
}
