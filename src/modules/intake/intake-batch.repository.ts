import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { InstitutionType } from '../../domain/institution-registry';

export interface NewIntakeBatch {
  submitterId: number;
  source: string;
  onError: string;
  received: number;
  stored: number;
  duplicates: number;
  rejected: number;
  submittedBy: string;
  requestId: string | null;
}

/** Intake batches: one per stored request or upload, naming what it received, stored, skipped. */
@Injectable()
export class IntakeBatchRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, b: NewIntakeBatch): Promise<string> {
    const result = await manager.query(
      'INSERT INTO intake_batch (submitter_id, source, on_error, received, stored, duplicates, rejected, submitted_by, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [b.submitterId, b.source, b.onError, b.received, b.stored, b.duplicates, b.rejected, b.submittedBy, b.requestId],
    );
    return String(result.insertId);
  }

  /** The units a claiming unit submits records for: itself and its active village clinics (by code). */
  async unitsOf(institutionId: number): Promise<{ id: number; code: string }[]> {
    return this.dataSource.query('SELECT id, code FROM institution WHERE (id = ? OR (parent_id = ? AND type = ?)) AND active = 1', [
      institutionId,
      institutionId,
      'VILLAGE_CLINIC',
    ]);
  }

  /** A submitting institution as the scope rules see it. */
  async submitter(
    institutionId: number,
  ): Promise<{ id: number; code: string; type: InstitutionType; countyId: number; communityId: number | null } | undefined> {
    const [inst]: { id: number; code: string; type: InstitutionType; county_id: number; community_id: number | null }[] =
      await this.dataSource.query('SELECT id, code, type, county_id, community_id FROM institution WHERE id = ?', [institutionId]);
    return inst && { id: inst.id, code: inst.code, type: inst.type, countyId: inst.county_id, communityId: inst.community_id };
  }
}
