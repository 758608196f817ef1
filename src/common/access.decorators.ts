import { SetMetadata } from '@nestjs/common';
import { Role } from '../domain/access-policy';

export const ACCESS_RULE = Symbol('ACCESS_RULE');
export const PUBLIC_ROUTE = Symbol('PUBLIC_ROUTE');

/** Kinds of record a route parameter can name; each has a scope resolver in ScopeResolver. */
export type TargetKind =
  | 'institution'
  | 'county'
  | 'community'
  | 'registryImport'
  | 'user'
  | 'apiToken'
  | 'allocation'
  | 'budgetPlan'
  | 'intakeUpload'
  | 'refundOrphan'
  | 'memberClaim'
  | 'declaration'
  | 'passDown'
  | 'passDownPayer'
  | 'hold'
  | 'privatePayment'
  | 'fundAnalysis'
  | 'yearEndSettlement'
  | 'reserveUse'
  | 'dispute'
  | 'referral'
  | 'surplusPlan'
  | 'prefecture'
  | 'province'
  | 'citySharing'
  | 'provincialFund';

/** Target kinds that are records of a level above the county (SPEC §12): acted on from that level. */
export const REGIONAL_TARGET_KINDS: readonly TargetKind[] = ['prefecture', 'province', 'citySharing', 'provincialFund'];

export interface AccessRule {
  /** Roles allowed to call the route; `any` for every signed-in role. */
  roles: readonly Role[] | 'any';
  /** The route parameter naming the record acted on, checked against the caller's scope. */
  target?: { kind: TargetKind; param: string };
  /**
   * Why the path names data that belongs to no institution (e.g. the national holiday
   * calendar), so no scope applies. Declared, so that reviewers and the authorization
   * tests can see every such exception.
   */
  shared?: string;
  /**
   * Why a route that changes state is open to callers whose roles change nothing (AUDITOR):
   * e.g. signing out ends only the caller's own session. Without it such callers get 403.
   */
  openToReadOnly?: string;
  /**
   * Why the route also answers the configured metrics scrape token (METRICS_TOKEN): a
   * credential of the deployment, not of any user or institution, that opens no other route.
   */
  metricsScrape?: string;
}

/**
 * Declares who may call a route. A route without `@Access` or `@Public` is refused for
 * everyone, so a new endpoint is closed until someone decides who may use it.
 */
export const Access = (rule: AccessRule): MethodDecorator => SetMetadata(ACCESS_RULE, rule);

/** Reachable without signing in (health, sign-in itself). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

export const ANY_ROLE = 'any' as const;
