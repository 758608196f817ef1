import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { IsoDate } from '../../domain/working-days';

export interface OverdueClaim {
  id: number;
  institution_id: number;
  period: string;
  cutoff: string;
  code: string;
}
export interface OverduePayment {
  id: number;
  period: string;
  due: string;
  code: string;
}
export interface OverduePassDown {
  id: number;
  payer_id: number;
  deadline: string;
  amount: string;
  payer_code: string;
  payee_code: string;
  period: string;
}
export interface UndeclaredPeriod {
  community_id: number;
  code: string;
  period: string;
  lead_id: number | null;
}

/** What the daily deadline watch reads: claims, declarations and pass-downs past their deadline (read only). */
@Injectable()
export class DeadlineWatchRepository {
  /** Open member claims with records, past their cut-off. */
  overdueClaims(manager: EntityManager, countyId: number, today: IsoDate): Promise<OverdueClaim[]> {
    return manager.query(
      `SELECT c.id, c.institution_id, c.period, DATE_FORMAT(c.cutoff, '%Y-%m-%d') AS cutoff, i.code
         FROM member_claim c JOIN institution i ON i.id = c.institution_id
        WHERE c.county_id = ? AND c.state = 'OPEN' AND c.cutoff < ?
          AND EXISTS (SELECT 1 FROM settlement_record r WHERE r.submitter_id = c.institution_id AND r.claim_period = c.period)`,
      [countyId, today],
    );
  }

  /** Per community and period with claims open, of the periods given, those with no declaration yet. */
  undeclared(manager: EntityManager, countyId: number, periods: string[]): Promise<UndeclaredPeriod[]> {
    return manager.query(
      `SELECT DISTINCT c.community_id, m.code, c.period,
              (SELECT l.id FROM institution l WHERE l.community_id = c.community_id AND l.type = 'LEAD_HOSPITAL' AND l.active = 1 ORDER BY l.id LIMIT 1) AS lead_id
         FROM member_claim c JOIN medical_community m ON m.id = c.community_id
        WHERE c.county_id = ? AND c.period IN (${periods.map(() => '?').join(',')})
          AND NOT EXISTS (SELECT 1 FROM claim_declaration d WHERE d.community_id = c.community_id AND d.period = c.period)`,
      [countyId, ...periods],
    );
  }

  /** Declarations not disbursed by their payment due date. */
  overduePayments(manager: EntityManager, countyId: number, today: IsoDate): Promise<OverduePayment[]> {
    return manager.query(
      `SELECT d.id, d.period, DATE_FORMAT(d.payment_due, '%Y-%m-%d') AS due, m.code FROM claim_declaration d JOIN medical_community m ON m.id = d.community_id
        WHERE d.county_id = ? AND d.state <> 'DISBURSED' AND d.payment_due < ?`,
      [countyId, today],
    );
  }

  /** Pass-downs still due after their deadline. */
  overduePassDowns(manager: EntityManager, countyId: number, today: IsoDate): Promise<OverduePassDown[]> {
    return manager.query(
      `SELECT p.id, p.payer_id, DATE_FORMAT(p.deadline, '%Y-%m-%d') AS deadline, p.amount, payer.code AS payer_code, payee.code AS payee_code, d.period
         FROM pass_down p JOIN institution payer ON payer.id = p.payer_id JOIN institution payee ON payee.id = p.payee_id JOIN claim_declaration d ON d.id = p.declaration_id
        WHERE d.county_id = ? AND p.state = 'DUE' AND p.deadline < ?`,
      [countyId, today],
    );
  }

  /** The county's active bureau (the first), or null. */
  async bureauOf(manager: EntityManager, countyId: number): Promise<number | null> {
    const [row] = await manager.query(
      "SELECT id FROM institution WHERE county_id = ? AND type = 'BUREAU' AND active = 1 ORDER BY id LIMIT 1",
      [countyId],
    );
    return row ? Number(row.id) : null;
  }

  /** The community's active lead hospital, or null. */
  async leadOf(manager: EntityManager, communityId: number): Promise<number | null> {
    const [row] = await manager.query(
      "SELECT id FROM institution WHERE community_id = ? AND type = 'LEAD_HOSPITAL' AND active = 1 LIMIT 1",
      [communityId],
    );
    return row ? Number(row.id) : null;
  }
}
