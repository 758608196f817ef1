import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** Who hears of refused work and of role changes: read from the documents the work concerns. */
@Injectable()
export class NoticeRecipientsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The active bureau of the county a year-end settlement belongs to. */
  async bureauOfSettlement(settlementId: number): Promise<number | null> {
    return this.first(
      `SELECT b.id FROM year_end_settlement s JOIN institution b ON b.county_id = s.county_id AND b.type = 'BUREAU' AND b.active = 1
        WHERE s.id = ? ORDER BY b.id LIMIT 1`,
      [settlementId],
    );
  }

  /** The active bureau of a cycle's scope: a county code, or a community code of the county. */
  async bureauOfScope(scope: string): Promise<number | null> {
    return this.first(
      `SELECT b.id FROM institution b
        WHERE b.type = 'BUREAU' AND b.active = 1
          AND b.county_id = COALESCE((SELECT c.id FROM county c WHERE c.code = ?), (SELECT m.county_id FROM medical_community m WHERE m.code = ?))
        ORDER BY b.id LIMIT 1`,
      [scope, scope],
    );
  }

  /** The institution that sent an upload of settlement records. */
  async submitterOfUpload(uploadId: string): Promise<number | null> {
    return this.first('SELECT submitter_id AS id FROM intake_upload WHERE id = ?', [uploadId]);
  }

  /** The institution of the user who sent a registry import. */
  async institutionOfImport(importId: string): Promise<number | null> {
    return this.first(
      'SELECT u.institution_id AS id FROM registry_import i JOIN app_user u ON u.username = i.submitted_by WHERE i.id = ?',
      [importId],
    );
  }

  private async first(sql: string, params: unknown[]): Promise<number | null> {
    const [row]: { id: number | string }[] = await this.dataSource.query(sql, params);
    return row ? Number(row.id) : null;
  }

  /** The institutions in a county where an active auditor works (roles are stored comma-separated). */
  async auditorInstitutions(manager: EntityManager, countyId: number): Promise<number[]> {
    const rows: { id: number | string }[] = await manager.query(
      `SELECT DISTINCT i.id FROM app_user u JOIN institution i ON i.id = u.institution_id
        WHERE i.county_id = ? AND u.active = 1 AND FIND_IN_SET('AUDITOR', u.roles) > 0 ORDER BY i.id`,
      [countyId],
    );
    return rows.map((r) => Number(r.id));
  }
}
