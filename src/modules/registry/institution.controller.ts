import { actingCountyId } from '../../domain/access-policy';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { fileRequired } from '../../domain/request-refusals';
import { ApiPageResponse, Page } from '../../common/pagination';
import { singleUploadedFile } from '../../common/uploaded-file';
import { currentCaller } from '../../common/request-context';
import { Access, ANY_ROLE } from '../../common/access.decorators';
import { CreateInstitutionDto, DeactivateDto, ImportQuery, InstitutionQuery, UpdateInstitutionDto } from './dto/registry.dto';
import { InstitutionImportService, RegistryImportView } from './institution-import.service';
import { ImportOutcome, InstitutionService } from './institution.service';
import { InstitutionView } from './registry.views';

@ApiTags('registry')
@ApiBearerAuth()
@Controller('institutions')
export class InstitutionController {
  constructor(
    private readonly institutions: InstitutionService,
    private readonly imports: InstitutionImportService,
  ) {}

  @Post()
  @Access({ roles: ['ADMIN'] })
  @ApiOperation({ summary: 'Register an institution in your county; a village clinic names its township as parentCode' })
  @ApiCreatedResponse({ type: InstitutionView })
  @ApiUnprocessableEntityResponse({ description: 'placement rules broken (e.g. parent not a township); nothing written' })
  async create(@Body() dto: CreateInstitutionDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<InstitutionView> {
    const { view, created } = await this.institutions.create(dto, actingCountyId(currentCaller().scope));
    void reply.status(created ? 201 : 200);
    return view;
  }

  @Get()
  @Access({ roles: ANY_ROLE })
  @ApiOperation({ summary: 'List the institutions you may see, filtered and paginated' })
  @ApiPageResponse(InstitutionView)
  list(@Query() q: InstitutionQuery): Promise<Page<InstitutionView>> {
    return this.institutions.list(q, currentCaller().scope);
  }

  @Post('import')
  @Access({ roles: ['ADMIN'] })
  @ApiOperation({ summary: 'Import institutions from CSV or XLSX (columns code, name, type, countyCode, communityCode, parentCode)' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiCreatedResponse({
    description:
      'the import id (GET /institutions/imports/{id} shows it) and counts of created, updated and unchanged institutions, and rows skipped',
  })
  @ApiOkResponse({ description: 'the same, for a file that changed nothing (every row unchanged or skipped)' })
  @ApiAcceptedResponse({ description: 'a large file was queued; poll the Location', type: RegistryImportView })
  @ApiUnprocessableEntityResponse({ description: 'every bad row with its number, field and rule; nothing written' })
  async import(
    @Req() req: FastifyRequest,
    @Query() q: ImportQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<(ImportOutcome & { id: string }) | RegistryImportView> {
    if (!req.isMultipart()) throw fileRequired('send the file as multipart/form-data in a field named "file"');
    const file = await singleUploadedFile(req);
    if (!file) throw fileRequired('no file in the upload');
    const result = await this.imports.submit(file.content, q.onError, actingCountyId(currentCaller().scope));
    if ('outcome' in result) {
      const { created, updated } = result.outcome;
      void reply.status(created + updated > 0 ? 201 : 200);
      return result.outcome;
    }
    void reply.status(202).header('location', `/api/v1/institutions/imports/${result.queued.id}`);
    return result.queued;
  }

  @Get('imports/:id')
  @Access({ roles: ['ADMIN'], target: { kind: 'registryImport', param: 'id' } })
  @ApiOperation({ summary: 'Progress and result of a queued import' })
  @ApiOkResponse({ type: RegistryImportView })
  getImport(@Param('id', new ParseUUIDPipe()) id: string): Promise<RegistryImportView> {
    return this.imports.get(id);
  }

  @Get(':code')
  @Access({ roles: ANY_ROLE, target: { kind: 'institution', param: 'code' } })
  @ApiOkResponse({ type: InstitutionView })
  @ApiNotFoundResponse()
  get(@Param('code') code: string): Promise<InstitutionView> {
    return this.institutions.get(code);
  }

  @Patch(':code')
  @Access({ roles: ['ADMIN'], target: { kind: 'institution', param: 'code' } })
  @ApiOperation({ summary: 'Update name, community or a village clinic’s township; `version` must be current' })
  @ApiOkResponse({ type: InstitutionView })
  update(@Param('code') code: string, @Body() dto: UpdateInstitutionDto): Promise<InstitutionView> {
    return this.institutions.update(code, dto);
  }

  @Post(':code/deactivate')
  @HttpCode(200)
  @Access({ roles: ['ADMIN'], target: { kind: 'institution', param: 'code' } })
  @ApiOperation({ summary: 'Deactivate an institution (a township only once its village clinics are deactivated)' })
  @ApiOkResponse({ type: InstitutionView })
  deactivate(@Param('code') code: string, @Body() dto: DeactivateDto): Promise<InstitutionView> {
    return this.institutions.deactivate(code, dto.version);
  }
}
