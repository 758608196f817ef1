import { ApiProperty } from '@nestjs/swagger';
import type { Deadline } from '../../../domain/working-days';
import type { YearScheduleView } from '../calendar.service';

// Answer bodies as the OpenAPI document (and the web console's typed client) describes them;
// each class implements the view, so a view that changes fails the type-check here.

const DATE = { type: 'string', format: 'date', example: '2026-10-01' } as const;

export class YearScheduleResponse implements YearScheduleView {
  @ApiProperty({ example: 2026 }) year!: number;
  @ApiProperty({ example: 'bureau', description: '`bureau` when loaded or corrected through the API, else the shipped data' })
  source!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ type: 'string', nullable: true }) note!: string | null;
  @ApiProperty({ type: [String], example: ['2026-10-01', '2026-10-02'], description: 'days off (放假)' }) holidays!: string[];
  @ApiProperty({ type: [String], example: ['2026-09-27'], description: 'weekend days worked instead (调休上班)' })
  makeUpWorkingDays!: string[];
}

export class CalendarYearResponse {
  @ApiProperty({ example: 2026 }) year!: number;
  @ApiProperty({ example: 'bureau' }) source!: string;
}

export class DeadlineResponse implements Deadline {
  @ApiProperty(DATE) deadline!: string;
  @ApiProperty({ description: 'false while the schedule of a year the count crosses is not published yet' }) calendarConfirmed!: boolean;
}
