import { ApiProperty } from '@nestjs/swagger';
import type { NotificationView, Severity } from '../notification.service';

// Answer bodies as the OpenAPI document (and the web console's typed client) describes them;
// the class implements the view, so a view that changes fails the type-check here.

const SEVERITIES: Record<Severity, true> = { INFO: true, WATCH: true, WARNING: true, ALARM: true };

export class NotificationResponse implements NotificationView {
  @ApiProperty() id!: number;
  @ApiProperty({ example: 'GOVERNANCE_STEP' }) kind!: string;
  @ApiProperty({ enum: Object.keys(SEVERITIES) }) severity!: Severity;
  @ApiProperty({ example: 'reserveUse' }) subjectType!: string;
  @ApiProperty({ example: '12' }) subjectId!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) details!: Record<string, unknown> | null;
  @ApiProperty({ type: 'string', format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) readAt!: Date | null;
  @ApiProperty({ type: 'string', nullable: true }) readBy!: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) deliveredAt!: Date | null;
}
