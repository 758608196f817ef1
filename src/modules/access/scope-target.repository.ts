import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PlacementRow } from './user.repository';

type CommunityRow = { id: number; county_id: number };

/**
 * The owner of a record named in a route, read for the access guard's scope check: the
 * institution or community it belongs to, joined in one read. Null when the record does not exist.
 * (Registry and fund-year records are read through their owners' repositories.)
 */
@Injectable()
export class ScopeTargetRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The institution at `column` of `table` for the row `id` (an institution-owned record). */
  private async institutionOf(sql: string, id: string | number): Promise<PlacementRow | null> {
    const [row]: PlacementRow[] = await this.dataSource.query(sql, [id]);
    return row ?? null;
  }

  private async communityOf(sql: string, id: number): Promise<CommunityRow | null> {
    const [row]: CommunityRow[] = await this.dataSource.query(sql, [id]);
    return row ?? null;
  }

  private async countyOf(sql: string, id: number): Promise<number | null> {
    const [row]: { county_id: number }[] = await this.dataSource.query(sql, [id]);
    return row ? row.county_id : null;
  }

  intakeUploadSubmitter(id: string): Promise<PlacementRow | null> {
    return this.institutionOf(
      'SELECT i.id, i.county_id, i.community_id, i.parent_id FROM intake_upload u JOIN institution i ON i.id = u.submitter_id WHERE u.id = ?',
      id,
    );
  }

  refundOrphanSubmitter(id: number): Promise<PlacementRow | null> {
    return this.institutionOf(
      'SELECT i.id, i.county_id, i.community_id, i.parent_id FROM refund_orphan o JOIN institution i ON i.id = o.submitter_id WHERE o.id = ?',
      String(id),
    );
  }

  memberClaimInstitution(id: string): Promise<PlacementRow | null> {
    return this.institutionOf(
      'SELECT i.id, i.county_id, i.community_id, i.parent_id FROM member_claim c JOIN institution i ON i.id = c.institution_id WHERE c.id = ?',
      id,
    );
  }

  privatePaymentInstitution(id: string): Promise<PlacementRow | null> {
    return this.institutionOf(
      'SELECT i.id, i.county_id, i.community_id, i.parent_id FROM private_payment p JOIN institution i ON i.id = p.institution_id WHERE p.id = ?',
      id,
    );
  }

  passDownPayer(id: string): Promise<PlacementRow | null> {
    return this.institutionOf(
      'SELECT i.id, i.county_id, i.community_id, i.parent_id FROM pass_down p JOIN institution i ON i.id = p.payer_id WHERE p.id = ?',
      id,
    );
  }

  passDownPayee(id: string): Promise<PlacementRow | null> {
    return this.institutionOf(
      'SELECT i.id, i.county_id, i.community_id, i.parent_id FROM pass_down p JOIN institution i ON i.id = p.payee_id WHERE p.id = ?',
      id,
    );
  }

  /** A dispute's community and its parties: the unit that filed it and the unit named to rectify. */
  async disputeParties(id: number): Promise<{ community: CommunityRow; parties: PlacementRow[] } | null> {
    const [row]: (CommunityRow & { filed_by: number; rectifying: number | null })[] = await this.dataSource.query(
      'SELECT m.id, m.county_id, d.filed_by_institution_id AS filed_by, d.rectifying_unit_id AS rectifying FROM dispute d JOIN medical_community m ON m.id = d.community_id WHERE d.id = ?',
      [id],
    );
    if (!row) return null;
    const ids = [row.filed_by, ...(row.rectifying === null ? [] : [row.rectifying])];
    const parties: PlacementRow[] = await this.dataSource.query(
      `SELECT id, county_id, community_id, parent_id FROM institution WHERE id IN (${ids.map(() => '?').join(', ')})`,
      ids,
    );
    return { community: { id: row.id, county_id: row.county_id }, parties };
  }

  referralCommunity(id: number): Promise<CommunityRow | null> {
    return this.communityOf(
      'SELECT m.id, m.county_id FROM referral f JOIN medical_community m ON m.id = f.community_id WHERE f.id = ?',
      id,
    );
  }

  surplusPlanCommunity(id: number): Promise<CommunityRow | null> {
    return this.communityOf(
      'SELECT m.id, m.county_id FROM surplus_plan p JOIN medical_community m ON m.id = p.community_id WHERE p.id = ?',
      id,
    );
  }

  reserveUseCounty(id: number): Promise<number | null> {
    return this.countyOf('SELECT county_id FROM reserve_use WHERE id = ?', id);
  }

  yearEndSettlementCounty(id: number): Promise<number | null> {
    return this.countyOf('SELECT county_id FROM year_end_settlement WHERE id = ?', id);
  }

  /** A city-level gap sharing's county, prefecture and province. */
  async citySharingPlacement(id: number): Promise<{ county_id: number; prefecture_id: number; province_id: number } | null> {
    const [row]: { county_id: number; prefecture_id: number; province_id: number }[] = await this.dataSource.query(
      'SELECT s.county_id, s.prefecture_id, p.province_id FROM city_gap_sharing s JOIN prefecture p ON p.id = s.prefecture_id WHERE s.id = ?',
      [id],
    );
    return row ?? null;
  }

  /** The province of a provincial adjustment fund year. */
  async provincialFundProvince(id: number): Promise<number | null> {
    const [row]: { province_id: number }[] = await this.dataSource.query('SELECT province_id FROM provincial_fund WHERE id = ?', [id]);
    return row ? row.province_id : null;
  }

  declarationCommunity(id: number): Promise<CommunityRow | null> {
    return this.communityOf('SELECT community_id AS id, county_id FROM claim_declaration WHERE id = ?', id);
  }

  holdCommunity(id: number): Promise<CommunityRow | null> {
    return this.communityOf(
      'SELECT m.id, m.county_id FROM disbursement_hold h JOIN medical_community m ON m.id = h.community_id WHERE h.id = ?',
      id,
    );
  }

  fundAnalysisCommunity(id: number): Promise<CommunityRow | null> {
    return this.communityOf(
      'SELECT m.id, m.county_id FROM fund_analysis a JOIN medical_community m ON m.id = a.community_id WHERE a.id = ?',
      id,
    );
  }
}
