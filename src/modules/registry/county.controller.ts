import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiPageResponse, Page } from '../../common/pagination';
import { currentCaller } from '../../common/request-context';
import { Access, ANY_ROLE } from '../../common/access.decorators';
import { CountyService } from './county.service';
import {
  CommunityQuery,
  CountyQuery,
  CreateCommunityDto,
  CreateCountyDto,
  DeactivateDto,
  UpdateCommunityDto,
  UpdateCountyDto,
} from './dto/registry.dto';
import { communityView, CommunityView, countyView, CountyView } from './registry.views';

@ApiTags('registry')
@ApiBearerAuth()
@Controller('counties')
export class CountyController {
  constructor(private readonly counties: CountyService) {}

  @Post()
  @Access({ roles: ['ADMIN'] })
  @ApiOperation({ summary: 'Create a county (pooling district); repeating an identical request answers 200 with the existing one' })
  @ApiCreatedResponse({ type: CountyView })
  @ApiConflictResponse({ description: 'code exists with other details' })
  async create(@Body() dto: CreateCountyDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<CountyView> {
    const { view, created } = await this.counties.createCounty(dto);
    void reply.status(created ? 201 : 200);
    return view;
  }

  @Get()
  @Access({ roles: ANY_ROLE })
  @ApiOperation({ summary: 'List counties (your own)' })
  @ApiPageResponse(CountyView)
  list(@Query() q: CountyQuery): Promise<Page<CountyView>> {
    return this.counties.listCounties(q, currentCaller().scope);
  }

  @Get(':code')
  @Access({ roles: ANY_ROLE, target: { kind: 'county', param: 'code' } })
  @ApiOkResponse({ type: CountyView })
  @ApiNotFoundResponse()
  async get(@Param('code') code: string): Promise<CountyView> {
    return countyView(await this.counties.getCounty(code));
  }

  @Patch(':code')
  @Access({ roles: ['ADMIN'], target: { kind: 'county', param: 'code' } })
  @ApiOperation({ summary: 'Update a county; `version` must be the current one (409 otherwise)' })
  @ApiOkResponse({ type: CountyView })
  update(@Param('code') code: string, @Body() dto: UpdateCountyDto): Promise<CountyView> {
    return this.counties.updateCounty(code, dto);
  }

  @Post(':code/deactivate')
  @HttpCode(200)
  @Access({ roles: ['ADMIN'], target: { kind: 'county', param: 'code' } })
  @ApiOperation({ summary: 'Deactivate a county with no active medical community' })
  @ApiOkResponse({ type: CountyView })
  deactivate(@Param('code') code: string, @Body() dto: DeactivateDto): Promise<CountyView> {
    return this.counties.deactivateCounty(code, dto.version);
  }
}

@ApiTags('registry')
@ApiBearerAuth()
@Controller('communities')
export class CommunityController {
  constructor(private readonly counties: CountyService) {}

  @Post()
  @Access({ roles: ['ADMIN'] })
  @ApiOperation({ summary: 'Create a medical community (医共体) in your county' })
  @ApiCreatedResponse({ type: CommunityView })
  @ApiUnprocessableEntityResponse({ description: 'unknown or deactivated county' })
  async create(@Body() dto: CreateCommunityDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<CommunityView> {
    const { view, created } = await this.counties.createCommunity(dto, currentCaller().scope);
    void reply.status(created ? 201 : 200);
    return view;
  }

  @Get()
  @Access({ roles: ANY_ROLE })
  @ApiOperation({ summary: 'List the medical communities you may see' })
  @ApiPageResponse(CommunityView)
  list(@Query() q: CommunityQuery): Promise<Page<CommunityView>> {
    return this.counties.listCommunities(q, currentCaller().scope);
  }

  @Get(':code')
  @Access({ roles: ANY_ROLE, target: { kind: 'community', param: 'code' } })
  @ApiOkResponse({ type: CommunityView })
  @ApiNotFoundResponse()
  async get(@Param('code') code: string): Promise<CommunityView> {
    return communityView(await this.counties.getCommunity(code));
  }

  @Patch(':code')
  @Access({ roles: ['ADMIN'], target: { kind: 'community', param: 'code' } })
  @ApiOkResponse({ type: CommunityView })
  update(@Param('code') code: string, @Body() dto: UpdateCommunityDto): Promise<CommunityView> {
    return this.counties.updateCommunity(code, dto);
  }

  @Post(':code/deactivate')
  @HttpCode(200)
  @Access({ roles: ['ADMIN'], target: { kind: 'community', param: 'code' } })
  @ApiOperation({ summary: 'Deactivate a medical community with no active member' })
  @ApiOkResponse({ type: CommunityView })
  deactivate(@Param('code') code: string, @Body() dto: DeactivateDto): Promise<CommunityView> {
    return this.counties.deactivateCommunity(code, dto.version);
  }
}
