import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';

/** The code tables of the national settlement extract as seeded; the administrator edits them (docs/national-format.md). */
const CODES: [kind: string, code: string, name: string, counts: boolean, visitType: string | null][] = [
  ['insutype', '310', '职工基本医疗保险', false, null],
  ['insutype', '320', '公务员医疗补助', false, null],
  ['insutype', '330', '大额医疗费用补助', false, null],
  ['insutype', '340', '离休人员医疗保障', false, null],
  ['insutype', '350', '一至六级残废军人医疗补助', false, null],
  ['insutype', '360', '老红军医疗保障', false, null],
  ['insutype', '370', '企业补充医疗保险', false, null],
  ['insutype', '390', '城乡居民基本医疗保险', true, null],
  ['insutype', '391', '城镇居民基本医疗保险', true, null],
  ['insutype', '392', '城乡居民大病医疗保险', false, null],
  ['insutype', '399', '其他特殊人员医疗保障', false, null],
  ['insutype', '410', '长期照护保险', false, null],
  ['insutype', '510', '生育保险', false, null],
  ['med_type', '11', '普通门诊', true, 'OUTPATIENT'],
  ['med_type', '12', '门诊挂号', true, 'OUTPATIENT'],
  ['med_type', '13', '急诊', true, 'OUTPATIENT'],
  ['med_type', '14', '门诊慢特病', true, 'CHRONIC_SPECIAL'],
  ['med_type', '21', '普通住院', true, 'INPATIENT'],
  ['med_type', '22', '外伤住院', true, 'INPATIENT'],
  ['med_type', '23', '转外诊治住院', true, 'INPATIENT'],
  ['med_type', '24', '急诊转住院', true, 'INPATIENT'],
  ['med_type', '41', '定点药店购药', false, null],
  ['med_type', '51', '生育门诊', true, 'MATERNITY'],
  ['med_type', '52', '生育住院', true, 'MATERNITY'],
  ['clr_type', '11', '门诊', true, null],
  ['clr_type', '21', '住院', true, null],
  ['clr_type', '41', '定点药店', false, null],
  ['clr_type', '99', '其他', false, null],
];

/**
 * The national settlement extract as an intake format (its code tables as data, the
 * institution's national code 定点医药机构编号), and refunds (退费, 冲销): a settlement record may
 * name the record it refunds and then carries amounts ≤ 0; a refund whose original has not
 * arrived waits as an orphan until it does or a reviewer drops it.
 */
export class NationalSettlementAndRefunds1763801300000 implements MigrationInterface {
  name = 'NationalSettlementAndRefunds1763801300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE national_code (
        kind VARCHAR(16) NOT NULL,
        code VARCHAR(16) NOT NULL,
        name VARCHAR(100) NOT NULL,
        counts TINYINT(1) NOT NULL,
        visit_type VARCHAR(16) NULL,
        updated_by VARCHAR(64) NULL,
        updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
        PRIMARY KEY (kind, code),
        CONSTRAINT ck_national_code_kind CHECK (kind IN ('insutype','med_type','clr_type')),
        CONSTRAINT ck_national_code_visit CHECK (visit_type IS NULL OR visit_type IN ('OUTPATIENT','INPATIENT','CHRONIC_SPECIAL','MATERNITY'))
      ) ${TABLE_OPTIONS}`);
    await q.query(
      `INSERT INTO national_code (kind, code, name, counts, visit_type) VALUES ${CODES.map(() => '(?, ?, ?, ?, ?)').join(', ')}`,
      CODES.flatMap(([kind, code, name, counts, visitType]) => [kind, code, name, counts ? 1 : 0, visitType]),
    );
    await q.query(
      'ALTER TABLE institution ADD COLUMN national_code VARCHAR(32) NULL, ADD UNIQUE KEY uq_institution_national_code (national_code)',
    );
    await q.query(
      'ALTER TABLE settlement_record ADD COLUMN refund_of VARCHAR(64) NULL AFTER referral_no, ADD KEY ix_settlement_refund_of (submitter_id, refund_of)',
    );
    await q.query('ALTER TABLE settlement_record DROP CONSTRAINT ck_settlement_amounts');
    await q.query(`
      ALTER TABLE settlement_record ADD CONSTRAINT ck_settlement_amounts CHECK (
        (refund_of IS NULL AND total_cost >= 0 AND covered_cost >= 0 AND fund_paid >= 0 AND critical_illness_paid >= 0 AND medical_aid_paid >= 0 AND self_paid >= 0)
        OR (refund_of IS NOT NULL AND total_cost <= 0 AND covered_cost <= 0 AND fund_paid <= 0 AND critical_illness_paid <= 0 AND medical_aid_paid <= 0 AND self_paid <= 0))`);
    await q.query(`
      CREATE TABLE refund_orphan (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        submitter_id INT UNSIGNED NOT NULL,
        external_id VARCHAR(64) NOT NULL,
        refund_of VARCHAR(64) NOT NULL,
        unit_code VARCHAR(32) NOT NULL,
        settlement_date DATE NOT NULL,
        fund_paid DECIMAL(18,2) NOT NULL,
        total_cost DECIMAL(18,2) NOT NULL,
        record LONGTEXT NOT NULL,
        state VARCHAR(8) NOT NULL DEFAULT 'WAITING',
        received_by VARCHAR(64) NOT NULL,
        decided_by VARCHAR(64) NULL,
        decision_reason VARCHAR(500) NULL,
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        decided_at DATETIME(3) NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_refund_orphan (submitter_id, external_id),
        KEY ix_refund_orphan_original (submitter_id, refund_of, state),
        CONSTRAINT ck_refund_orphan_state CHECK (state IN ('WAITING','APPLIED','DROPPED')),
        CONSTRAINT fk_refund_orphan_submitter FOREIGN KEY (submitter_id) REFERENCES institution (id)
      ) ${TABLE_OPTIONS}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE refund_orphan');
    await q.query('ALTER TABLE settlement_record DROP CONSTRAINT ck_settlement_amounts');
    await q.query('DELETE FROM settlement_record WHERE refund_of IS NOT NULL');
    await q.query(
      'ALTER TABLE settlement_record ADD CONSTRAINT ck_settlement_amounts CHECK (total_cost >= 0 AND covered_cost >= 0 AND fund_paid >= 0 AND critical_illness_paid >= 0 AND medical_aid_paid >= 0 AND self_paid >= 0)',
    );
    await q.query('ALTER TABLE settlement_record DROP KEY ix_settlement_refund_of, DROP COLUMN refund_of');
    await q.query('ALTER TABLE institution DROP KEY uq_institution_national_code, DROP COLUMN national_code');
    await q.query('DROP TABLE national_code');
  }
}
