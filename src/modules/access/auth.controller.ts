import { NoQuery } from '../../common/validation';
import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Caller } from '../../common/caller';
import { currentCaller, currentContext } from '../../common/request-context';
import { Access, ANY_ROLE, Public } from '../../common/access.decorators';
import { AuthService, TokenPair } from './auth.service';
import { LoginDto, RefreshDto } from './dto/access.dto';
import { RateLimiter } from './rate-limiter';

@ApiTags('access')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly limiter: RateLimiter,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in; returns a short-lived access token and a refresh token' })
  @ApiUnauthorizedResponse({ description: 'unknown user or wrong password (the answer does not say which)' })
  async login(@Body() dto: LoginDto): Promise<TokenPair> {
    // dto.username is already in its one spelling (normalizeUsername), so every spelling shares one count.
    await this.limiter.consume(`login:${currentContext().ip}:${dto.username}`, this.limiter.loginLimit);
    return this.auth.login(dto.username, dto.password);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a refresh token for a new pair; the old refresh token stops working' })
  refresh(@Body() dto: RefreshDto): Promise<TokenPair> {
    return this.auth.refresh(dto.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @Access({ roles: ANY_ROLE, openToReadOnly: 'signing out ends only the caller’s own session' })
  @ApiOperation({ summary: 'End this session: its access and refresh tokens stop working at once' })
  async logout(): Promise<void> {
    await this.auth.logout(currentCaller());
  }

  @Get('me')
  @ApiBearerAuth()
  @Access({ roles: ANY_ROLE })
  @ApiOperation({ summary: 'Who the token belongs to, with institution and roles' })
  me(@Query() _query: NoQuery): Pick<Caller, 'kind' | 'name' | 'roles'> & { institutionCode: string; institutionType: string } {
    const c = currentCaller();
    return { kind: c.kind, name: c.name, roles: c.roles, institutionCode: c.institution.code, institutionType: c.institution.type };
  }
}
