import { NoQuery } from '../../common/validation';
import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { InputValidationError } from '../../common/api-error';
import { Caller } from '../../common/caller';
import { currentCaller, currentContext } from '../../common/request-context';
import { Access, ANY_ROLE, Public } from '../../common/access.decorators';
import { AuthService, TokenPair } from './auth.service';
import { ChangeOwnPasswordDto, LoginDto, RefreshDto } from './dto/access.dto';
import { TokenPairResponse, WhoAmIResponse } from './dto/access.responses';
import { RateLimiter } from './rate-limiter';
import { clearedRefreshCookie, refreshCookie, refreshTokenFromCookies } from './refresh-cookie';
import { AppConfig, APP_CONFIG } from '../../config/app-config';

/** A pair whose refresh token went into the browser's cookie: the answer does not repeat it. */
type BrowserTokens = Omit<TokenPair, 'refreshToken'>;

@ApiTags('access')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Puts the refresh token into the browser's cookie and leaves it out of the answer. */
  private toCookie(reply: FastifyReply, pair: TokenPair): BrowserTokens {
    const { refreshToken, ...rest } = pair;
    void reply.header('set-cookie', refreshCookie(refreshToken, this.config.auth.refreshTtlSeconds));
    return rest;
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in; returns a short-lived access token and a refresh token' })
  @ApiOkResponse({ type: TokenPairResponse })
  @ApiUnauthorizedResponse({ description: 'unknown user or wrong password (the answer does not say which)' })
  async login(@Body() dto: LoginDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<TokenPair | BrowserTokens> {
    // dto.username is already in its one spelling (normalizeUsername), so every spelling shares one count.
    await this.limiter.consume(`login:${currentContext().ip}:${dto.username}`, this.limiter.loginLimit);
    const pair = await this.auth.login(dto.username, dto.password);
    return dto.session === 'cookie' ? this.toCookie(reply, pair) : pair;
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Exchange a refresh token (in the body, or the browser’s refresh cookie when the body has none) for a new pair; the old refresh token stops working',
  })
  @ApiOkResponse({ type: TokenPairResponse })
  async refresh(
    @Body() dto: RefreshDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenPair | BrowserTokens> {
    if (dto.refreshToken !== undefined) return this.auth.refresh(dto.refreshToken);
    const fromCookie = refreshTokenFromCookies(req.headers.cookie);
    if (fromCookie === undefined)
      throw new InputValidationError([
        { field: 'refreshToken', rule: 'isDefined', message: 'refreshToken is required (or the refresh cookie of a browser sign-in)' },
      ]);
    try {
      return this.toCookie(reply, await this.auth.refresh(fromCookie));
    } catch (err) {
      // A dead cookie is removed, so the browser stops presenting it.
      void reply.header('set-cookie', clearedRefreshCookie());
      throw err;
    }
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @Access({ roles: ANY_ROLE, openToReadOnly: 'signing out ends only the caller’s own session' })
  @ApiOperation({ summary: 'End this session: its access and refresh tokens stop working at once' })
  async logout(@Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.auth.logout(currentCaller());
    void reply.header('set-cookie', clearedRefreshCookie());
  }

  @Post('password')
  @HttpCode(204)
  @ApiBearerAuth()
  @Access({ roles: ANY_ROLE, openToReadOnly: 'changing one’s own password changes no business record' })
  @ApiOperation({
    summary:
      'Change your own password (the current one is asked for again); every other session of yours ends. An administrator resets others’ at POST /users/{username}/password',
  })
  async changePassword(@Body() dto: ChangeOwnPasswordDto): Promise<void> {
    await this.auth.changeOwnPassword(currentCaller(), dto.currentPassword, dto.password);
  }

  @Get('me')
  @ApiBearerAuth()
  @Access({ roles: ANY_ROLE })
  @ApiOperation({ summary: 'Who the token belongs to, with institution and roles' })
  @ApiOkResponse({ type: WhoAmIResponse })
  me(@Query() _query: NoQuery): Pick<Caller, 'kind' | 'name' | 'roles'> & { institutionCode: string; institutionType: string } {
    const c = currentCaller();
    return { kind: c.kind, name: c.name, roles: c.roles, institutionCode: c.institution.code, institutionType: c.institution.type };
  }
}
