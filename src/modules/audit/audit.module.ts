import { Global, Module } from '@nestjs/common';
import { AuditService } from './audit.service';

/** The audit writer, shared by every module (API and worker). Its HTTP side is in AccessModule. */
@Global()
@Module({ providers: [AuditService], exports: [AuditService] })
export class AuditModule {}
