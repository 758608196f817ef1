import { ApiProperty } from '@nestjs/swagger';
import type { ChainBreak } from '../../../domain/audit-chain';
import type { AuditOutcome } from '../audit-entry.entity';
import type { AuditEntryView, ChainVerification } from '../audit.service';

// Answer bodies as the OpenAPI document (and the web console's typed client) describes them;
// each class implements the view, so a view that changes fails the type-check here.

const OUTCOMES: Record<AuditOutcome, true> = { SUCCESS: true, DENIED: true, REJECTED: true };

export class AuditEntryResponse implements AuditEntryView {
  @ApiProperty({ example: '1024', description: 'the entry’s place in the chain' }) id!: string;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ example: 'ws.bureau.approver' }) actor!: string;
  @ApiProperty({ type: 'string', nullable: true, example: 'WS-YBJ' }) actorInstitution!: string | null;
  @ApiProperty({ example: 'declaration.approve' }) action!: string;
  @ApiProperty({ example: 'declaration' }) entityType!: string;
  @ApiProperty({ example: '12' }) entityId!: string;
  @ApiProperty({ description: 'changed fields as JSON text: {field: [before, after]}' }) changes!: string;
  @ApiProperty({ type: 'string', nullable: true }) requestId!: string | null;
  @ApiProperty({ enum: Object.keys(OUTCOMES) }) outcome!: AuditOutcome;
  @ApiProperty({ description: 'the previous entry’s hash (SHA-256, hex)' }) prevHash!: string;
  @ApiProperty({ description: 'this entry’s hash over the previous one and its fields' }) hash!: string;
}

export class ChainBreakResponse implements ChainBreak {
  @ApiProperty({ example: '1024' }) id!: string;
  @ApiProperty({ enum: ['prevHashMismatch', 'hashMismatch'] }) reason!: 'prevHashMismatch' | 'hashMismatch';
}

export class ChainVerificationResponse implements ChainVerification {
  @ApiProperty({ description: 'every entry’s hashes agree and the head matches the last entry' }) intact!: boolean;
  @ApiProperty({ description: 'entries checked' }) entries!: number;
  @ApiProperty({ type: ChainBreakResponse, nullable: true, description: 'the first entry altered, if any' })
  firstBroken!: ChainBreakResponse | null;
  @ApiProperty({ description: 'the chain head agrees with the last entry (nothing cut off the end)' }) headMatches!: boolean;
}
