import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/domain-error';
import { currentContext } from '../../common/request-context';
import { AuditService } from '../audit/audit.service';
import { ACCESS_RULE, AccessRule, PUBLIC_ROUTE } from '../../common/access.decorators';
import { AuthService, unauthenticated } from './auth.service';
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
    const caller = await this.auth.authenticate(bearer);
    ctx.caller = caller;
    ctx.actor = caller.name;
    ctx.actorInstitution = caller.institution.code;
    await this.limiter.consume(caller.kind === 'user' ? `user:${caller.userId}` : caller.name);

    const rule = this.reflector.get<AccessRule | undefined>(ACCESS_RULE, context.getHandler());
    const action = `${request.method} ${request.routeOptions.url ?? request.url}`;
    if (!rule) {
      this.logger.error(`route ${action} declares no @Access rule; refusing everyone`);
      return this.deny(action, 'route', '', 'ROUTE_NOT_OPEN', 'this endpoint is not open to any role');
    }
    if (rule.roles !== 'any' && !rule.roles.some((r) => caller.roles.includes(r))) {
      return this.deny(action, 'route', '', 'ROLE_NOT_ALLOWED', `this action needs one of the roles ${rule.roles.join(', ')}`);
    }
    if (rule.target) {
      const value = (request.params as Record<string, string>)[rule.target.param];
      const inScope = value === undefined ? null : await this.scopes.inScope(caller.scope, rule.target.kind, value);
      if (inScope === false) {
        const isRead = request.method === 'GET' || request.method === 'HEAD';
        return isRead
          ? this.deny(action, rule.target.kind, value, 'NOT_FOUND', `${rule.target.kind} ${value} does not exist`, 'not_found')
          : this.deny(
              action,
              rule.target.kind,
              value,
              'OUT_OF_SCOPE',
              `${rule.target.kind} ${value} is outside what ${caller.institution.code} may act on`,
            );
      }
    }
    return true;
  }

  private async deny(
    action: string,
    entityType: string,
    entityId: string,
    code: string,
    message: string,
    kind: 'forbidden' | 'not_found' = 'forbidden',
  ): Promise<never> {
    await this.audit.recordStandalone({
      action: `denied ${action}`.slice(0, 64),
      entityType,
      entityId,
      before: null,
      after: { code },
      outcome: 'DENIED',
    });
    throw new DomainError(
      code,
      kind,
      message,
      kind === 'not_found' ? [] : [{ field: '', rule: code === 'ROLE_NOT_ALLOWED' ? 'role' : 'scope', message }],
    );
  }
}
