import { Scope } from '../../domain/access-policy';

/** The WHERE condition limiting an institution alias to a scope, for list queries. */
export function scopeWhere(scope: Scope, alias: string): [string, Record<string, number | number[]>] {
  switch (scope.kind) {
    case 'county':
      return [`${alias}.county_id = :scopeCounty`, { scopeCounty: scope.countyId }];
    case 'region':
      return [`${alias}.county_id IN (:...scopeCounties)`, { scopeCounties: scope.countyIds.length ? [...scope.countyIds] : [0] }];
    case 'community':
      return [`${alias}.community_id = :scopeCommunity`, { scopeCommunity: scope.communityId }];
    case 'township':
      return [`(${alias}.id = :scopeInstitution OR ${alias}.parent_id = :scopeInstitution)`, { scopeInstitution: scope.institutionId }];
    case 'self':
      return [`${alias}.id = :scopeInstitution`, { scopeInstitution: scope.institutionId }];
  }
}
