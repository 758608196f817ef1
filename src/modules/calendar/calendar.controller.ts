import { ApiPageResponse, Page, pageInMemory, PageQuery } from '../../common/pagination';
import { CalendarYearResponse, DeadlineResponse, YearScheduleResponse } from './dto/calendar.responses';
import { Body, Controller, Get, Param, ParseIntPipe, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { Deadline } from '../../domain/working-days';
import { Access, ANY_ROLE } from '../../common/access.decorators';
import { CalendarService, YearScheduleView } from './calendar.service';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** One State Council schedule serves every county of the deployment. */
const NATIONAL = 'the national holiday calendar, the same for every institution';

export class DeadlineQuery {
  @ApiProperty({ example: '2026-09-30', description: 'the day counting starts after (it does not count itself)' })
  @Matches(DATE, { message: '$property must be a date YYYY-MM-DD' })
  from!: string;

  @ApiProperty({ example: 5 })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(366)
  workingDays!: number;
}

export class YearScheduleDto {
  @ApiProperty({ description: 'version the change is based on; 0 when the year was never loaded through the API' })
  @IsInt()
  @Min(0)
  version!: number;

  @ApiProperty({ example: ['2027-01-01'], description: 'days off (放假), weekend days inside a holiday span included' })
  @IsArray()
  @ArrayMaxSize(120)
  @Matches(DATE, { each: true, message: 'each holiday must be a date YYYY-MM-DD' })
  holidays!: string[];

  @ApiProperty({ example: [], description: 'Saturdays or Sundays worked instead (调休上班)' })
  @IsArray()
  @ArrayMaxSize(30)
  @Matches(DATE, { each: true, message: 'each make-up working day must be a date YYYY-MM-DD' })
  makeUpWorkingDays!: string[];

  @ApiPropertyOptional({ example: '国办发明电〔2026〕X号' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

@ApiTags('calendar')
@ApiBearerAuth()
@Controller('calendar')
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  @Get('deadline')
  @Access({ roles: ANY_ROLE })
  @ApiOperation({ summary: 'The Nth working day after a date (民法典 art. 201), and whether official schedules confirm it' })
  @ApiOkResponse({ type: DeadlineResponse })
  deadline(@Query() q: DeadlineQuery): Promise<Deadline> {
    return this.calendar.deadline(q.from, q.workingDays);
  }

  @Get('years')
  @Access({ roles: ANY_ROLE })
  @ApiOperation({ summary: 'Years with an official schedule, and where each comes from' })
  @ApiPageResponse(CalendarYearResponse)
  async years(@Query() q: PageQuery): Promise<Page<{ year: number; source: string }>> {
    // One row per year with an official schedule: a short list, paged in memory.
    return pageInMemory(await this.calendar.years(), q);
  }

  @Get('years/:year')
  @Access({ roles: ANY_ROLE, shared: NATIONAL })
  @ApiOkResponse({ type: YearScheduleResponse })
  year(@Param('year', ParseIntPipe) year: number): Promise<YearScheduleView> {
    return this.calendar.year(year);
  }

  @Put('years/:year')
  @Access({ roles: ['BUREAU_CLERK', 'BUREAU_APPROVER'], shared: NATIONAL })
  @ApiOperation({ summary: 'Load or correct a year’s official schedule (the State Council publishes it in late autumn)' })
  @ApiOkResponse({ type: YearScheduleResponse })
  load(@Param('year', ParseIntPipe) year: number, @Body() dto: YearScheduleDto): Promise<YearScheduleView> {
    return this.calendar.load(year, dto.version, { holidays: dto.holidays, makeUpWorkingDays: dto.makeUpWorkingDays }, dto.note ?? '');
  }
}
