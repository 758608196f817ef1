import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { communityInScope, countyInScope, institutionInScope, Scope } from '../../domain/access-policy';
import { TargetKind } from '../../common/access.decorators';

type Row = { id: number; county_id: number; community_id: number | null; parent_id: number | null };

/**
 * Answers "may this scope touch the record this route parameter names?" for each kind of
 * record: `null` when the record does not exist (the route answers 404 itself).
 */
@Injectable()
export class ScopeResolver {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async inScope(scope: Scope, kind: TargetKind, value: string): Promise<boolean | null> {
    switch (kind) {
      case 'institution':
        return this.institution('SELECT id, county_id, community_id, parent_id FROM institution WHERE code = ?', value, scope);
      case 'user':
        return this.institution(
          'SELECT i.id, i.county_id, i.community_id, i.parent_id FROM app_user u JOIN institution i ON i.id = u.institution_id WHERE u.username = ?',
          value,
          scope,
        );
      case 'apiToken':
        return this.institution(
          'SELECT i.id, i.county_id, i.community_id, i.parent_id FROM api_token t JOIN institution i ON i.id = t.institution_id WHERE t.id = ?',
          value,
          scope,
        );
      case 'county': {
        const [row] = await this.dataSource.query('SELECT id FROM county WHERE code = ?', [value]);
        return row ? countyInScope(scope, row.id) : null;
      }
      case 'community': {
        const [row] = await this.dataSource.query('SELECT id, county_id FROM medical_community WHERE code = ?', [value]);
        return row ? communityInScope(scope, { id: row.id, countyId: row.county_id }) : null;
      }
      case 'intakeUpload':
        return this.institution(
          'SELECT i.id, i.county_id, i.community_id, i.parent_id FROM intake_upload u JOIN institution i ON i.id = u.submitter_id WHERE u.id = ?',
          value,
          scope,
        );
      case 'allocation': {
        const [row] = await this.dataSource.query('SELECT county_id FROM fund_year_allocation WHERE id = ?', [Number(value) || 0]);
        return row ? countyInScope(scope, row.county_id) : null;
      }
      case 'budgetPlan': {
        const [row] = await this.dataSource.query(
          'SELECT m.id, m.county_id FROM community_budget_plan p JOIN medical_community m ON m.id = p.community_id WHERE p.id = ?',
          [Number(value) || 0],
        );
        return row ? communityInScope(scope, { id: row.id, countyId: row.county_id }) : null;
      }
      case 'memberClaim':
        return this.institution(
          'SELECT i.id, i.county_id, i.community_id, i.parent_id FROM member_claim c JOIN institution i ON i.id = c.institution_id WHERE c.id = ?',
          value,
          scope,
        );
      case 'declaration': {
        const [row] = await this.dataSource.query('SELECT community_id AS id, county_id FROM claim_declaration WHERE id = ?', [
          Number(value) || 0,
        ]);
        return row ? communityInScope(scope, { id: row.id, countyId: row.county_id }) : null;
      }
      case 'hold': {
        const [row] = await this.dataSource.query(
          'SELECT m.id, m.county_id FROM disbursement_hold h JOIN medical_community m ON m.id = h.community_id WHERE h.id = ?',
          [Number(value) || 0],
        );
        return row ? communityInScope(scope, { id: row.id, countyId: row.county_id }) : null;
      }
      case 'fundAnalysis': {
        const [row] = await this.dataSource.query(
          'SELECT m.id, m.county_id FROM fund_analysis a JOIN medical_community m ON m.id = a.community_id WHERE a.id = ?',
          [Number(value) || 0],
        );
        return row ? communityInScope(scope, { id: row.id, countyId: row.county_id }) : null;
      }
      case 'yearEndSettlement': {
        const [row] = await this.dataSource.query('SELECT county_id FROM year_end_settlement WHERE id = ?', [Number(value) || 0]);
        return row ? countyInScope(scope, row.county_id) : null;
      }
      case 'privatePayment':
        return this.institution(
          'SELECT i.id, i.county_id, i.community_id, i.parent_id FROM private_payment p JOIN institution i ON i.id = p.institution_id WHERE p.id = ?',
          value,
          scope,
        );
      case 'passDownPayer':
        return this.institution(
          'SELECT i.id, i.county_id, i.community_id, i.parent_id FROM pass_down p JOIN institution i ON i.id = p.payer_id WHERE p.id = ?',
          value,
          scope,
        );
      case 'passDown': {
        // Either end of a pass-down may read it: the payer and the payee.
        const payer = await this.institution(
          'SELECT i.id, i.county_id, i.community_id, i.parent_id FROM pass_down p JOIN institution i ON i.id = p.payer_id WHERE p.id = ?',
          value,
          scope,
        );
        if (payer !== false) return payer;
        return this.institution(
          'SELECT i.id, i.county_id, i.community_id, i.parent_id FROM pass_down p JOIN institution i ON i.id = p.payee_id WHERE p.id = ?',
          value,
          scope,
        );
      }
      case 'registryImport': {
        const [row] = await this.dataSource.query('SELECT county_id FROM registry_import WHERE id = ?', [value]);
        return row ? row.county_id !== null && countyInScope(scope, row.county_id) : null;
      }
    }
  }

  private async institution(sql: string, value: string, scope: Scope): Promise<boolean | null> {
    const [row]: Row[] = await this.dataSource.query(sql, [value]);
    if (!row) return null;
    return institutionInScope(scope, { id: row.id, countyId: row.county_id, communityId: row.community_id, parentId: row.parent_id });
  }
}
