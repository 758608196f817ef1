import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { decideRouteAccess, RouteDenial, routeRefusal, unauthenticated } from '../../domain/access-policy';
import { currentContext } from '../../common/request-context';
import { AuditService } from '../audit';
import { ACCESS_RULE, AccessRule, PUBLIC_ROUTE } from '../../common/access.decorators';
import { AuthService, METRICS_SCRAPER } from './auth.service';
import { RateLimiter } from './rate-limiter';
import { ScopeResolver } from './scope-resolver';

/**
 * The one access layer for every route: authenticate the bearer token, apply the rate
 * limit, check the route's roles, and check that the record named in the path lies within
 * the caller's scope (out-of-scope reads answer 404, actions 403). Denials are audited.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger(AccessGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly scopes: ScopeResolver,
    private readonly audit: AuditService,
    private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const ctx = currentContext();
    // Public routes: health probes must never be throttled; sign-in has its own limit per address and username.
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const header = request.headers.authorization;
    const bearer = typeof header === 'string' && /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!bearer) throw unauthenticated();
    const rule = this.reflector.get<AccessRule | undefined>(ACCESS_RULE, context.getHandler());
    // The deployment's scrape token is no caller: it opens the routes that name it and is an unknown bearer elsewhere.
    if (rule?.metricsScrape && this.auth.isMetricsScrapeToken(bearer)) {
      ctx.actor = METRICS_SCRAPER;
      await this.limiter.consume(METRICS_SCRAPER);
      return true;
    }
    const caller = await this.auth.authenticate(bearer);
    ctx.caller = caller;
    ctx.actor = caller.name;
    ctx.actorInstitution = caller.institution.code;
    await this.limiter.consume(caller.kind === 'user' ? `user:${caller.userId}` : caller.name);

    const action = `${request.method} ${request.routeOptions.url ?? request.url}`;
    if (!rule) this.logger.error(`route ${action} declares no @Access rule; refusing everyone`);
    const facts = {
      roles: rule ? rule.roles : null,
      callerRoles: caller.roles,
      callerInstitutionCode: caller.institution.code,
      isRead: request.method === 'GET' || request.method === 'HEAD',
      openToReadOnly: Boolean(rule?.openToReadOnly),
    };
    // The record named in the path is looked up only once the route and role allow the caller.
    let denial = decideRouteAccess(facts);
    if (!denial && rule?.target) {
      const value = (request.params as Record<string, string>)[rule.target.param];
      const inScope = value === undefined ? null : await this.scopes.inScope(caller.scope, rule.target.kind, value, facts.isRead);
      denial = decideRouteAccess({ ...facts, target: { kind: rule.target.kind, value, inScope } });
    }
    if (denial) return this.deny(action, denial);
    return true;
  }

  private async deny(action: string, denial: RouteDenial): Promise<never> {
    await this.audit.recordStandalone({
      action: `denied ${action}`.slice(0, 64),
      entityType: denial.entityType,
      entityId: denial.entityId,
      before: null,
      after: { code: denial.code },
      outcome: 'DENIED',
    });
    throw routeRefusal(denial);
  }
}
