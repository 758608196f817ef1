import {
  assertAllocationToSettle,
  assertLedgerUnchanged,
  assertNoPendingDeclarations,
  assertStatementDrafted,
  assertYearEndDrafted,
  assertYearEndPostable,
  communitiesReleasingDeposit,
  settleYearEnd,
  yearEndTransfersToPost,
} from './county-year-end';
import { AccountTotals, communityPackageAccount, CYCLE_ACCOUNTS } from './ledger';
import { Money } from './money';
import { defaultPolicyParameters, policyTerms } from './policy-parameters';
import { workedExample } from './county-year-end.spec-helper';
import { refusal } from './refusal.spec-helper';

const m = (v: string) => Money.of(v);
const terms = policyTerms(defaultPolicyParameters(2026));

describe('settleYearEnd (SPEC §7 年终清算)', () => {
  it('settles the worked example to the fen: shares by consumption, primary after shares, balances, transfers', () => {
    const { summary, statements } = settleYearEnd(workedExample(), terms);
    expect(statements.map((l) => `${l.unit.code} ${l.kind} ${l.s.overspendShare} ${l.s.balanceDue}`)).toEqual([
      'WS-LEAD MEMBER 530612.25 -530612.25',
      'WS-TA MEMBER 153061.22 -153061.22',
      'WS-TA-V1 MEMBER 30612.24 -30612.24',
      'WS-TB MEMBER 102040.82 -102040.82',
      'WS-TCM MEMBER 183673.47 -183673.47',
    ]);
    const [c] = summary.communities;
    expect(c).toMatchObject({
      communityCode: 'WS-MC',
      totalExpenditure: '11000000.00',
      overspend: '1000000.00',
      surplus: '0.00',
      primaryAfterShares: '2514285.72',
      primaryShareOfPackage: '0.2514',
      floorViolation: false,
      score: null,
      outOfCountyUnfunded: '1000000.00',
    });
    expect(summary.records).toBe(100);
    expect(summary.options).toEqual({
      attributeOutOfCountyToLead: false,
      reapportionFloorShortfall: false,
      surplusPrimaryWeight: '1.5',
      parametersVersion: 3,
    });
    expect(summary.transfers.map((t) => `${t.debit}>${t.credit} ${t.amount}`)).toContain(
      `YEAR_END_CLEARING:WS-MC>${CYCLE_ACCOUNTS.outOfCounty('WS-MC')} 1000000.00`,
    );
    expect(Money.sum(summary.transfers.filter((t) => t.credit === 'YEAR_END_CLEARING:WS-MC').map((t) => t.amount)).toString()).toBe(
      '1000000.00',
    );
  });

  it('settles a year with a package and no consumption: the whole surplus retained unallocated for the surplus plan, flagged for a decision', () => {
    const { summary, statements } = settleYearEnd(
      workedExample({
        declarations: [],
        records: [],
        outOfCounty: [{ communityId: 100, total: m('1200000.00'), unfunded: Money.ZERO }],
        ledger: new Map<string, AccountTotals>([
          [communityPackageAccount('WS-MC'), { debits: m('1200000.00'), credits: m('10000000.00') }],
        ]),
      }),
      terms,
    );
    const [c] = summary.communities;
    expect(c).toMatchObject({
      totalExpenditure: '1200000.00',
      overspend: '0.00',
      surplus: '8800000.00',
      surplusUnallocated: '8800000.00',
      overspendUnapportioned: '0.00',
      primaryAfterShares: '0.00',
      floorViolation: true,
    });
    expect(c.decisionNeeded).toBe(
      'no member unit has approved consumption: the surplus 8800000.00 is retained by the community, unallocated, for the surplus plan to distribute',
    );
    expect(statements.map((l) => `${l.unit.code} ${l.s.surplusShare} ${l.s.balanceDue}`)).toEqual([
      'WS-LEAD 0.00 0.00',
      'WS-TA 0.00 0.00',
      'WS-TA-V1 0.00 0.00',
      'WS-TB 0.00 0.00',
      'WS-TCM 0.00 0.00',
    ]);
    expect(summary.transfers.map((t) => `${t.debit}>${t.credit} ${t.amount}`)).toEqual([
      'COMMUNITY_PACKAGE:WS-MC>YEAR_END_CLEARING:WS-MC 8800000.00',
      'YEAR_END_CLEARING:WS-MC>YEAR_END_SURPLUS:WS-MC 8800000.00',
    ]);
  });

  it('settles a year where only out-of-county spending overran the package: the overspend reported unapportioned', () => {
    const { summary, statements } = settleYearEnd(
      workedExample({
        declarations: [],
        records: [],
        outOfCounty: [{ communityId: 100, total: m('10000100.00'), unfunded: m('100.00') }],
      }),
      terms,
    );
    const [c] = summary.communities;
    expect(c).toMatchObject({ overspend: '100.00', overspendUnapportioned: '100.00', surplusUnallocated: '0.00' });
    expect(c.decisionNeeded).toContain('the overspend 100.00');
    expect(statements.every((l) => l.s.balanceDue.isZero() && l.s.overspendShare.isZero())).toBe(true);
    expect(summary.transfers).toEqual([]);
    // A worked-example year needs no decision.
    expect(settleYearEnd(workedExample(), terms).summary.communities[0].decisionNeeded).toBeNull();
  });

  it('attributes out-of-county spending to the lead unit when the parameters say so', () => {
    const { statements } = settleYearEnd(workedExample(), { ...terms, attributeOutOfCountyToLead: true });
    const lead = statements.find((l) => l.unit.code === 'WS-LEAD')!;
    expect(lead.s.overspendShare.gt(m('530612.25'))).toBe(true);
  });

  it('refuses a year with no approved allocation', () => {
    const e = refusal(() => settleYearEnd(workedExample({ packages: null }), terms));
    expect(e).toMatchObject({
      code: 'NO_ALLOCATION',
      kind: 'unprocessable',
      message: 'WS has no approved allocation for 2026: there is no package to settle',
    });
    expect(e.details).toEqual([{ field: 'fundYear', rule: 'allocationApproved', message: '2026' }]);
    expect(() => assertAllocationToSettle(workedExample())).not.toThrow();
  });

  it('refuses transfers the ledger cannot carry', () => {
    const ledger = new Map<string, AccountTotals>([[communityPackageAccount('WS-MC'), { debits: Money.ZERO, credits: m('5.00') }]]);
    expect(() => settleYearEnd(workedExample({ ledger }), terms)).toThrow();
  });

  it('needs the scores of the communities that release a deposit, and only theirs', () => {
    const withDeposit = workedExample({
      declarations: [{ ...workedExample().declarations[0], deposit: m('98000.00') }],
      ledger: new Map([[CYCLE_ACCOUNTS.qualityDeposit('WS-MC'), { debits: Money.ZERO, credits: m('98000.00') }]]),
    });
    expect(communitiesReleasingDeposit(workedExample())).toEqual([]);
    expect(communitiesReleasingDeposit(withDeposit)).toEqual([100]);
    expect(() => settleYearEnd(withDeposit, terms)).toThrow('needs its performance score');
    const { summary } = settleYearEnd({ ...withDeposit, scores: new Map([[100, '80.00']]) }, terms);
    expect(summary.communities[0]).toMatchObject({ score: '80.00', depositWithheld: '98000.00' });
  });
});

describe('approval and posting rules', () => {
  it('refuses approval while declarations of the year are pending', () => {
    expect(() => assertNoPendingDeclarations({ pendingDeclarations: [] }, 2026)).not.toThrow();
    const e = refusal(() =>
      assertNoPendingDeclarations(
        {
          pendingDeclarations: [
            { communityCode: 'WS-MC', period: '2026-11', state: 'SUBMITTED' },
            { communityCode: 'WS-MC', period: '2026-12', state: 'DRAFT' },
          ],
        },
        2026,
      ),
    );
    expect(e).toMatchObject({
      code: 'DECLARATIONS_PENDING',
      kind: 'conflict',
      message: '2 declaration(s) of 2026 are not yet approved; approve or settle them and draft again',
    });
    expect(e.details).toEqual([{ field: 'pendingDeclarations', rule: 'allApproved', message: 'WS-MC 2026-11, WS-MC 2026-12' }]);
  });

  it('refuses approval when the ledger changed since the draft', () => {
    const { summary } = settleYearEnd(workedExample(), terms);
    expect(() => assertLedgerUnchanged(summary, new Map())).not.toThrow();
    const changed = new Map([[communityPackageAccount('WS-MC'), { debits: Money.ZERO, credits: m('0.01') }]]);
    expect(refusal(() => assertLedgerUnchanged(summary, changed))).toMatchObject({
      code: 'YEAR_END_LEDGER_CHANGED',
      kind: 'conflict',
      message:
        'the ledger of WS-MC changed since the draft ({"package":"0.00","leadAdvance":"0.00","qualityDeposit":"0.00"} → {"package":"0.01","leadAdvance":"0.00","qualityDeposit":"0.00"}); draft again before approving',
    });
  });

  it('posts only an approved settlement, its transfers as kept', () => {
    expect(() => assertYearEndPostable('APPROVED', 7)).not.toThrow();
    expect(refusal(() => assertYearEndPostable('DRAFT', 7))).toMatchObject({
      code: 'YEAR_END_NOT_APPROVED',
      kind: 'conflict',
      message: 'year-end settlement 7 is DRAFT, not approved',
    });
    const { summary } = settleYearEnd(workedExample(), terms);
    const kept = JSON.parse(JSON.stringify(summary));
    const transfers = yearEndTransfersToPost(kept);
    expect(transfers.map((t) => t.id)).toEqual(summary.transfers.map((t) => t.id));
    expect(transfers.every((t) => t.amount instanceof Money)).toBe(true);
  });

  it('answers not found for a settlement or statement not drafted yet', () => {
    expect(assertYearEndDrafted({ id: 1 }, 2026)).toEqual({ id: 1 });
    expect(refusal(() => assertYearEndDrafted(null, 2026, 'WS'))).toMatchObject({
      code: 'YEAR_END_SETTLEMENT_NOT_FOUND',
      kind: 'not_found',
      message: 'no year-end settlement of WS for 2026 yet: run the year-end cycle',
    });
    expect(refusal(() => assertYearEndDrafted(null, 2026)).message).toBe('no year-end settlement for 2026 yet');
    expect(refusal(() => assertStatementDrafted(undefined, 'WS-TA', 2026))).toMatchObject({
      code: 'YEAR_END_STATEMENT_NOT_FOUND',
      kind: 'not_found',
      message: 'no year-end statement of WS-TA for 2026 yet',
    });
  });
});
