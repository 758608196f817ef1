import { ApiProperty } from '@nestjs/swagger';
import { ErrorDetailResponse } from '../../common/api-error.responses';
import type { UploadStatus } from './intake-upload.repository';
import type { IntakeOutcome } from './settlement-intake.service';
import type { UploadView } from './settlement-upload.service';

// Answer bodies as the OpenAPI document (and the web console's typed client) describes them.

export class IntakeOutcomeResponse implements IntakeOutcome {
  @ApiProperty({ type: 'string', nullable: true }) batchId!: string | null;
  @ApiProperty() received!: number;
  @ApiProperty() stored!: number;
  @ApiProperty({ description: 'records already stored with identical content' }) duplicates!: number;
  @ApiProperty() rejected!: number;
  @ApiProperty({ type: [ErrorDetailResponse] }) errors!: ErrorDetailResponse[];
}

const STATUSES: Record<UploadStatus, true> = { QUEUED: true, RUNNING: true, DONE: true, REJECTED: true };

export class UploadResponse implements UploadView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: Object.keys(STATUSES) }) status!: UploadStatus;
  @ApiProperty() rowCount!: number;
  @ApiProperty() processedRows!: number;
  @ApiProperty({ type: IntakeOutcomeResponse, nullable: true }) outcome!: IntakeOutcomeResponse | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) finishedAt!: string | null;
}
