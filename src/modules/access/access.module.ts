import { Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import { IdempotencyInterceptor } from '../../common/idempotency.interceptor';
import { IdempotencyRepository } from '../../common/idempotency.repository';
import { FundYearModule } from '../fund-year';
import { RegistryModule } from '../registry';
import { AccessGuard } from './access.guard';
import { ApiTokenRepository } from './api-token.repository';
import { AuthSessionRepository } from './auth-session.repository';
import { ApiTokenService } from './api-token.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { CallerCache } from './caller-cache';
import { RateLimiter } from './rate-limiter';
import { ScopeResolver } from './scope-resolver';
import { ScopeTargetRepository } from './scope-target.repository';
import { ApiTokenController, UserController } from './user.controller';
import { UserRepository } from './user.repository';
import { UserService } from './user.service';

/** Sign-in, users, API tokens, and the guard every route passes through. */
@Module({
  imports: [DiscoveryModule, RegistryModule, FundYearModule],
  controllers: [AuthController, UserController, ApiTokenController],
  providers: [
    AuthService,
    UserService,
    ApiTokenService,
    ScopeResolver,
    UserRepository,
    AuthSessionRepository,
    ApiTokenRepository,
    ScopeTargetRepository,
    RateLimiter,
    CallerCache,
    IdempotencyRepository,
    { provide: APP_GUARD, useClass: AccessGuard },
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
  ],
  exports: [UserService],
})
export class AccessModule {}
