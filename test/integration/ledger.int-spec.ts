import { ACCOUNTS, communityPackageAccount, TransferSpec } from '../../src/domain/ledger';
import { Money } from '../../src/domain/money';
import { LedgerService } from '../../src/modules/ledger/ledger.service';
import { CountyService } from '../../src/modules/registry/county.service';
import { RunningApi, startApi, uniqueCode } from '../support/test-app';

describe('double-entry ledger on MySQL', () => {
  let api: RunningApi;
  let ledger: LedgerService;
  let countyId: number;
  const year = 2022;
  const post = (transfers: TransferSpec[]) =>
    api.dataSource.transaction((m) => ledger.post(m, countyId, year, transfers, { type: 'test', id: 'ledger-spec' }));
  const t = (id: string, debit: string, credit: string, amount: string): TransferSpec => ({
    id,
    debit,
    credit,
    amount: Money.of(amount),
    memo: 'test',
  });

  beforeAll(async () => {
    api = await startApi();
    ledger = api.app.get(LedgerService);
    const code = uniqueCode('L');
    await api.app.get(CountyService).createCounty({ code, name: '账务测试县' });
    countyId = (await api.app.get(CountyService).getCounty(code)).id;
  });
  afterAll(() => api.close());

  it('posts balanced transfers and derives balances that reconcile', async () => {
    expect(
      await post([
        t('L1', ACCOUNTS.fundSource, ACCOUNTS.fundPool, '1000.00'),
        t('L2', ACCOUNTS.fundPool, communityPackageAccount('MC'), '600.00'),
      ]),
    ).toEqual({ posted: 2, alreadyPosted: 0 });
    const balances = await ledger.balances(countyId, year);
    expect(balances).toMatchObject({ totalDebits: '1600.00', totalCredits: '1600.00', reconciled: true });
    expect(balances.accounts.map((a) => `${a.code}=${a.balance}`)).toEqual([
      'COMMUNITY_PACKAGE:MC=600.00',
      'FUND_POOL=400.00',
      'FUND_SOURCE=-1000.00',
    ]);
  });

  it('treats a re-posted id with the same content as a no-op, and with other content as a conflict', async () => {
    expect(await post([t('L1', ACCOUNTS.fundSource, ACCOUNTS.fundPool, '1000.00')])).toEqual({ posted: 0, alreadyPosted: 1 });
    await expect(post([t('L1', ACCOUNTS.fundSource, ACCOUNTS.fundPool, '1000.01')])).rejects.toMatchObject({
      code: 'TRANSFER_ID_CONFLICT',
      kind: 'conflict',
    });
    expect((await ledger.balances(countyId, year)).totalDebits).toBe('1600.00');
  });

  it('never lets a protected account go negative, and rolls the whole posting back', async () => {
    await expect(
      post([t('L3', ACCOUNTS.fundPool, ACCOUNTS.privatePool, '300.00'), t('L4', ACCOUNTS.fundPool, ACCOUNTS.adjustmentReserve, '100.01')]),
    ).rejects.toMatchObject({ code: 'ACCOUNT_WOULD_GO_NEGATIVE' });
    const balances = await ledger.balances(countyId, year);
    expect(balances.accounts.find((a) => a.code === ACCOUNTS.fundPool)?.balance).toBe('400.00');
    expect(balances.accounts.find((a) => a.code === ACCOUNTS.privatePool)?.balance ?? '0.00').toBe('0.00');
    expect(balances.reconciled).toBe(true);
  });

  it('keeps posted transfers immutable', async () => {
    await expect(api.dataSource.query("UPDATE ledger_transfer SET amount = 1 WHERE id = 'L1'")).rejects.toThrow(/immutable/);
    await expect(api.dataSource.query("DELETE FROM ledger_transfer WHERE id = 'L1'")).rejects.toThrow(/immutable/);
  });

  it('serialises concurrent postings so that balances stay exact', async () => {
    await post([t('C-open', ACCOUNTS.fundSource, ACCOUNTS.criticalIllness, '0.01')]); // opens the account before the race
    const many = Array.from({ length: 20 }, (_, i) => post([t(`C${i}`, ACCOUNTS.fundPool, ACCOUNTS.criticalIllness, '20.00')]));
    const results = await Promise.allSettled(many);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(20);
    const balances = await ledger.balances(countyId, year);
    expect(balances.accounts.find((a) => a.code === ACCOUNTS.fundPool)?.balance).toBe('0.00');
    expect(balances.reconciled).toBe(true);
    await expect(post([t('C-over', ACCOUNTS.fundPool, ACCOUNTS.criticalIllness, '0.01')])).rejects.toMatchObject({
      code: 'ACCOUNT_WOULD_GO_NEGATIVE',
    });
  });
});
