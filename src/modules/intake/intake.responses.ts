import { ApiProperty } from '@nestjs/swagger';
import { ErrorDetailResponse } from '../../common/api-error.responses';
import type { UploadStatus } from './intake-upload.repository';
import type { ClaimLanding, IntakeOutcome } from './settlement-intake.service';
import type { UploadView } from './settlement-upload.service';
import type { ReportedRow } from '../../domain/national-settlement';

// Answer bodies as the OpenAPI document (and the web console's typed client) describes them.

export class RolledOverResponse {
  @ApiProperty({ example: '2026-10', description: 'the settlement month whose claim period was closed' }) settledIn!: string;
  @ApiProperty() records!: number;
}

export class ClaimLandingResponse implements ClaimLanding {
  @ApiProperty({ example: '2026-11', description: 'the claim period the records went into' }) period!: string;
  @ApiProperty() claimId!: number;
  @ApiProperty({ example: 'WS-TC-01' }) institutionCode!: string;
  @ApiProperty() records!: number;
  @ApiProperty({ type: [RolledOverResponse] }) rolledOver!: RolledOverResponse[];
}

export class ReportedRowResponse implements ReportedRow {
  @ApiProperty({ description: 'the line of the file (or 1-based position in the request)' }) row!: number;
  @ApiProperty({ type: 'string', nullable: true, description: 'setl_id' }) externalId!: string | null;
  @ApiProperty({ enum: ['otherInsurance', 'notCounted', 'notCountyUnit'] }) rule!: ReportedRow['rule'];
  @ApiProperty() reason!: string;
}

export class IntakeOutcomeResponse implements IntakeOutcome {
  @ApiProperty({ type: 'string', nullable: true }) batchId!: string | null;
  @ApiProperty() received!: number;
  @ApiProperty() stored!: number;
  @ApiProperty({ description: 'records already stored with identical content' }) duplicates!: number;
  @ApiProperty() rejected!: number;
  @ApiProperty({ type: [ErrorDetailResponse] }) errors!: ErrorDetailResponse[];
  @ApiProperty({ type: [ClaimLandingResponse], description: 'the claims the stored records landed in, so the clerk knows their month' })
  claims!: ClaimLandingResponse[];
  @ApiProperty({
    type: [ReportedRowResponse],
    description: 'rows of the national extract not stored because they do not count here (other insurance types, other units)',
  })
  reported!: ReportedRowResponse[];
  @ApiProperty({ description: 'refunds whose original has not arrived, held until it does or a reviewer drops them' })
  orphans!: number;
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
