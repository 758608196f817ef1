import { Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import { IdempotencyInterceptor } from '../../common/idempotency.interceptor';
import { IdempotencyRepository } from '../../common/idempotency.repository';
import { AccessGuard } from './access.guard';
import { ApiTokenService } from './api-token.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { RateLimiter } from './rate-limiter';
import { ScopeResolver } from './scope-resolver';
import { ApiTokenController, UserController } from './user.controller';
import { UserService } from './user.service';

/** Sign-in, users, API tokens, and the guard every route passes through. */
@Module({
  imports: [DiscoveryModule],
  controllers: [AuthController, UserController, ApiTokenController],
  providers: [
    AuthService,
    UserService,
    ApiTokenService,
    ScopeResolver,
    RateLimiter,
    IdempotencyRepository,
    { provide: APP_GUARD, useClass: AccessGuard },
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
  ],
  exports: [UserService],
})
export class AccessModule {}
