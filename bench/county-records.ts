/**
 * The generated county the scale benchmarks share (bench:yearend, bench:monthclose): the demo
 * county's community with two more county hospitals and five more village clinics, settlement
 * records generated month by month with a seeded random mix of visits (about 4 % inpatient,
 * maternity or chronic-special stays, 3 % rejected in pre-review, 1.5 % of the accepted deducted),
 * as tab-separated text for `LOAD DATA LOCAL INFILE`, and callers of the demo county's roles.
 */
import { Readable } from 'node:stream';
import Redis from 'ioredis';
import type * as mysql2 from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { Caller } from '../src/common/caller';
import { runInContext } from '../src/common/request-context';
import type { AppConfig } from '../src/config/app-config';
import { Role, scopeOf } from '../src/domain/access-policy';
import { REVIEW_REASON_CODES } from '../src/domain/claim-cycle';
import { InstitutionType } from '../src/domain/institution-registry';
import { InstitutionRow } from '../src/modules/registry/institution.service';

export const FUND_YEAR = 2026;

/** Added to the demo county so that the community is a little larger: two county hospitals and five village clinics. */
export const EXTRA_INSTITUTIONS: InstitutionRow[] = [
  { code: 'WS-FYBJY', name: '巍山县妇幼保健院', type: 'COUNTY_HOSPITAL', countyCode: 'WS', communityCode: 'WS-MC', parentCode: null },
  { code: 'WS-DEYY', name: '巍山县第二人民医院', type: 'COUNTY_HOSPITAL', countyCode: 'WS', communityCode: 'WS-MC', parentCode: null },
  ...[
    ['WS-VC-01-06', '南诏镇新村卫生室', 'WS-TC-01'],
    ['WS-VC-02-05', '庙街镇回营卫生室', 'WS-TC-02'],
    ['WS-VC-03-06', '大仓镇新东卫生室', 'WS-TC-03'],
    ['WS-VC-06-05', '马鞍山乡文华卫生室', 'WS-TC-06'],
    ['WS-VC-09-06', '牛街乡鼠街卫生室', 'WS-TC-09'],
  ].map(([code, name, parentCode]): InstitutionRow => ({
    code,
    name,
    type: 'VILLAGE_CLINIC',
    countyCode: 'WS',
    communityCode: 'WS-MC',
    parentCode,
  })),
];

export type VisitType = 'OUTPATIENT' | 'INPATIENT' | 'CHRONIC_SPECIAL' | 'MATERNITY';
/** A kind of visit at a level of care: its share of the unit's records, total cost range (fen) and the fund's rate of the covered cost. */
export type VisitProfile = { type: VisitType; share: number; min: number; max: number; rate: number };

/** Realistic-looking mixes: village clinics see outpatients only; inpatient stays are longer and dearer up the levels. */
export const PROFILES: Record<'LEAD_HOSPITAL' | 'COUNTY_HOSPITAL' | 'TOWNSHIP_CENTER' | 'VILLAGE_CLINIC', VisitProfile[]> = {
  LEAD_HOSPITAL: [
    { type: 'INPATIENT', share: 0.045, min: 300_000, max: 1_500_000, rate: 0.7 },
    { type: 'MATERNITY', share: 0.01, min: 300_000, max: 600_000, rate: 0.8 },
    { type: 'CHRONIC_SPECIAL', share: 0.03, min: 20_000, max: 100_000, rate: 0.6 },
    { type: 'OUTPATIENT', share: 1, min: 8_000, max: 40_000, rate: 0.45 },
  ],
  COUNTY_HOSPITAL: [
    { type: 'INPATIENT', share: 0.035, min: 250_000, max: 900_000, rate: 0.75 },
    { type: 'MATERNITY', share: 0.008, min: 250_000, max: 500_000, rate: 0.8 },
    { type: 'CHRONIC_SPECIAL', share: 0.03, min: 20_000, max: 90_000, rate: 0.6 },
    { type: 'OUTPATIENT', share: 1, min: 6_000, max: 30_000, rate: 0.45 },
  ],
  TOWNSHIP_CENTER: [
    { type: 'INPATIENT', share: 0.03, min: 150_000, max: 500_000, rate: 0.85 },
    { type: 'CHRONIC_SPECIAL', share: 0.04, min: 15_000, max: 60_000, rate: 0.65 },
    { type: 'OUTPATIENT', share: 1, min: 3_000, max: 15_000, rate: 0.55 },
  ],
  VILLAGE_CLINIC: [{ type: 'OUTPATIENT', share: 1, min: 1_500, max: 9_000, rate: 0.6 }],
};
/** Each unit's share of the records, by type (the lead unit takes what rounding leaves). */
export const RECORD_SHARE: Record<keyof typeof PROFILES, number> = {
  LEAD_HOSPITAL: 0.2,
  COUNTY_HOSPITAL: 0.04,
  TOWNSHIP_CENTER: 0.034,
  VILLAGE_CLINIC: 0.0055,
};
export const DIAGNOSES: Record<VisitType, string[]> = {
  OUTPATIENT: ['J06.9', 'K29.7', 'M54.5', 'J20.9', 'I10', 'E11.9', 'K52.9', 'L30.9'],
  INPATIENT: ['J18.9', 'I63.9', 'K35.8', 'I25.1', 'N20.0', 'S72.0', 'J44.1'],
  CHRONIC_SPECIAL: ['I10', 'E11.9', 'N18.5', 'F20.9'],
  MATERNITY: ['O80', 'O82'],
};
export const REJECT_REASONS = REVIEW_REASON_CODES.filter((r) => r !== 'OTHER');
export const REJECT_RATE = 0.03;
export const DEDUCT_RATE = 0.015;

export type Unit = { id: number; code: string; type: keyof typeof PROFILES; parentId: number | null; submitterId: number };

/** Whole fen as the yuan text the database reads. */
export const fen = (n: number) => `${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}`;
export const hex16 = (n: number) => n.toString(16).padStart(16, '0');

/** ISO dates from 1 December of the year before (admissions may start there) to 31 December. */
export const DATES: string[] = [];
for (let t = Date.UTC(FUND_YEAR - 1, 11, 1); t <= Date.UTC(FUND_YEAR, 11, 31); t += 86_400_000)
  DATES.push(new Date(t).toISOString().slice(0, 10));
export const dateIndex = (period: string, day: number) => DATES.indexOf(`${period}-01`) + day - 1;
export const daysIn = (period: string) => new Date(Date.UTC(Number(period.slice(0, 4)), Number(period.slice(5, 7)), 0)).getUTCDate();

/** What the generator produced, in integer fen. */
export interface Totals {
  records: number;
  rejected: number;
  deducted: number;
  approvedFen: number;
  primaryApprovedFen: number;
  byUnit: Map<number, number>;
}

/** The load's columns; review and deduction notes, township code and timestamps keep their defaults. */
export const LOAD_COLUMNS =
  'submitter_id, external_id, unit_id, insured_hash, insured_masked, visit_type, admission_date, discharge_date, visit_date, settlement_date, period, claim_period, ' +
  'total_cost, covered_cost, fund_paid, critical_illness_paid, medical_aid_paid, self_paid, diagnosis_code, clinical_pathway, referral_no, content_hash, batch_id, review_status, review_reason, deduction_reason';

/**
 * One month's records as tab-separated text, unit by unit (each submitter's records together, so
 * that the indexes fill in order), in pieces of `piece` rows.
 */
export function* monthText(
  period: string,
  units: Unit[],
  counts: Map<number, number>,
  batchOf: Map<number, number>,
  totals: Totals,
  next: () => number,
  sequence: { n: number },
  piece = 5000,
): Generator<Buffer> {
  const days = daysIn(period);
  const perSubmitter = new Map<number, number>();
  let text = '';
  let inPiece = 0;
  for (const unit of units) {
    const profile = PROFILES[unit.type];
    const primary = unit.type === 'TOWNSHIP_CENTER' || unit.type === 'VILLAGE_CLINIC';
    const count = counts.get(unit.id) ?? 0;
    for (let k = 0; k < count; k++) {
      const seq = sequence.n++;
      const local = (perSubmitter.get(unit.submitterId) ?? 0) + 1;
      perSubmitter.set(unit.submitterId, local);
      const pick = next();
      let acc = 0;
      let visit = profile[profile.length - 1];
      for (const p of profile) {
        acc += p.share;
        if (pick < acc) {
          visit = p;
          break;
        }
      }
      const total = visit.min + Math.floor(next() * (visit.max - visit.min));
      const covered = total - Math.floor(total * next() * 0.12);
      const fund = Math.floor(covered * visit.rate);
      const critical = visit.type === 'INPATIENT' && total > 1_000_000 ? Math.floor((total - fund) * 0.4) : 0;
      const aid = next() < 0.06 ? Math.floor((total - fund - critical) * 0.5) : 0;
      const self = total - fund - critical - aid;
      const day = 1 + Math.floor(next() * days);
      const settled = DATES[dateIndex(period, day)];
      const inpatient = visit.type === 'INPATIENT';
      const admission = inpatient ? DATES[dateIndex(period, day) - 1 - Math.floor(next() * 14)] : null;
      const person = 1 + Math.floor(next() * 650_000);
      const diagnoses = DIAGNOSES[visit.type];
      const diagnosis = diagnoses[Math.floor(next() * diagnoses.length)];
      const review = next();
      const rejected = review < REJECT_RATE;
      const deducted = !rejected && review > 1 - DEDUCT_RATE;
      const reason = rejected || deducted ? REJECT_REASONS[Math.floor(next() * REJECT_REASONS.length)] : null;
      totals.records++;
      if (rejected) totals.rejected++;
      else if (deducted) totals.deducted++;
      else {
        totals.approvedFen += fund;
        if (primary) totals.primaryApprovedFen += fund;
        totals.byUnit.set(unit.id, (totals.byUnit.get(unit.id) ?? 0) + fund);
      }
      const personHex = hex16(person * 2_654_435_761);
      text +=
        `${unit.submitterId}\tYE${period.replace('-', '')}-${String(local).padStart(7, '0')}\t${unit.id}\t${personHex}${personHex}${personHex}${personHex}\t532927********${String(person % 100).padStart(2, '0')}\t` +
        `${visit.type}\t${admission ?? '\\N'}\t${inpatient ? settled : '\\N'}\t${inpatient ? '\\N' : settled}\t${settled}\t${period}\t${period}\t` +
        `${fen(total)}\t${fen(covered)}\t${fen(fund)}\t${fen(critical)}\t${fen(aid)}\t${fen(self)}\t${diagnosis}\t${inpatient && seq % 3 === 0 ? 1 : 0}\t` +
        `${inpatient && unit.type === 'LEAD_HOSPITAL' && seq % 4 === 0 ? `ZZ${FUND_YEAR}${String(seq).padStart(8, '0')}` : '\\N'}\t${hex16(seq)}${hex16(seq * 31)}${hex16(seq * 131)}${hex16(seq * 1031)}\t` +
        `${batchOf.get(unit.submitterId)}\t${rejected ? 'REJECTED' : 'ACCEPTED'}\t${rejected ? reason : '\\N'}\t${deducted ? reason : '\\N'}\n`;
      if (++inPiece === piece) {
        yield Buffer.from(text, 'utf8');
        text = '';
        inPiece = 0;
      }
    }
  }
  if (text) yield Buffer.from(text, 'utf8');
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export async function callerFor(ds: DataSource, username: string, roles: Role[], institutionCode: string): Promise<Caller> {
  const [inst]: { id: number; code: string; type: InstitutionType; county_id: number; community_id: number | null }[] = await ds.query(
    'SELECT id, code, type, county_id, community_id FROM institution WHERE code = ?',
    [institutionCode],
  );
  const [user]: { id: number }[] = await ds.query('SELECT id FROM app_user WHERE username = ?', [username]);
  const institution = {
    id: Number(inst.id),
    code: inst.code,
    type: inst.type,
    level: 'COUNTY' as const,
    countyId: Number(inst.county_id),
    communityId: inst.community_id === null ? null : Number(inst.community_id),
    regionId: null,
  };
  return {
    kind: 'user',
    name: username,
    userId: user ? Number(user.id) : null,
    sessionId: null,
    roles,
    institution,
    scope: scopeOf(institution, roles),
  };
}

/** Runs `fn` as `caller` would run it in a request: the audit trail records the caller. */
export function as<T>(caller: Caller, fn: () => Promise<T>): Promise<T> {
  return runInContext(
    { requestId: `bench-yearend-${Date.now()}`, actor: caller.name, actorInstitution: caller.institution.code, caller },
    fn,
  );
}

/** Deletes every Redis key of a benchmark's queue prefix (jobs its services enqueued with no worker to run them). */
export async function forgetQueuePrefix(config: AppConfig, prefix: string): Promise<void> {
  const redis = new Redis({
    host: config.redis.host,
    port: config.redis.port,
    password: config.redis.password,
    db: config.redis.db,
    lazyConnect: true,
  });
  try {
    await redis.connect();
    const keys: string[] = [];
    for await (const batch of redis.scanStream({ match: `${prefix}:*`, count: 500 })) keys.push(...(batch as string[]));
    if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

/**
 * Loads one month of `monthRecords` generated records: each unit's share (the lead unit takes what
 * rounding leaves), one intake batch per submitter, then `LOAD DATA LOCAL INFILE`. Returns the
 * seconds the load took, generation included; refuses a short load or any warning.
 */
export async function loadMonth(
  conn: mysql2.Connection,
  period: string,
  monthRecords: number,
  units: Unit[],
  totals: Totals,
  next: () => number,
  sequence: { n: number },
): Promise<number> {
  const submitters = [...new Set(units.map((u) => u.submitterId))];
  const [lead] = units.filter((u) => u.type === 'LEAD_HOSPITAL');
  const counts = new Map(units.map((u) => [u.id, Math.floor(monthRecords * RECORD_SHARE[u.type])]));
  counts.set(lead.id, monthRecords - [...counts.entries()].filter(([id]) => id !== lead.id).reduce((s, [, n]) => s + n, 0));
  const batchOf = new Map<number, number>();
  for (const s of submitters) {
    const stored = units.filter((u) => u.submitterId === s).reduce((sum, u) => sum + counts.get(u.id)!, 0);
    const [batch] = await conn.query(
      "INSERT INTO intake_batch (submitter_id, source, on_error, received, stored, duplicates, rejected, submitted_by) VALUES (?, 'json', 'reject', ?, ?, 0, 0, 'bench')",
      [s, stored, stored],
    );
    batchOf.set(s, (batch as { insertId: number }).insertId);
  }
  const started = performance.now();
  const [result] = await conn.query({
    sql: `LOAD DATA LOCAL INFILE 'records-${period}.tsv' INTO TABLE settlement_record CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (${LOAD_COLUMNS})`,
    infileStreamFactory: () => Readable.from(monthText(period, units, counts, batchOf, totals, next, sequence)),
  });
  const seconds = (performance.now() - started) / 1000;
  const { affectedRows, warningStatus } = result as { affectedRows: number; warningStatus: number };
  if (affectedRows !== monthRecords || warningStatus > 0)
    throw new Error(`${period}: loaded ${affectedRows} of ${monthRecords} rows with ${warningStatus} warnings`);
  return seconds;
}
