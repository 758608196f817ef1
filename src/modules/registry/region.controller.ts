import { Body, Controller, Get, Param, Post, Put, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Access, ANY_ROLE } from '../../common/access.decorators';
import { ApiPageResponse, Page, pageInMemory, PageQuery } from '../../common/pagination';
import { currentCaller } from '../../common/request-context';
import { Query } from '@nestjs/common';
import { CreatePrefectureDto, CreateRegionalInstitutionDto, PlaceCountyDto } from './dto/region.dto';
import { RegionService } from './region.service';
import { PrefectureView, ProvinceView, RegionalInstitutionView } from './region.views';

@ApiTags('registry')
@ApiBearerAuth()
@Controller('provinces')
export class ProvinceController {
  constructor(private readonly regions: RegionService) {}

  @Get()
  @Access({ roles: ANY_ROLE })
  @ApiOperation({ summary: 'Your province (a prefecture or province user); nothing for a county user' })
  @ApiPageResponse(ProvinceView)
  async list(@Query() q: PageQuery): Promise<Page<ProvinceView>> {
    return pageInMemory(await this.regions.listProvinces(currentCaller().scope), q);
  }

  @Get(':code')
  @Access({ roles: ANY_ROLE, target: { kind: 'province', param: 'code' } })
  @ApiOkResponse({ type: ProvinceView })
  @ApiNotFoundResponse()
  get(@Param('code') code: string): Promise<ProvinceView> {
    return this.regions.getProvince(code);
  }

  @Post(':code/institutions')
  @Access({ roles: ['ADMIN'], target: { kind: 'province', param: 'code' } })
  @ApiOperation({ summary: 'Create an institution of the province (PROVINCE_BUREAU or FINANCE_BUREAU); an identical repeat answers 200' })
  @ApiCreatedResponse({ type: RegionalInstitutionView })
  @ApiConflictResponse({ description: 'code exists with other details' })
  async createInstitution(
    @Param('code') code: string,
    @Body() dto: CreateRegionalInstitutionDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RegionalInstitutionView> {
    const { view, created } = await this.regions.createInstitution(currentCaller(), 'PROVINCE', code, dto);
    void reply.status(created ? 201 : 200);
    return view;
  }
}

@ApiTags('registry')
@ApiBearerAuth()
@Controller('prefectures')
export class PrefectureController {
  constructor(private readonly regions: RegionService) {}

  @Post()
  @Access({ roles: ['ADMIN'] })
  @ApiOperation({ summary: 'Create a prefecture (市/州) of your province (province ADMIN); an identical repeat answers 200' })
  @ApiCreatedResponse({ type: PrefectureView })
  @ApiConflictResponse({ description: 'code exists with other details' })
  async create(@Body() dto: CreatePrefectureDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<PrefectureView> {
    const { view, created } = await this.regions.createPrefecture(currentCaller(), dto);
    void reply.status(created ? 201 : 200);
    return view;
  }

  @Get()
  @Access({ roles: ANY_ROLE })
  @ApiOperation({ summary: 'The prefectures you may see: your own, or every prefecture of your province' })
  @ApiPageResponse(PrefectureView)
  async list(@Query() q: PageQuery): Promise<Page<PrefectureView>> {
    return pageInMemory(await this.regions.listPrefectures(currentCaller().scope), q);
  }

  @Get(':code')
  @Access({ roles: ANY_ROLE, target: { kind: 'prefecture', param: 'code' } })
  @ApiOkResponse({ type: PrefectureView })
  @ApiNotFoundResponse()
  get(@Param('code') code: string): Promise<PrefectureView> {
    return this.regions.getPrefecture(code);
  }

  @Put(':code/counties')
  @Access({ roles: ['ADMIN'], target: { kind: 'prefecture', param: 'code' } })
  @ApiOperation({ summary: 'Place a county in the prefecture (once; a county in another prefecture is refused, 409)' })
  @ApiOkResponse({ type: PrefectureView })
  @ApiConflictResponse({ description: 'the county belongs to another prefecture' })
  placeCounty(@Param('code') code: string, @Body() dto: PlaceCountyDto): Promise<PrefectureView> {
    return this.regions.placeCounty(currentCaller(), code, dto.countyCode);
  }

  @Post(':code/institutions')
  @Access({ roles: ['ADMIN'], target: { kind: 'prefecture', param: 'code' } })
  @ApiOperation({
    summary: 'Create an institution of the prefecture (PREFECTURE_BUREAU or FINANCE_BUREAU); an identical repeat answers 200',
  })
  @ApiCreatedResponse({ type: RegionalInstitutionView })
  @ApiConflictResponse({ description: 'code exists with other details' })
  async createInstitution(
    @Param('code') code: string,
    @Body() dto: CreateRegionalInstitutionDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RegionalInstitutionView> {
    const { view, created } = await this.regions.createInstitution(currentCaller(), 'PREFECTURE', code, dto);
    void reply.status(created ? 201 : 200);
    return view;
  }
}
