import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiTokenResponse, CreatedApiTokenResponse, UserResponse } from './dto/access.responses';
import { ApiPageResponse, Page, PageQuery } from '../../common/pagination';
import { currentCaller } from '../../common/request-context';
import { Access } from '../../common/access.decorators';
import { ApiTokenService, ApiTokenView } from './api-token.service';
import { CreateApiTokenDto, CreateUserDto, SetPasswordDto, UpdateUserDto, UserQuery } from './dto/access.dto';
import { UserService, UserView } from './user.service';

@ApiTags('access')
@ApiBearerAuth()
@Controller('users')
export class UserController {
  constructor(private readonly users: UserService) {}

  @Post()
  @Access({ roles: ['ADMIN'] })
  @ApiOperation({ summary: 'Create a user of an institution in your county, with roles that institution may hold' })
  @ApiCreatedResponse({ type: UserResponse })
  create(@Body() dto: CreateUserDto): Promise<UserView> {
    return this.users.create(currentCaller(), dto);
  }

  @Get()
  @Access({ roles: ['ADMIN', 'AUDITOR'] })
  @ApiPageResponse(UserResponse)
  list(@Query() q: UserQuery): Promise<Page<UserView>> {
    return this.users.list(currentCaller(), q);
  }

  @Get(':username')
  @Access({ roles: ['ADMIN', 'AUDITOR'], target: { kind: 'user', param: 'username' } })
  @ApiOkResponse({ type: UserResponse })
  get(@Param('username') username: string): Promise<UserView> {
    return this.users.get(username);
  }

  @Patch(':username')
  @Access({ roles: ['ADMIN'], target: { kind: 'user', param: 'username' } })
  @ApiOperation({
    summary:
      'Change display name, roles or active flag; deactivating ends the user’s sessions. Nobody changes their own roles; ADMIN is never held with a role that moves or approves money',
  })
  @ApiOkResponse({ type: UserResponse })
  update(@Param('username') username: string, @Body() dto: UpdateUserDto): Promise<UserView> {
    return this.users.update(currentCaller(), username, dto);
  }

  @Post(':username/password')
  @HttpCode(204)
  @Access({ roles: ['ADMIN'], target: { kind: 'user', param: 'username' } })
  @ApiOperation({ summary: 'Reset a password; every session of that user ends' })
  setPassword(@Param('username') username: string, @Body() dto: SetPasswordDto): Promise<void> {
    return this.users.setPassword(username, dto);
  }
}

@ApiTags('access')
@ApiBearerAuth()
@Controller('api-tokens')
export class ApiTokenController {
  constructor(private readonly tokens: ApiTokenService) {}

  @Post()
  @Access({ roles: ['ADMIN'] })
  @ApiOperation({ summary: 'Create an API token for a system of an institution; the token is shown only in this answer' })
  @ApiCreatedResponse({ type: CreatedApiTokenResponse })
  create(@Body() dto: CreateApiTokenDto): Promise<ApiTokenView & { token: string }> {
    return this.tokens.create(currentCaller(), dto);
  }

  @Get()
  @Access({ roles: ['ADMIN', 'AUDITOR'] })
  @ApiPageResponse(ApiTokenResponse)
  list(@Query() q: PageQuery): Promise<Page<ApiTokenView>> {
    return this.tokens.list(currentCaller(), q);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @Access({ roles: ['ADMIN'], target: { kind: 'apiToken', param: 'id' } })
  @ApiOkResponse({ type: ApiTokenResponse })
  revoke(@Param('id') id: string): Promise<ApiTokenView> {
    return this.tokens.revoke(id);
  }
}
